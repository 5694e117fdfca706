#pragma once
// The notification the receive-path benchmarks measure: a linkDown as a switch sends it.
#include <vector>

#include "snmp/message/pdu.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::bench {

/// sysUpTime.0, snmpTrapOID.0 = linkDown, then ifIndex, ifAdminStatus, ifOperStatus, ifDescr,
/// ifAlias and a Counter64 (ifHCInOctets).
inline std::vector<snmp::message::varbind> typical_linkdown_varbinds() {
  namespace msg = snmp::message;
  using snmp::ber::oid;
  return {
      {msg::well_known::sys_up_time_0, msg::value::timeticks(123456789)},
      {msg::well_known::snmp_trap_oid_0, msg::value::object_id(msg::well_known::link_down)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 10107}, msg::value::integer(10107)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 10107}, msg::value::integer(1)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 10107}, msg::value::integer(2)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 10107}, msg::value::octets("GigabitEthernet1/0/7")},
      {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18, 10107}, msg::value::octets("uplink to core-2")},
      {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 10107}, msg::value::counter64(98765432109876ULL)},
  };
}

}  // namespace trapsink::bench
