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

/// The other way (RFC 3584 §3.2 steps 1 and 2): a Trap-PDU's enterprise, generic-trap and
/// specific-trap for an snmpTrapOID value (without an snmpTrapEnterprise.0 varbind):
/// - one of the generic notifications snmpTraps.1 .. .6: enterprise snmpTraps, generic-trap
///   0..5, specific-trap 0;
/// - else enterpriseSpecific(6), specific-trap the last sub-identifier, enterprise the OID
///   without it and, when the next-to-last sub-identifier is 0, without that one too.
/// The other fields of trap are left as they are.
void set_v1_trap_identity(const ber::oid& trap_oid, trap_v1_pdu& trap);

}  // namespace trapsink::snmp::message
