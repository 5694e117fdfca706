#pragma once
// `trapsink serve`: listeners + receiver + pipeline, run until SIGINT/SIGTERM.
#include "receiver/listen_address.hpp"
#include "receiver/notification_receiver.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace trapsink::receiver {

/// Everything `serve` needs, after command-line and configuration parsing.
struct server_options {
  std::vector<listen_address> listeners;
  community_policy communities;
  /// JSON-lines output: a file path, or "-" for standard output.
  std::string jsonl = "-";
  /// Capacity of each sink's queue (records).
  std::size_t queue_capacity = 65536;
  std::chrono::milliseconds inform_dedup_window{std::chrono::seconds(60)};
  /// How long shutdown may spend writing out what is queued.
  std::chrono::milliseconds shutdown_deadline{std::chrono::seconds(10)};
};

/// The embedded defaults: udp:127.0.0.1:1162 and udp6:[::1]:1162, community "public",
/// JSON lines on standard output.
server_options default_server_options();

/// Run until SIGINT or SIGTERM: stop listening, drain and flush the sinks, log a counter
/// summary. Returns the process exit code (0 on a clean stop). Throws std::runtime_error with a
/// clear message when startup fails (a listener cannot bind, the output cannot be opened).
int run_server(const server_options& options);

}  // namespace trapsink::receiver
