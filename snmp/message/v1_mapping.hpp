#pragma once
// RFC 3584 §3.1: translating SNMPv1 notification parameters (a Trap-PDU) to SNMPv2
// notification parameters, so every notification is handled in the SNMPv2 form.
#include <string_view>
#include <vector>

#include "snmp/message/pdu.hpp"

namespace trapsink::snmp::message {

/// The snmpTrapOID value of a Trap-PDU (RFC 3584 §3.1 step 1):
/// - generic-trap enterpriseSpecific(6): enterprise.0.specific-trap (step 1a);
/// - generic-trap 0..5: snmpTraps.(generic-trap + 1), i.e. 1.3.6.1.6.3.1.1.5.1 .. .6 (step 1b).
/// A generic-trap outside 0..6 (which decode_community rejects) is treated as step 1a.
/// A negative specific-trap becomes the arc static_cast<std::uint32_t>(specific-trap).
ber::oid v1_trap_oid(const trap_v1_pdu& trap);

/// The SNMPv2 notification varbinds for a Trap-PDU received with the given community:
///   sysUpTime.0 = TimeTicks time-stamp, snmpTrapOID.0 = v1_trap_oid(trap)  (RFC 3416 §4.2.6
///   order; RFC 3584 §3.1), then the Trap-PDU's varbinds unchanged (step 2), then — each only
///   if the Trap-PDU's varbinds do not already carry it (step 2) — snmpTrapAddress.0 =
///   IpAddress agent-addr, snmpTrapCommunity.0 = OctetString community, snmpTrapEnterprise.0
///   = OBJECT IDENTIFIER enterprise. The three are appended for generic traps too.
std::vector<varbind> v1_trap_to_v2_varbinds(const trap_v1_pdu& trap, std::string_view community);

}  // namespace trapsink::snmp::message
