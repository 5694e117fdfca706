#pragma once
// `trapsink serve`: listeners + receiver + pipeline, run until SIGINT/SIGTERM.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/dispatcher.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "receiver/listen_address.hpp"
#include "receiver/notification_receiver.hpp"
#include "snmp/usm/user.hpp"

namespace trapsink::receiver {

/// Everything `serve` needs, after command-line and configuration parsing.
struct server_options {
  std::vector<listen_address> listeners;
  community_policy communities;
  /// JSON-lines output: a file path, "-" for standard output, or "none" (jsonl_disabled) for no
  /// JSON-lines output at all.
  std::string jsonl = "-";
  /// The SQLite store (docs/storage.md); unset: no SQLite sink. It does not turn the JSON-lines
  /// output off: set jsonl to "none" for that.
  std::optional<pipeline::sinks::sqlite_options> sqlite;
  /// Forwarding to Kafka (docs/kafka.md); unset: no Kafka sink.
  std::optional<pipeline::sinks::kafka_options> kafka;
  /// Routes, default sinks, dedup and rate limiting (docs/configuration.md).
  pipeline::dispatcher_options pipeline;
  /// Capacity of each sink's queue (records).
  std::size_t queue_capacity = 65536;
  std::chrono::milliseconds inform_dedup_window{std::chrono::seconds(60)};
  /// How long shutdown may spend writing out what is queued.
  std::chrono::milliseconds shutdown_deadline{std::chrono::seconds(10)};

  // SNMPv3 (docs/snmpv3.md).
  /// USM users, from the configuration and from users_from files.
  std::vector<snmp::usm::user_config> users;
  /// trapsink's own snmpEngineID (5..32 octets); unset: the one kept in state_dir, generated
  /// on first start.
  std::optional<std::vector<std::byte>> engine_id;
  /// Where the engine ID and engine boots are kept; empty: not kept (a new engine ID at every
  /// start, with a warning).
  std::string state_dir;
  /// Localized keys cached per (user, engine ID); the least recently used are evicted.
  std::size_t key_cache_size = 10000;
  /// Remote engines whose boots/time are tracked for replay protection.
  std::size_t remote_engine_limit = 10000;
};

/// The value of server_options::jsonl that turns the JSON-lines output off.
inline constexpr const char* jsonl_disabled = "none";

/// The embedded defaults: udp:127.0.0.1:1162 and udp6:[::1]:1162, community "public",
/// JSON lines on standard output.
server_options default_server_options();

/// Run until SIGINT or SIGTERM: stop listening, drain and flush the sinks, log a counter
/// summary. Returns the process exit code (0 on a clean stop). Throws std::runtime_error with a
/// clear message when startup fails (a listener cannot bind, an output cannot be opened, the
/// SQLite database is foreign or newer than this trapsink).
int run_server(const server_options& options);

}  // namespace trapsink::receiver
