#pragma once
// The pipeline between the receiver and the sinks: rate limiting, then dedup, then routes,
// then each chosen sink's runner. Records held back by a stage are accounted for by the
// summary records the stages emit (tick()), which are routed like any record.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "pipeline/routing/router.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/stages/dedup.hpp"
#include "pipeline/stages/rate_limit.hpp"

namespace trapsink::pipeline {

/// What the dispatcher is built from.
struct dispatcher_options {
  std::vector<route> routes;
  /// Sinks a record no route decides goes to; unset: every sink.
  std::optional<std::vector<std::string>> default_sinks;
  std::optional<dedup_options> dedup;
  std::optional<rate_limit_options> rate_limit;
};

class dispatcher {
 public:
  using clock = std::chrono::steady_clock;
  /// runners: the started sink runners, named by runner->name(). Throws std::invalid_argument
  /// for a route naming an unknown sink or a bad stage option.
  dispatcher(std::vector<std::unique_ptr<sink_runner>> runners, dispatcher_options options,
             core::metrics_registry& metrics);

  /// Offer a record. A record with a delivery_ack (a durable inform) registers one expected
  /// confirmation per durable sink it is routed to, and is poisoned when a queue refuses it.
  /// True when every sink it is routed to accepted it, or when a stage held it
  /// back (rate limit, dedup: it is accounted for by a summary) or a route dropped it on
  /// purpose; false when a sink queue refused it (an inform is then not acknowledged). Traps
  /// may wait for queue space under a sink's `block` policy; informs never wait. Thread-safe.
  bool accept(const record_ptr& r);

  /// Emit the summaries that are due (call about once a second).
  void tick(clock::time_point now = clock::now());

  /// Emit every pending summary, then stop every runner within the deadline.
  void stop(std::chrono::milliseconds deadline);

  const std::vector<std::unique_ptr<sink_runner>>& runners() const noexcept { return runners_; }

 private:
  bool route_and_push(const record_ptr& r, bool may_wait);
  void emit(std::vector<record> summaries);

  std::vector<std::unique_ptr<sink_runner>> runners_;
  std::unique_ptr<router> router_;
  std::mutex mu_;  // guards the stages (the receive path may run on several threads)
  std::optional<rate_limiter> rate_limit_;
  std::optional<deduplicator> dedup_;
};

}  // namespace trapsink::pipeline
