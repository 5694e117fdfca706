#include "http/event_broadcaster.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

namespace trapsink::http {

event_broadcaster::event_broadcaster(core::metrics_registry& metrics, std::size_t inbox_capacity,
                                     std::size_t client_buffer)
    : inbox_capacity_(inbox_capacity),
      client_buffer_(client_buffer),
      events_(metrics.get("trapsink_http_stream_events_total", {},
                          "Events handed to the clients of /api/events/stream.")),
      dropped_(metrics.get("trapsink_http_stream_dropped_total", {},
                           "Events not streamed because the stream's inbox was full.")),
      slow_(metrics.get("trapsink_http_stream_disconnected_total", "reason=\"slow\"",
                        "Streaming clients disconnected, by reason.")),
      shutdown_(metrics.get("trapsink_http_stream_disconnected_total", "reason=\"shutdown\"")) {}

void event_broadcaster::bind(boost::asio::any_io_executor ex) { ex_ = std::move(ex); }

void event_broadcaster::publish(const pipeline::record_ptr& r) noexcept {
  if (client_count_.load(std::memory_order_relaxed) == 0 || !r) return;
  bool wake = false;
  try {
    std::lock_guard lock(mu_);
    if (inbox_.size() >= inbox_capacity_) {
      dropped_.inc();
      return;
    }
    wake = inbox_.empty();
    inbox_.push_back(r);
  } catch (...) {
    dropped_.inc();
    return;
  }
  if (wake) {
    try {
      boost::asio::post(ex_, [this] { drain(); });
    } catch (...) {
      dropped_.inc();
    }
  }
}

std::string event_broadcaster::encode(const pipeline::record& r) {
  std::string out = "id: " + r.id + "\nevent: record\ndata: ";
  pipeline::append_json(r, out);  // one line: JSON escapes every newline
  out += "\n\n";
  return out;
}

void event_broadcaster::drain() {
  std::vector<pipeline::record_ptr> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(inbox_);
  }
  if (batch.empty()) return;
  std::string encoded;
  for (const auto& r : batch) encoded += encode(*r);
  events_.inc(batch.size());
  for (const auto& c : clients_) {
    if (c->overflowed) continue;
    if (c->pending.size() + encoded.size() > client_buffer_) {
      c->overflowed = true;
      c->pending.clear();
      slow_.inc();
    } else {
      c->pending += encoded;
    }
    if (c->wake) c->wake();
  }
}

std::shared_ptr<event_broadcaster::client> event_broadcaster::subscribe() {
  auto c = std::make_shared<client>();
  clients_.push_back(c);
  client_count_.store(clients_.size(), std::memory_order_relaxed);
  return c;
}

void event_broadcaster::unsubscribe(const std::shared_ptr<client>& c) {
  clients_.erase(std::remove(clients_.begin(), clients_.end(), c), clients_.end());
  client_count_.store(clients_.size(), std::memory_order_relaxed);
}

void event_broadcaster::close_all() {
  for (const auto& c : clients_) {
    if (!c->overflowed) shutdown_.inc();
    c->overflowed = true;
    if (c->wake) c->wake();
  }
}

}  // namespace trapsink::http
