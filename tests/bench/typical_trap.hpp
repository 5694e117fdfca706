#pragma once
// The notification the receive-path benchmarks measure: a linkDown as a switch sends it.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/record/record.hpp"
#include "receiver/record_builder.hpp"
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

/// A typical record as the receiver builds it from the linkDown trap (v2c, from 192.0.2.10).
inline pipeline::record typical_record() {
  namespace msg = snmp::message;
  msg::pdu p;
  p.type = msg::pdu_type::snmpv2_trap;
  p.request_id = 1234567;
  p.varbinds = typical_linkdown_varbinds();
  const receiver::peer_info peer{"192.0.2.10", 50123, "udp",
                                 boost::asio::ip::make_address("192.0.2.10")};
  receiver::build_error err{};
  auto r = receiver::build_record(msg::community_message{msg::version::v2c, "public", p}, peer,
                                  std::chrono::system_clock::now(), err);
  r.id = pipeline::make_record_id(r.time);
  return r;
}

/// A temporary directory for one benchmark's files, removed afterwards.
struct temp_dir {
  explicit temp_dir(const char* prefix = "trapsink-bench") {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::filesystem::path path;
};

}  // namespace trapsink::bench
