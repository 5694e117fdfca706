#include "receiver/inform_dedup.hpp"

#include <functional>
#include <utility>

namespace trapsink::receiver {

inform_dedup::inform_dedup(std::chrono::milliseconds window, std::size_t capacity)
    : window_(window), capacity_(capacity == 0 ? 1 : capacity) {}

std::size_t inform_dedup::key_hash::operator()(const key& k) const noexcept {
  std::size_t h = std::hash<std::string>{}(k.peer);
  h ^= std::hash<std::string>{}(k.principal) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<std::int32_t>{}(k.request_id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

void inform_dedup::expire(clock::time_point now) {
  while (!order_.empty() && (now - order_.front().first > window_ || order_.size() > capacity_)) {
    // An entry forgotten and inserted again has a newer order_ item: only the item whose time
    // matches the entry owns it.
    const auto it = map_.find(order_.front().second);
    if (it != map_.end() && it->second.since == order_.front().first) map_.erase(it);
    order_.pop_front();
  }
}

void inform_dedup::insert(key k, clock::time_point now, entry e) {
  e.since = now;
  auto [it, fresh] = map_.try_emplace(k, std::move(e));
  if (!fresh) {
    // Known already (a racing retransmission): keep it, but let it live from now on.
    it->second.since = now;
  }
  order_.emplace_back(now, std::move(k));
  expire(now);
}

inform_dedup::state inform_dedup::lookup(const key& k, clock::time_point now,
                                         std::vector<std::byte>* response) {
  std::lock_guard lock(mu_);
  expire(now);
  const auto it = map_.find(k);
  if (it == map_.end()) return state::unseen;
  if (it->second.st == state::pending && response != nullptr) {
    it->second.response = std::move(*response);
  }
  return it->second.st;
}

void inform_dedup::remember(key k, clock::time_point now) {
  std::lock_guard lock(mu_);
  insert(std::move(k), now, entry{state::acknowledged, {}, now});
}

void inform_dedup::hold(key k, clock::time_point now, std::vector<std::byte> response) {
  std::lock_guard lock(mu_);
  insert(std::move(k), now, entry{state::pending, std::move(response), now});
}

std::optional<std::vector<std::byte>> inform_dedup::settle(const key& k, bool ok) {
  std::lock_guard lock(mu_);
  const auto it = map_.find(k);
  if (it == map_.end() || it->second.st != state::pending) return std::nullopt;
  if (!ok) {
    map_.erase(it);  // its order_ item no longer owns anything and is skipped
    return std::nullopt;
  }
  it->second.st = state::acknowledged;
  return std::exchange(it->second.response, {});
}

std::size_t inform_dedup::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

}  // namespace trapsink::receiver
