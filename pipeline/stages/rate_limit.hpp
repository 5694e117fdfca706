#pragma once
// Storm control: token buckets per source address and per trap OID. A record over either
// bucket is suppressed — counted, not forwarded — and every interval each key that suppressed
// anything yields one summary record (kind "rate_limit") saying how many. Thread-compatible.
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {

struct rate_limit_options {
  double per_source_rate = 0;   ///< records/s per source address; 0: no limit
  double per_source_burst = 0;  ///< bucket size; 0: the rate (one second's worth)
  double per_trap_rate = 0;     ///< records/s per trap OID; 0: no limit
  double per_trap_burst = 0;
  /// How often summaries of what was suppressed are emitted.
  std::chrono::milliseconds summary_interval{std::chrono::seconds(60)};
  /// Keys tracked at most per dimension; idle full buckets are forgotten first.
  std::size_t max_keys = 100000;
};

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  /// Throws std::invalid_argument for a negative rate or burst.
  rate_limiter(rate_limit_options o, core::metrics_registry& metrics,
               std::string name = "rate_limit");

  /// True when r may go on; false when it is suppressed.
  bool admit(const record_ptr& r, clock::time_point now);

  /// Summaries due at `now` (every summary_interval), one per key that suppressed records.
  std::vector<record> expire(clock::time_point now);

  /// All pending summaries (shutdown).
  std::vector<record> flush();

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point updated;
    std::uint64_t suppressed = 0;
    record_ptr example;
    std::chrono::system_clock::time_point first, last;
  };
  struct dimension {
    double rate = 0, burst = 0;
    std::string label;  // "source" | "trap"
    std::unordered_map<std::string, bucket> buckets;
  };
  bool take(dimension& d, const std::string& key, const record_ptr& r, clock::time_point now);
  void summarise(dimension& d, std::vector<record>& out);

  rate_limit_options opts_;
  dimension source_;
  dimension trap_;
  clock::time_point next_summary_{};
  core::counter& suppressed_source_;
  core::counter& suppressed_trap_;
  core::counter& summaries_;
};

}  // namespace trapsink::pipeline
