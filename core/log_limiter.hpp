#pragma once
// Rate limiting for per-packet log lines: a flood of bad packets must not flood the log.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace trapsink::core {

/// Allows at most `per_second` events in each wall-clock second; counts the rest so the next
/// allowed line can say how many were suppressed. Thread-safe, lock-free.
class log_limiter {
 public:
  explicit log_limiter(std::uint32_t per_second = 10) : per_second_(per_second) {}

  /// True if a line may be logged now. suppressed receives the number of lines suppressed
  /// since the last allowed one.
  bool allow(std::uint64_t& suppressed) noexcept {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
    auto second = static_cast<std::int64_t>(now);
    if (second_.load(std::memory_order_relaxed) != second) {
      second_.store(second, std::memory_order_relaxed);
      count_.store(0, std::memory_order_relaxed);
    }
    if (count_.fetch_add(1, std::memory_order_relaxed) < per_second_) {
      suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
      return true;
    }
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

 private:
  std::uint32_t per_second_;
  std::atomic<std::int64_t> second_{0};
  std::atomic<std::uint32_t> count_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace trapsink::core
