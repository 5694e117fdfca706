#pragma once
// A configured USM user (RFC 3414 §2.1 usmUser, plus trapsink's authorization settings), as
// read from the YAML configuration or from Net-SNMP createUser lines.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.hpp"
#include "snmp/usm/crypto.hpp"

namespace trapsink::snmp::usm {

/// RFC 3411 SecurityLevel values.
enum class security_level : std::uint8_t { no_auth_no_priv = 1, auth_no_priv = 2, auth_priv = 3 };

/// "noAuthNoPriv", "authNoPriv", "authPriv".
constexpr std::string_view name(security_level l) noexcept {
  switch (l) {
    case security_level::no_auth_no_priv:
      return "noAuthNoPriv";
    case security_level::auth_no_priv:
      return "authNoPriv";
    case security_level::auth_priv:
      return "authPriv";
  }
  return "?";
}

/// Parse "noAuthNoPriv" / "authNoPriv" / "authPriv" (case-insensitive; Net-SNMP's short forms
/// "noauth", "auth", "priv" too).
std::optional<security_level> parse_security_level(std::string_view s) noexcept;

/// How a key is given.
struct key_source {
  enum class kind : std::uint8_t {
    none,
    passphrase,     ///< password-to-key (RFC 3414 A.2), then localized per engine ID
    master_key,     ///< Ku in hex (Net-SNMP -3m): localized per engine ID
    localized_key,  ///< Kul in hex (Net-SNMP -3k): valid for one engine ID only
  };
  kind how = kind::none;
  std::string passphrase;
  key_bytes key;
};

/// One user. Secrets (passphrase, keys) are never printed.
struct user_config {
  std::string name;  ///< usmUserName / msgUserName (1..32 octets)
  auth_protocol auth = auth_protocol::none;
  key_source auth_key;
  priv_protocol priv = priv_protocol::none;
  key_source priv_key;
  /// Lowest security level accepted from this user. Unset: the highest its keys allow.
  std::optional<security_level> min_level;
  /// When not empty, only these authoritative engine IDs are accepted for this user (pinning).
  /// A user whose keys are localized keys must list exactly one engine ID (or none: then the
  /// keys are taken as localized for trapsink's own engine ID, for informs).
  std::vector<key_bytes> engine_ids;
  /// Refuse this user's traps that are older than the 150-second window relative to the
  /// latest boots/time seen from the sending engine (RFC 3414 §3.2 step 7b). Turn off only for
  /// senders that restart without incrementing their engine boots (e.g. one-shot scripts).
  bool replay_protection = true;
  /// Source addresses this user is accepted from (empty: any).
  std::vector<core::cidr> allow_from;
  /// Where it was configured ("file:line"), for messages.
  std::string origin;

  /// The highest level the configured keys allow.
  security_level max_level() const noexcept {
    if (auth == auth_protocol::none) return security_level::no_auth_no_priv;
    if (priv == priv_protocol::none) return security_level::auth_no_priv;
    return security_level::auth_priv;
  }
  /// min_level, or max_level() when unset.
  security_level effective_min_level() const noexcept { return min_level.value_or(max_level()); }
};

}  // namespace trapsink::snmp::usm
