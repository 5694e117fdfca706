#include "cli/notification_objects.hpp"

#include <algorithm>
#include <stdexcept>

#include "mibs/resolver/resolver.hpp"
#include "snmp/message/v1_mapping.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;

namespace {

const mibs::resolver& resolver_or_throw(const varbind_formatter& fmt) {
  const auto* r = fmt.mib_resolver();
  if (r == nullptr) {
    throw std::invalid_argument(
        "--objects needs MIBs to find the notification's OBJECTS, and they are off (-m '' or "
        "MIBS='')");
  }
  return *r;
}

bool has_prefix(std::span<const std::uint32_t> arcs, std::span<const std::uint32_t> prefix) {
  return arcs.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), arcs.begin());
}

/// The instance of object named in a notification: OBJECT.0 for a scalar, else OBJECT.INDEX
/// parsed as a name is (so that index values may be written as in `ifDescr."eth0"`).
snmp::ber::oid instance_of(const mibs::resolver& r, const mibs::node& notification,
                           const mibs::node& object, std::string_view index) {
  if (object.kind == mibs::node_kind::scalar) {
    snmp::ber::oid zero(object.oid);
    zero.push_back(0);
    return zero;
  }
  std::string text(r.module_of(object));
  if (!text.empty()) text += "::";
  text += object.name;
  text += '.';
  text += index;
  std::string why;
  auto arcs = r.parse(text, &why);
  if (!arcs || !has_prefix(*arcs, object.oid) || arcs->size() == object.oid.size()) {
    throw std::invalid_argument("--objects " + std::string(index) + ": not an instance index of " +
                                object.name + " (an object of " + notification.name + ")" +
                                (why.empty() ? "" : ": " + why));
  }
  return snmp::ber::oid(std::move(*arcs));
}

}  // namespace

const mibs::node& notification_node(const varbind_formatter& fmt, const snmp::ber::oid& trap_oid,
                                    const std::string& text) {
  const auto& r = resolver_or_throw(fmt);
  const auto* n = r.find(trap_oid.arcs());
  if (n == nullptr || n->kind != mibs::node_kind::notification) {
    throw std::invalid_argument("--objects: " + text + " (" + r.name(trap_oid.arcs()) +
                                ") is not a notification (NOTIFICATION-TYPE or TRAP-TYPE) in "
                                "the MIBs");
  }
  return *n;
}

std::vector<msg::varbind> expand_objects(const varbind_formatter& fmt, const mibs::node& n,
                                         std::string_view index, std::vector<msg::varbind> given) {
  const auto& r = resolver_or_throw(fmt);
  std::vector<msg::varbind> out;
  out.reserve(n.objects.size() + given.size());
  std::vector<bool> used(given.size(), false);
  for (const auto& ref : n.objects) {
    if (ref.node == mibs::node_ref::npos || ref.node >= r.set().nodes.size()) {
      throw std::invalid_argument("--objects: " + ref.module + "::" + ref.name + ", an object of " +
                                  n.name + ", is not in the MIBs");
    }
    const auto& object = r.set().nodes[ref.node];
    msg::varbind slot{instance_of(r, n, object, index), msg::value::null()};
    for (std::size_t i = 0; i < given.size(); ++i) {
      if (used[i] || !has_prefix(given[i].name.arcs(), object.oid)) continue;
      used[i] = true;
      if (given[i].name.size() > object.oid.size()) slot.name = std::move(given[i].name);
      slot.val = std::move(given[i].val);
      break;
    }
    out.push_back(std::move(slot));
  }
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!used[i]) out.push_back(std::move(given[i]));
  }
  return out;
}

void set_v1_identity(const mibs::node& n, msg::trap_v1_pdu& trap) {
  if (n.trap_type) {
    trap.enterprise = snmp::ber::oid(n.enterprise);
    trap.generic_trap = 6;  // enterpriseSpecific
    trap.specific_trap = static_cast<std::int32_t>(n.specific);
    return;
  }
  msg::set_v1_trap_identity(snmp::ber::oid(n.oid), trap);
}

}  // namespace trapsink::cli
