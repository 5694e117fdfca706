#pragma once
// Recognises retransmitted informs. A sender that does not see our Response in time resends the
// same InformRequest (same request-id); it must be acknowledged again but recorded once.
// Key: (peer address, peer port, community or user, request-id), remembered for a window.
//
// Under inform_ack: durable an inform is first held as pending until its durable sinks confirm
// it: a retransmission meanwhile is not recorded again and not answered yet; its Response
// replaces the held one (an SNMPv3 retransmission carries a new msgID, and the sender matches
// the Response by it), and the confirmation answers it. A failed confirmation forgets the
// inform, so the next retransmission is recorded anew.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trapsink::receiver {

/// A bounded, time-windowed map of informs already recorded or awaiting confirmation.
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

  /// What is known of an inform.
  enum class state : std::uint8_t {
    unseen,        ///< not within the window: record it
    pending,       ///< recorded, durable confirmation outstanding: do not answer yet
    acknowledged,  ///< recorded and acknowledged: answer again
  };

  /// The inform's state. When it is pending and `response` is given, the held Response is
  /// replaced by *response (moved from), to be sent when the confirmation comes.
  state lookup(const key& k, clock::time_point now, std::vector<std::byte>* response = nullptr);
  /// True if this inform is known within the window (pending or acknowledged).
  bool seen(const key& k, clock::time_point now) { return lookup(k, now) != state::unseen; }
  /// Remember an inform that was recorded and acknowledged.
  void remember(key k, clock::time_point now);
  /// Remember an inform that was recorded and awaits its durable confirmation.
  void hold(key k, clock::time_point now, std::vector<std::byte> response);
  /// The confirmation of a held inform. ok: it becomes acknowledged and the latest Response
  /// held for it is returned (nullopt if it was forgotten meanwhile); not ok: it is forgotten.
  std::optional<std::vector<std::byte>> settle(const key& k, bool ok);
  /// Entries currently remembered.
  std::size_t size() const;

 private:
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept;
  };
  struct entry {
    state st = state::acknowledged;
    std::vector<std::byte> response;  ///< pending only: what the confirmation sends
    clock::time_point since;          ///< matches the order_ item that owns this entry
  };
  void expire(clock::time_point now);
  void insert(key k, clock::time_point now, entry e);

  std::chrono::milliseconds window_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<key, entry, key_hash> map_;
  std::deque<std::pair<clock::time_point, key>> order_;
};

}  // namespace trapsink::receiver
