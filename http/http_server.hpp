#pragma once
// The HTTP/1.1 listener (docs/http.md): /metrics, /healthz, /readyz, /api/events,
// /api/events/stream and the web page at /. Boost.Beast on its own thread and io_context —
// never on a receive thread. Bounded: at most max_connections connections at once (others wait
// in the accept queue), requests of at most 8 KiB of headers and no body, 30 s to send a
// request; bad requests get a 4xx and the connection is closed.
//
// The server holds no pipeline state of its own: what it serves comes from the metrics
// registry, the broadcaster and the `hooks`, so a reload can swap what is behind them (and the
// token, set_token) while the server keeps running.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/metrics.hpp"
#include "http/event_broadcaster.hpp"
#include "http/http_options.hpp"

namespace trapsink::http {

/// What /readyz reports: ready, and if not, why (a JSON object member list per problem).
struct readiness {
  bool ready = true;
  /// One line per thing that is not ready ("listeners not started", "sink 'sqlite' queue full").
  std::vector<std::string> problems{};
};

/// Where the server gets what it serves; each function is called on the server's thread.
struct server_hooks {
  /// /readyz; unset: always ready.
  std::function<readiness()> ready{};
  /// The SQLite database /api/events reads; empty: no store (the API says how to enable one).
  std::function<std::string()> sqlite_path{};
};

/// The HTTP listener (see the file comment).
class http_server {
 public:
  /// Nothing runs until start(). metrics and events must outlive the server.
  http_server(http_options options, core::metrics_registry& metrics, event_broadcaster& events,
              server_hooks hooks);
  /// Calls stop().
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Bind and start the thread. Throws std::runtime_error naming the address when binding
  /// fails (in use, not a local address, no permission).
  void start();
  /// Close the listener and every connection, join the thread. Idempotent.
  void stop();

  /// The bound endpoint ("127.0.0.1:8162"; the real port when 0 was asked for).
  std::string bound() const;

  /// Replace the bearer token (empty: none) for the requests that follow.
  void set_token(std::string token);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace trapsink::http
