#pragma once
// `trapsink serve`: listeners + receiver + pipeline, run until SIGINT/SIGTERM.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/http_options.hpp"
#include "mibs/resolver/resolver.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "pipeline/stages/enrich.hpp"
#include "receiver/listen_address.hpp"
#include "receiver/notification_receiver.hpp"
#include "service/logging.hpp"
#include "snmp/usm/user.hpp"

namespace trapsink::receiver {

/// When an inform is acknowledged (docs/configuration.md): once every sink it is routed to has
/// accepted it into its queue (accepted), or once the sinks marked durable have written it
/// (durable).
enum class inform_ack_mode : std::uint8_t { accepted, durable };

/// The runner (queue) settings of one sink: the `queue_capacity`, `overflow`, `block_timeout`
/// and `durable` keys of its configuration map.
struct sink_settings {
  /// Records the sink's queue holds; unset: server_options::queue_capacity.
  std::optional<std::size_t> queue_capacity;
  /// What a full queue does to a trap: refuse it at once, or wait up to block_timeout.
  pipeline::sink_runner_options::overflow_policy overflow =
      pipeline::sink_runner_options::overflow_policy::drop_newest;
  std::chrono::milliseconds block_timeout{1000};
  /// Counts for inform_ack: durable.
  bool durable = false;

  bool operator==(const sink_settings&) const = default;
};

/// The runner options for a sink with these settings; global_capacity stands in for an unset
/// queue_capacity.
pipeline::sink_runner_options make_runner_options(const sink_settings& s,
                                                  std::size_t global_capacity);

/// One sink of the `sinks:` list: a named instance of a sink type, with its queue settings.
/// Its name is its runner's name: routes and default_sinks name it, metrics are labelled with it.
struct named_sink {
  std::string name;
  std::variant<pipeline::sinks::jsonl_options, pipeline::sinks::sqlite_options,
               pipeline::sinks::kafka_options>
      options;
  sink_settings settings{};

  bool operator==(const named_sink&) const = default;
};

/// "jsonl", "sqlite" or "kafka".
std::string_view type_name(const named_sink& s) noexcept;

/// The settings a sink of this type starts from: durable for sqlite and kafka.
sink_settings default_sink_settings(std::string_view type);

/// "drop_newest" or "block".
std::string_view name(pipeline::sink_runner_options::overflow_policy p) noexcept;
/// "accepted" or "durable".
std::string_view name(inform_ack_mode m) noexcept;

/// Everything `serve` needs, after command-line and configuration parsing.
struct server_options {
  std::vector<listen_address> listeners;
  community_policy communities;
  /// JSON-lines output: the file (path "-": standard output) with its rotation and fsync
  /// settings; unset: no JSON-lines output ("none", jsonl_disabled).
  std::optional<pipeline::sinks::jsonl_options> jsonl = pipeline::sinks::jsonl_options{};
  /// The SQLite store (docs/storage.md); unset: no SQLite sink. It does not turn the JSON-lines
  /// output off: reset jsonl for that.
  std::optional<pipeline::sinks::sqlite_options> sqlite;
  /// Forwarding to Kafka (docs/kafka.md); unset: no Kafka sink.
  std::optional<pipeline::sinks::kafka_options> kafka;
  /// The queue settings of each sink; sqlite and kafka count for inform_ack: durable by default.
  sink_settings jsonl_settings = default_sink_settings("jsonl");
  sink_settings sqlite_settings = default_sink_settings("sqlite");
  sink_settings kafka_settings = default_sink_settings("kafka");
  /// Further named sinks (`sinks:`), after jsonl, sqlite and kafka; their names differ from
  /// each other and from those of the top-level sinks that are on.
  std::vector<named_sink> sinks;
  /// When informs are acknowledged.
  inform_ack_mode inform_ack = inform_ack_mode::accepted;
  /// Routes, default sinks, dedup and rate limiting (docs/configuration.md).
  pipeline::dispatcher_options pipeline;
  /// Enrichment rules (`enrich`, docs/configuration.md); empty: no enrichment stage.
  std::vector<pipeline::enrich_rule_config> enrich;
  /// The enrichment stage's limits (`enrich_options`).
  pipeline::enrich_options enrich_options;
  /// Capacity of each sink's queue (records), unless its sink_settings set one.
  std::size_t queue_capacity = 65536;
  std::chrono::milliseconds inform_dedup_window{std::chrono::seconds(60)};
  /// Receive shards per listen address (`receive_shards`, --receive-shards): that many sockets
  /// bound to the address with SO_REUSEPORT, each read by its own thread. 0: one per core.
  std::size_t receive_shards = 0;
  /// SO_RCVBUF asked for on each receive socket, in bytes (`receive_buffer`,
  /// --receive-buffer); 0 leaves the kernel's default. The kernel caps it at net.core.rmem_max.
  std::size_t receive_buffer = 8 * 1024 * 1024;
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
  /// The compiled MIB index that names records (docs/mibs.md); empty: the bundled index
  /// (mibs::bundled_index_path()), or none; mib_index_disabled ("none"): no names.
  std::string mib_index;
  /// The HTTP listener (docs/http.md): metrics, health, the events API and the web page;
  /// unset: off.
  std::optional<http::http_options> http;
  /// Localized keys cached per (user, engine ID); the least recently used are evicted.
  std::size_t key_cache_size = 10000;
  /// Remote engines whose boots/time are tracked for replay protection.
  std::size_t remote_engine_limit = 10000;

