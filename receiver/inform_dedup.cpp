#include "receiver/inform_dedup.hpp"

#include <functional>

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
    set_.erase(order_.front().second);
    order_.pop_front();
  }
}

bool inform_dedup::seen(const key& k, clock::time_point now) {
  std::lock_guard lock(mu_);
  expire(now);
  return set_.contains(k);
}

void inform_dedup::remember(key k, clock::time_point now) {
  std::lock_guard lock(mu_);
  if (set_.insert(k).second) order_.emplace_back(now, std::move(k));
  expire(now);
}

std::size_t inform_dedup::size() const {
  std::lock_guard lock(mu_);
  return set_.size();
}

}  // namespace trapsink::receiver
