#pragma once
// Configuration reload for `serve` (SIGHUP, `trapsink reload`; docs/operations.md).
//
// The configuration is read again the way it was at startup (an options_source: the file, the
// same command-line flags on top, the same validation). A configuration that fails anywhere —
// parsing, validation, a new sink that cannot start, a user whose keys cannot be prepared — is
// refused with the reason and nothing changes. Otherwise, without closing a socket:
//   - communities: a new community_policy in the slot the listeners read;
//   - USM users: a new user table (engine ID, boots and the remote-engine table stay);
//   - routes, default_sinks, dedup, rate_limit: a new dispatcher generation;
//   - enrich rules: the enrichment stage's rule set;
//   - sinks: unchanged ones (same name, type, options and queue settings) keep running with
//     their queues; new ones start; removed and changed ones (the changed replaced by a new
//     runner) stop once no record uses them, after writing out their queues.
// Keys that need a restart (listen, receive_shards, ...) keep their running value, with a
// warning.
//
// Every outcome is counted (trapsink_config_reloads_total{result="ok"|"refused"}), and written
// next to the pid file (reload_status_path) for `trapsink reload`.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.hpp"
#include "core/swap_slot.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"
#include "receiver/notification_receiver.hpp"
#include "receiver/server.hpp"
#include "snmp/usm/processor.hpp"

namespace trapsink::receiver {

/// A sink as it runs: its configuration, its queue capacity and its runner.
struct running_sink {
  named_sink config;
  std::size_t capacity = 0;
  std::shared_ptr<pipeline::sink_runner> runner;
  /// A JSON-lines sink writing a file (reopened on SIGHUP), owned by the runner; else null.
  pipeline::sinks::jsonl_sink* jsonl_file = nullptr;
};

/// The sinks of a configuration in runner order: the top-level jsonl, sqlite and kafka ones
/// (named after their type), then those of `sinks:`.
std::vector<named_sink> configured_sinks(const server_options& o);

/// Open one sink and start its runner (with the log lines of startup). Throws
/// std::runtime_error (or another std::exception) when the sink cannot start.
running_sink start_sink(const named_sink& s, std::size_t global_capacity,
                        core::metrics_registry& metrics);

/// The configuration keys that differ between the running options and the next ones and that
/// a reload cannot change (they need a restart), by name ("listen", "receive_shards", ...).
std::vector<std::string> restart_keys_changed(const server_options& running,
                                              const server_options& next);

/// The file next to the pid file where serve writes the outcome of each reload.
std::string reload_status_path(const std::string& pid_file);

/// One line of the reload status file: "SEQUENCE ok|refused MESSAGE".
struct reload_status {
  std::uint64_t sequence = 0;  ///< reloads attempted since serve started (0: none yet)
  bool ok = true;
  std::string message;
};
/// Write atomically (a temporary file renamed over it). Throws std::runtime_error.
void write_reload_status(const std::string& path, const reload_status& s);
/// Read it; nullopt when the file is absent or malformed.
std::optional<reload_status> read_reload_status(const std::string& path);

/// Applies reloads to a running server. Used from one thread (the one handling SIGHUP).
class reload_controller {
 public:
  /// What a reload changes. The references must outlive the controller.
  struct targets {
    core::metrics_registry* metrics = nullptr;
    pipeline::dispatcher* pipe = nullptr;
    core::swap_slot<community_policy>* communities = nullptr;
    snmp::usm::processor* usm = nullptr;  ///< null: users are not reloaded
    /// Keep trapsink_sink_queue_depth gauges (the HTTP listener is on).
    bool queue_gauges = false;
    /// Checks the enrich rules of the next configuration (throws with the reason when they are
    /// bad) and returns what installs them once nothing else can fail; may reset next.enrich
    /// (rules that need a restart). Empty: enrich rules are not reloaded.
    std::function<std::function<void()>(server_options& next)> enrich;
  };

  /// running: the options serve started with; sinks: the sinks it started (runner order, as
  /// given to the dispatcher); source: reads the configuration again (may be empty: reload
  /// then only counts a refusal). Registers the reload counters and the last-success gauge.
  reload_controller(server_options running, std::vector<running_sink> sinks, options_source source,
                    targets t);
  ~reload_controller();
  reload_controller(const reload_controller&) = delete;
  reload_controller& operator=(const reload_controller&) = delete;

  /// Read the configuration again and apply it (see the file comment). True when applied.
  /// Never throws; logs "reload refused: REASON" when refused.
  bool reload() noexcept;

  /// The options in force (restart-only keys keep their running values).
  const server_options& options() const noexcept { return running_; }
  /// The sinks in force.
  const std::vector<running_sink>& sinks() const noexcept { return sinks_; }

  /// Set the queue-depth gauge of every running sink (when targets::queue_gauges).
  void register_gauges();

 private:
  void apply(server_options next);
  void record_outcome(bool ok, const std::string& message);

  server_options running_;
  std::vector<running_sink> sinks_;
  options_source source_;
  targets t_;
  core::counter& ok_;
  core::counter& refused_;
  std::atomic<double> last_success_;
  std::uint64_t sequence_ = 0;
};

}  // namespace trapsink::receiver