  /// serve writes its process ID here at startup (removed at exit), and the outcome of each
  /// configuration reload next to it (reload_status_path()), for `trapsink reload`; empty: none.
  std::string pid_file;

  // Running as a service (docs/operations.md).
  /// Switch to this user (a name or uid) once the sockets are bound and the outputs open
  /// (`user`, --user); empty: stay who started trapsink (a warning when that is root).
  std::string user;
  /// The group for `user` (a name or gid); empty: the user's primary group.
  std::string group;
  /// `log_format`, `log_file`, `log_level` of the configuration file (the global flags win).
  service::log_settings logging;

  /// Where the configuration file set some values, "FILE:LINE:COL" by dotted key
  /// ("jsonl.path", "jsonl.rotate_size", "sqlite.path", "kafka.spool_dir", ...), for the checks
  /// that run after loading (validate, check-config). A flag that replaces a value removes its
  /// entry.
  std::map<std::string, std::string> origins;
};

/// The `--mib-index` / `mib_index:` value that turns MIB names off.
inline constexpr const char* mib_index_disabled = "none";

/// The `--jsonl` / `jsonl:` value that turns the JSON-lines output off.
inline constexpr const char* jsonl_disabled = "none";

/// The embedded defaults: udp:127.0.0.1:1162 and udp6:[::1]:1162, community "public",
/// JSON lines on standard output.
server_options default_server_options();

/// The number of receive shards for a configured receive_shards: itself, or for 0 the number
/// of cores (at least 1).
std::size_t effective_receive_shards(std::size_t configured) noexcept;

/// How enrich rules' names become OIDs: dotted OIDs as they are, names through the MIB index
/// (names may be null: numeric OIDs only). For pipeline::compile_enrich_rules.
pipeline::enrich_resolve_fn enrich_resolver(std::shared_ptr<const mibs::resolver> names);

/// Re-reads the configuration for a reload, the same way as at startup (file, then flags, then
/// validation); throws (config::config_error, std::exception) with the reason when it is bad.
using options_source = std::function<server_options()>;

/// Run until SIGINT or SIGTERM: stop listening, drain and flush the sinks, log a counter
/// summary. SIGHUP reopens the JSON-lines files (after logrotate moved them), reloads the
/// configuration through `reload` when given (receiver/reload.hpp: communities, users, routes,
/// stages and sinks change without closing a socket; a bad configuration is refused and the
/// running one stays) and reloads the MIB index (a bad one is refused and the loaded one stays).
/// Returns the process exit code (0 on a clean stop). Throws std::runtime_error with a clear
/// message when startup fails (a listener cannot bind, an output cannot be opened, the SQLite
/// database is foreign or newer than this trapsink).
int run_server(const server_options& options, options_source reload = {});

}  // namespace trapsink::receiver
