#pragma once
// The configuration file (docs/configuration.md): YAML (JSON is YAML too) applied onto
// server_options, and the validation that runs after the command-line flags are applied as well.
//
// Precedence, lowest first: default_server_options(), the configuration file, flags.
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "receiver/server.hpp"
#include "snmp/usm/crypto.hpp"

namespace trapsink::config {

/// A configuration mistake. what() is one line, "FILE:LINE:COL: what is wrong and what to do"
/// ("FILE:LINE: ..." for Net-SNMP files and users, no location for whole-configuration
/// problems). It never contains a passphrase or a key.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Load the YAML (or JSON) file at path and apply its keys onto o. Keys given replace what o
/// holds (`listen` and `communities` replace the lists; `users` and `users_from` add users).
/// Relative `users_from` paths are taken relative to the file's directory. Unknown keys, wrong
/// types and invalid values throw config_error with the file, line and column.
/// Does not run validate(): call it once the flags are applied too.
void apply_config_file(const std::string& path, receiver::server_options& o);

/// Whole-configuration checks, after the file and the flags: at least one listener; at least one
/// sink, named sinks' names not those of top-level sinks that are on, no two sinks writing the
/// same file, database or spool directory, routes naming only sinks that are on; unique user
/// names; every user's privacy protocol usable in this process (loads OpenSSL's legacy provider
/// when a user has DES or 3DES), so a cipher is refused at configuration time, never at packet
/// time; localized keys have an engine ID they belong to. Throws config_error.
void validate(receiver::server_options& o);

/// Parse an snmpEngineID given in hex (optional "0x", ':' or spaces between octet pairs allowed),
/// 5..32 octets, not all zeros or all 'ff'H (RFC 3411 SnmpEngineID). Throws config_error (no
/// location) naming the text and what is wrong.
snmp::usm::key_bytes parse_engine_id(std::string_view text);

/// Parse a duration: a number of seconds ("60", "1.5") or a number with a unit: "500ms", "60s",
/// "2m", "1h", "30d". Not negative. Throws config_error (no location) naming the text.
std::chrono::milliseconds parse_duration(std::string_view text);

/// The checks `check-config` runs after validate(), as far as they go without network and
/// without creating anything: the JSON-lines file can be written (or created, and with rotation
/// files renamed, in its directory); the SQLite database's directory exists and is writable
/// (and an existing database file is readable and writable; it is not opened); the Kafka spool
/// directory exists or can be created; the same for every named sink (`sinks:`, keys
/// "sinks.NAME.path" and "sinks.NAME.spool_dir"). (The Kafka configuration itself — librdkafka
/// properties, templates — is built, without a producer, by apply_config_file and validate.)
/// One message per problem, "ORIGIN: key: reason" with ORIGIN the FILE:LINE:COL where the
/// configuration file set the value (server_options::origins), or "key: reason" when a flag set it.
/// Empty: nothing found.
std::vector<std::string> check_outputs(const receiver::server_options& o);

/// A short human summary (several lines, each ending in '\n'): listeners, communities, outputs
/// (the named sinks too) and their queues, engine ID, users with name, protocols and minimum
/// level. Never a secret.
std::string describe(const receiver::server_options& o);

}  // namespace trapsink::config
