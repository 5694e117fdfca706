// USM user configuration helpers: RFC 3411 SecurityLevel names.
#include "snmp/usm/user.hpp"

namespace trapsink::snmp::usm {
namespace {

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) noexcept {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<security_level> parse_security_level(std::string_view s) noexcept {
  struct alias {
    std::string_view text;
    security_level level;
  };
  // RFC 3411's names (as snmpcmd -l takes them) and Net-SNMP's snmpd.conf short forms
  // ("rouser NAME noauth|auth|priv").
  static constexpr alias aliases[] = {
      {"noAuthNoPriv", security_level::no_auth_no_priv},
      {"authNoPriv", security_level::auth_no_priv},
      {"authPriv", security_level::auth_priv},
      {"noauth", security_level::no_auth_no_priv},
      {"auth", security_level::auth_no_priv},
      {"priv", security_level::auth_priv},
  };
  for (const auto& a : aliases) {
    if (iequals(s, a.text)) return a.level;
  }
  return std::nullopt;
}

}  // namespace trapsink::snmp::usm
