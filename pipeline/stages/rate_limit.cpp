#include "pipeline/stages/rate_limit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "pipeline/stages/summary.hpp"

namespace trapsink::pipeline {

rate_limiter::rate_limiter(rate_limit_options o, core::metrics_registry& metrics, std::string name)
    : opts_(o),
      suppressed_source_(metrics.get("trapsink_rate_limit_suppressed_total",
                                     fmt::format("stage=\"{}\",by=\"source\"", name),
                                     "records suppressed by a rate limit")),
      suppressed_trap_(metrics.get("trapsink_rate_limit_suppressed_total",
                                   fmt::format("stage=\"{}\",by=\"trap\"", name),
                                   "records suppressed by a rate limit")),
      summaries_(metrics.get("trapsink_rate_limit_summaries_total",
                             fmt::format("stage=\"{}\"", name),
                             "summary records emitted for suppressed records")) {
  for (double v : {o.per_source_rate, o.per_source_burst, o.per_trap_rate, o.per_trap_burst}) {
    if (v < 0) throw std::invalid_argument("rate limits and bursts cannot be negative");
  }
  source_ = {o.per_source_rate,
             o.per_source_burst > 0 ? o.per_source_burst : o.per_source_rate,
             "source",
             {}};
  trap_ = {o.per_trap_rate, o.per_trap_burst > 0 ? o.per_trap_burst : o.per_trap_rate, "trap", {}};
  // A burst below one record would suppress everything.
  source_.burst = std::max(source_.burst, 1.0);
  trap_.burst = std::max(trap_.burst, 1.0);
  opts_.max_keys = std::max<std::size_t>(opts_.max_keys, 1);
}

bool rate_limiter::take(dimension& d, const std::string& key, const record_ptr& r,
                        clock::time_point now) {
  if (d.rate <= 0) return true;
  auto it = d.buckets.find(key);
  if (it == d.buckets.end()) {
    if (d.buckets.size() >= opts_.max_keys) {
      // Forget a bucket that has refilled and suppressed nothing (it would start full anyway).
      for (auto b = d.buckets.begin(); b != d.buckets.end(); ++b) {
        const double elapsed = std::chrono::duration<double>(now - b->second.updated).count();
        if (b->second.suppressed == 0 && b->second.tokens + elapsed * d.rate >= d.burst) {
          d.buckets.erase(b);
          break;
        }
      }
    }
    it = d.buckets.emplace(key, bucket{d.burst, now, 0, nullptr, {}, {}}).first;
  }
  bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(d.burst, b.tokens + std::max(elapsed, 0.0) * d.rate);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (b.suppressed == 0) {
    b.example = r;
    b.first = r->time;
  }
  b.last = r->time;
  ++b.suppressed;
  return false;
}

bool rate_limiter::admit(const record_ptr& r, clock::time_point now) {
  if (next_summary_ == clock::time_point{}) next_summary_ = now + opts_.summary_interval;
  if (!take(source_, r->source.address, r, now)) {
    suppressed_source_.inc();
    return false;
  }
  if (!take(trap_, r->trap_oid, r, now)) {
    suppressed_trap_.inc();
    return false;
  }
  return true;
}

void rate_limiter::summarise(dimension& d, std::vector<record>& out) {
  for (auto& [key, b] : d.buckets) {
    if (b.suppressed == 0) continue;
    out.push_back(make_summary_record(*b.example, "rate_limit", b.suppressed, b.first, b.last,
                                      std::chrono::system_clock::now()));
    summaries_.inc();
    b.suppressed = 0;
    b.example.reset();
  }
}

std::vector<record> rate_limiter::expire(clock::time_point now) {
  std::vector<record> out;
  if (next_summary_ == clock::time_point{} || now < next_summary_) return out;
  summarise(source_, out);
  summarise(trap_, out);
  next_summary_ = now + opts_.summary_interval;
  return out;
}

std::vector<record> rate_limiter::flush() {
  std::vector<record> out;
  summarise(source_, out);
  summarise(trap_, out);
  return out;
}

}  // namespace trapsink::pipeline
