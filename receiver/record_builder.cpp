#include "receiver/record_builder.hpp"

#include <fmt/format.h>

#include "snmp/message/v1_mapping.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::receiver {
namespace msg = snmp::message;
using snmp::ber::tag;

namespace {

std::string dotted_ipv4(const std::string& four) {
  if (four.size() != 4) return {};
  auto b = [&](int i) { return static_cast<unsigned>(static_cast<unsigned char>(four[i])); };
  return fmt::format("{}.{}.{}.{}", b(0), b(1), b(2), b(3));
}

}  // namespace

bool fill_notification(std::vector<msg::varbind> varbinds, const peer_info& peer,
                       pipeline::record& out) {
  std::size_t first = 0;
  // RFC 3416 §4.2.6: sysUpTime.0 then snmpTrapOID.0. A sender that leaves out sysUpTime.0 is
  // still accepted (uptime absent); snmpTrapOID.0 is what makes it a notification.
  if (first < varbinds.size() && varbinds[first].name == msg::well_known::sys_up_time_0 &&
      varbinds[first].val.type == tag::timeticks) {
    out.uptime = std::get<std::uint32_t>(varbinds[first].val.data);
    ++first;
  }
  if (first >= varbinds.size() || varbinds[first].name != msg::well_known::snmp_trap_oid_0 ||
      varbinds[first].val.type != tag::object_identifier) {
    return false;
  }
  out.trap_oid = std::get<snmp::ber::oid>(varbinds[first].val.data).to_string();
  ++first;
  varbinds.erase(varbinds.begin(), varbinds.begin() + static_cast<std::ptrdiff_t>(first));
  out.varbinds = std::move(varbinds);

  if (out.agent_address.empty()) {
    for (const auto& vb : out.varbinds) {
      if (vb.name == msg::well_known::snmp_trap_address_0 && vb.val.type == tag::ip_address) {
        out.agent_address = dotted_ipv4(std::get<std::string>(vb.val.data));
        break;
      }
    }
  }
  if (out.agent_address.empty()) out.agent_address = peer.address;
  return true;
}

pipeline::record build_record(msg::community_message m, const peer_info& peer,
                              std::chrono::system_clock::time_point received, build_error& error) {
  error = build_error::none;
  pipeline::record r;
  r.time = received;
  r.source = {peer.address, peer.port, peer.transport};
  r.community = m.community;

  if (const auto* trap = std::get_if<msg::trap_v1_pdu>(&m.body)) {
    r.version = "1";
    r.pdu = "trap";
    std::string agent(trap->agent_address.begin(), trap->agent_address.end());
    r.v1 = pipeline::record_v1{trap->enterprise.to_string(), dotted_ipv4(agent), trap->generic_trap,
                               trap->specific_trap, trap->time_stamp};
    r.agent_address = r.v1->agent_address;
    if (!fill_notification(msg::v1_trap_to_v2_varbinds(*trap, m.community), peer, r)) {
      error = build_error::no_trap_oid;  // cannot happen: the mapping always sets it
    }
  } else {
    auto& p = std::get<msg::pdu>(m.body);
    if (p.type == msg::pdu_type::snmpv2_trap) {
      r.pdu = "trap";
    } else if (p.type == msg::pdu_type::inform_request) {
      r.pdu = "inform";
    } else {
      error = build_error::not_a_notification;
      return r;
    }
    r.version = m.ver == msg::version::v1 ? "1" : "2c";
    r.request_id = p.request_id;
    if (!fill_notification(std::move(p.varbinds), peer, r)) error = build_error::no_trap_oid;
  }
  if (error == build_error::none) r.id = pipeline::make_record_id(received);
  return r;
}

}  // namespace trapsink::receiver
