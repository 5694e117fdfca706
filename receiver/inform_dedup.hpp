#pragma once
// Recognises retransmitted informs. A sender that does not see our Response in time resends the
// same InformRequest (same request-id); it must be acknowledged again but recorded once.
// Key: (peer address, peer port, community or user, request-id), remembered for a window.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace trapsink::receiver {

/// A bounded, time-windowed set of informs already recorded.
class inform_dedup {
 public:
  using clock = std::chrono::steady_clock;

  /// window: how long a recorded inform is remembered; capacity: at most this many entries
  /// (the oldest are forgotten first).
  inform_dedup(std::chrono::milliseconds window, std::size_t capacity = 100'000);

  /// The identity of one inform.
  struct key {
    std::string peer;       ///< "address|port"
    std::string principal;  ///< community (v2c) or user@engine (v3)
    std::int32_t request_id = 0;
    bool operator==(const key&) const = default;
  };

  /// True if this inform was remembered within the window (a retransmission).
  bool seen(const key& k, clock::time_point now);
  /// Remember an inform that was recorded.
  void remember(key k, clock::time_point now);
  /// Entries currently remembered.
  std::size_t size() const;

 private:
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept;
  };
  void expire(clock::time_point now);

  std::chrono::milliseconds window_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<key, key_hash> set_;
  std::deque<std::pair<clock::time_point, key>> order_;
};

}  // namespace trapsink::receiver
