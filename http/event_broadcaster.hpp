#pragma once
// Feeds /api/events/stream: the receive path publishes every record the pipeline accepted; the
// HTTP thread hands each one, encoded once, to every streaming client. Publishing never blocks
// on a client: it takes a short lock, appends to a bounded inbox and, when the inbox was empty,
// posts one wake-up to the HTTP io_context. With no client connected it does nothing at all.
//
//   trapsink_http_stream_events_total              events handed to streaming clients (once
//                                                  per event, whatever the number of clients)
//   trapsink_http_stream_dropped_total             events not streamed: the inbox was full
//   trapsink_http_stream_disconnected_total{reason} clients disconnected: "slow" (their buffer
//                                                  overflowed), "shutdown"
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"

namespace trapsink::http {

/// Records from any thread to streaming clients on one executor (see the file comment).
class event_broadcaster {
 public:
  /// A streaming client, used only on the executor's thread.
  struct client {
    /// Called (on the executor) when data was appended to pending or when the client must go.
    std::function<void()> wake;
    /// Encoded SSE events not yet written.
    std::string pending;
    /// Set when pending outgrew the limit (or at shutdown): the client must be disconnected.
    bool overflowed = false;
  };

  /// `inbox_capacity`: records held between two wake-ups of the executor; `client_buffer`:
  /// bytes held for one client before it counts as slow.
  event_broadcaster(core::metrics_registry& metrics, std::size_t inbox_capacity = 4096,
                    std::size_t client_buffer = 1 << 20);

  /// Set the executor the clients live on (the HTTP server's), before the first subscribe.
  void bind(boost::asio::any_io_executor ex);

  /// From any thread: queue a record for the clients. Never blocks on a client; never throws.
  void publish(const pipeline::record_ptr& r) noexcept;

  /// On the executor: add a client; returns it. Remove it with unsubscribe.
  std::shared_ptr<client> subscribe();
  void unsubscribe(const std::shared_ptr<client>& c);
  /// On the executor: disconnect every client (shutdown).
  void close_all();

  /// Clients connected now.
  std::size_t clients() const noexcept { return client_count_.load(std::memory_order_relaxed); }

  /// One record as an SSE event: "id: ID\nevent: record\ndata: JSON\n\n".
  static std::string encode(const pipeline::record& r);

 private:
  void drain();

  std::size_t inbox_capacity_;
  std::size_t client_buffer_;
  boost::asio::any_io_executor ex_;
  std::atomic<std::size_t> client_count_{0};

  std::mutex mu_;
  std::vector<pipeline::record_ptr> inbox_;

  std::vector<std::shared_ptr<client>> clients_;  ///< executor only
  core::counter& events_;
  core::counter& dropped_;
  core::counter& slow_;
  core::counter& shutdown_;
};

}  // namespace trapsink::http
