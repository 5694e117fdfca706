// Query filters from what people type (store/query.hpp).
#include "store/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace trapsink::store {
namespace {

/// The generic notifications (RFC 3418 snmpTraps, RFC 2863 linkDown/linkUp) by name.
struct well_known {
  std::string_view module;
  std::string_view name;
  std::string_view oid;
};
constexpr std::array<well_known, 6> generic_traps{{
    {"SNMPv2-MIB", "coldStart", "1.3.6.1.6.3.1.1.5.1"},
    {"SNMPv2-MIB", "warmStart", "1.3.6.1.6.3.1.1.5.2"},
    {"IF-MIB", "linkDown", "1.3.6.1.6.3.1.1.5.3"},
    {"IF-MIB", "linkUp", "1.3.6.1.6.3.1.1.5.4"},
    {"SNMPv2-MIB", "authenticationFailure", "1.3.6.1.6.3.1.1.5.5"},
    {"RFC1213-MIB", "egpNeighborLoss", "1.3.6.1.6.3.1.1.5.6"},
}};

/// A name is an identifier (letters, digits, '-', '_'), optionally "MODULE::name".
bool is_name(std::string_view s) noexcept {
  auto ident = [](std::string_view p) {
    return !p.empty() && std::isalpha(static_cast<unsigned char>(p.front())) != 0 &&
           std::all_of(p.begin(), p.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
           });
  };
  const auto sep = s.find("::");
  if (sep == std::string_view::npos) return ident(s);
  return ident(s.substr(0, sep)) && ident(s.substr(sep + 2));
}

/// The OID without a leading '.'.
std::string normalized_oid(std::string_view s) {
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return std::string(s);
}

}  // namespace

bool is_numeric_oid(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  bool prev_dot = false;
  for (const char c : text) {
    if (c == '.') {
      if (prev_dot) return false;
      prev_dot = true;
    } else if (c >= '0' && c <= '9') {
      prev_dot = false;
    } else {
      return false;
    }
  }
  return true;
}

core::cidr parse_source(std::string_view text) {
  auto c = core::cidr::parse(text);
  if (!c) {
    throw usage_error(fmt::format(
        "--source '{}' is not an address or prefix: give an IPv4 or IPv6 address (192.0.2.1, "
        "2001:db8::1) or a prefix (10.0.0.0/8, 2001:db8::/32)",
        text));
  }
  return *c;
}

trap_filter parse_trap(std::string_view text) {
  trap_filter f;
  if (is_numeric_oid(text)) {
    f.oid = normalized_oid(text);
    return f;
  }
  if (!is_name(text)) {
    throw usage_error(
        fmt::format("--trap '{}' is neither an OID nor a notification name: give a dotted OID "
                    "(1.3.6.1.6.3.1.1.5.3, or 1.3.6.1.6.3.1.1.5 for everything below it) or a name "
                    "(linkDown, IF-MIB::linkDown)",
                    text));
  }
  f.name = std::string(text);
  const auto sep = text.find("::");
  const std::string_view module = sep == std::string_view::npos ? "" : text.substr(0, sep);
  const std::string_view name = sep == std::string_view::npos ? text : text.substr(sep + 2);
  for (const auto& w : generic_traps) {
    if (w.name == name && (module.empty() || module == w.module)) {
      f.well_known_oid = std::string(w.oid);
    }
  }
  return f;
}

varbind_filter parse_varbind(std::string_view text) {
  varbind_filter f;
  const auto eq = text.find('=');
  const std::string_view oid = eq == std::string_view::npos ? text : text.substr(0, eq);
  if (!is_numeric_oid(oid)) {
    throw usage_error(fmt::format(
        "--varbind '{}': '{}' is not a dotted OID; give OID=VALUE (1.3.6.1.2.1.2.2.1.1.3=3, "
        "1.3.6.1.2.1.2.2.1.2=eth0 for any ifDescr) or just OID for any value",
        text, oid));
  }
  f.oid = normalized_oid(oid);
  if (eq != std::string_view::npos) f.value = std::string(text.substr(eq + 1));
  return f;
}

}  // namespace trapsink::store
