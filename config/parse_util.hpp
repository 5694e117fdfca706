#pragma once
// Helpers shared by the YAML loader and the Net-SNMP createUser reader: hex octets, engine IDs,
// passphrase and key-length rules, "did you mean", reading a file. Internal to config/.
//
// Every `why` these produce is a sentence fragment that never repeats the text it was given
// (which may be a secret); callers add the location and, where the value is not secret, the value.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/hex.hpp"
#include "snmp/engine/local_engine.hpp"
#include "snmp/usm/user.hpp"

namespace trapsink::config::detail {

using core::parse_hex;
using core::to_hex;
using snmp::engine::engine_id_problem;

/// An engine ID in hex (parse_hex) that passes engine_id_problem; nullopt and why otherwise.
std::optional<snmp::usm::key_bytes> parse_engine_id_text(std::string_view text, std::string& why);

/// Shortest passphrase accepted: Net-SNMP refuses shorter ones (USM_LENGTH_P_MIN), and RFC 3414
/// §11.2 recommends at least 8 characters.
inline constexpr std::size_t min_passphrase_length = 8;

/// The octet counts a master or localized key may have. Authentication keys, and privacy master
/// keys (hashed with the authentication protocol, RFC 3414 §2.6), are key_length(auth). A
/// privacy localized key is key_length(auth) (localized with the auth hash), or, when the cipher
/// uses fewer octets than that, key_length(priv): the key material itself, as Net-SNMP's
/// createUser -l takes it (snmpd.conf(5): "localized privacy keys are expected to be the length
/// needed by the algorithm"). priv is none for an authentication key.
std::vector<std::size_t> allowed_key_lengths(snmp::usm::key_source::kind how,
                                             snmp::usm::auth_protocol auth,
                                             snmp::usm::priv_protocol priv);

/// Bring a privacy localized key given as the cipher's key material (shorter than
/// key_length(auth)) to key_length(auth) octets, as the USM processor takes it: zeros are
/// appended, which never reach the cipher (derive_priv_key keeps the first key_length(priv)
/// octets of a key that long). Other keys are left as they are.
void normalize_priv_key(snmp::usm::key_source& k, snmp::usm::auth_protocol auth);

/// "16 octets (32 hex digits)" or "20 or 16 octets (40 or 32 hex digits)".
std::string describe_lengths(const std::vector<std::size_t>& lengths);

/// The accepted protocol names, for messages: "MD5, SHA, SHA-224, ..." / "DES, 3DES, AES, ...".
std::string auth_protocol_names();
std::string priv_protocol_names();

/// The known word closest to word (small edit distance), or "" when none is close.
std::string closest(std::string_view word, std::span<const std::string_view> known);

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// The whole file, or nullopt and why (the OS error) when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path, std::string& why);

/// "ORIGIN: " for a user with an origin ("FILE:LINE"), "" for one without; message prefix.
std::string origin_prefix(const snmp::usm::user_config& u);

/// Throws config_error when two users have the same name, naming both origins.
void check_unique_names(const std::vector<snmp::usm::user_config>& users);

}  // namespace trapsink::config::detail
