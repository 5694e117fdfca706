// RFC 3584 §3.1 "Translating SNMPv1 Notification Parameters to SNMPv2 Notification
// Parameters".
#include "snmp/message/v1_mapping.hpp"

#include <algorithm>
#include <string>

#include "snmp/message/well_known.hpp"

namespace trapsink::snmp::message {
namespace {

constexpr std::int32_t enterprise_specific = 6;

bool has_name(const std::vector<varbind>& vbs, const ber::oid& name) {
  return std::any_of(vbs.begin(), vbs.end(), [&](const varbind& v) { return v.name == name; });
}

}  // namespace

ber::oid v1_trap_oid(const trap_v1_pdu& trap) {
  if (trap.generic_trap >= 0 && trap.generic_trap < enterprise_specific) {
    // RFC 3584 §3.1 step (1)(b): the generic trap's SNMPv2 counterpart from RFC 3418 §2:
    // coldStart(0) -> snmpTraps.1 ... egpNeighborLoss(5) -> snmpTraps.6.
    return well_known::snmp_traps.child({static_cast<std::uint32_t>(trap.generic_trap) + 1U});
  }
  // RFC 3584 §3.1 step (1)(a): enterprise, then the two sub-identifiers '0' and specific-trap.
  return trap.enterprise.child({0U, static_cast<std::uint32_t>(trap.specific_trap)});
}

std::vector<varbind> v1_trap_to_v2_varbinds(const trap_v1_pdu& trap, std::string_view community) {
  std::vector<varbind> out;
  out.reserve(trap.varbinds.size() + 5);
  // RFC 3416 §4.2.6: the first two variable bindings of an SNMPv2 notification are
  // sysUpTime.0 (here the Trap-PDU time-stamp) and snmpTrapOID.0 (RFC 3584 §3.1 step 1).
  out.push_back({well_known::sys_up_time_0, value::timeticks(trap.time_stamp)});
  out.push_back({well_known::snmp_trap_oid_0, value::object_id(v1_trap_oid(trap))});
  // RFC 3584 §3.1 step (2): the SNMPv2 variable-bindings are the SNMPv1 variable-bindings ...
  out.insert(out.end(), trap.varbinds.begin(), trap.varbinds.end());
  // ... and three more are appended, each only if not already present in the SNMPv1
  // variable-bindings: snmpTrapAddress.0 (agent-addr), snmpTrapCommunity.0 (the community of
  // the message that carried the Trap-PDU) and snmpTrapEnterprise.0 (enterprise). The RFC
  // appends them whatever the generic-trap value, so generic traps carry them too.
  if (!has_name(trap.varbinds, well_known::snmp_trap_address_0)) {
    const auto& a = trap.agent_address;
    out.push_back({well_known::snmp_trap_address_0,
                   value::ip(std::string{static_cast<char>(a[0]), static_cast<char>(a[1]),
                                         static_cast<char>(a[2]), static_cast<char>(a[3])})});
  }
  if (!has_name(trap.varbinds, well_known::snmp_trap_community_0)) {
    out.push_back({well_known::snmp_trap_community_0, value::octets(std::string(community))});
  }
  if (!has_name(trap.varbinds, well_known::snmp_trap_enterprise_0)) {
    out.push_back({well_known::snmp_trap_enterprise_0, value::object_id(trap.enterprise)});
  }
  return out;
}

void set_v1_trap_identity(const ber::oid& trap_oid, trap_v1_pdu& trap) {
  const auto arcs = trap_oid.arcs();
  if (trap_oid.size() == well_known::snmp_traps.size() + 1 &&
      trap_oid.starts_with(well_known::snmp_traps) && arcs.back() >= 1 &&
      arcs.back() <= static_cast<std::uint32_t>(enterprise_specific)) {
    // RFC 3584 §3.2 step (1): a standard trap; enterprise snmpTraps (no snmpTrapEnterprise.0).
    trap.enterprise = well_known::snmp_traps;
    trap.generic_trap = static_cast<std::int32_t>(arcs.back()) - 1;
    trap.specific_trap = 0;
    return;
  }
  // RFC 3584 §3.2 step (2): enterpriseSpecific; the last sub-identifier is the specific-trap and
  // the enterprise drops it, and the '0' before it when there is one.
  trap.generic_trap = enterprise_specific;
  trap.specific_trap = arcs.empty() ? 0 : static_cast<std::int32_t>(arcs.back());
  std::size_t keep = arcs.empty() ? 0 : arcs.size() - 1;
  if (keep >= 2 && arcs[keep - 1] == 0) --keep;
  trap.enterprise.assign(arcs.first(keep));
}

}  // namespace trapsink::snmp::message
