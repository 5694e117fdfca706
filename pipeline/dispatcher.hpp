#pragma once
// The pipeline between the receiver and the sinks: rate limiting, then dedup, then routes,
// then each chosen sink's runner. Records held back by a stage are accounted for by the
// summary records the stages emit (tick()), which are routed like any record.
//
// What records go through — the runners, the router and the stages — is a "generation",
// immutable once built and replaced whole by reconfigure() (configuration reload) while the
// receive threads run. Each record takes a reference to the generation current when it
// arrives and finishes with it; a generation that was replaced is retired once no record uses
// it any more (collect(), from tick()): its stages' pending summaries are emitted through it, and
// the runners no live generation uses any more are stopped after writing out their queues, so
// nothing already accepted is lost.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "core/swap_slot.hpp"
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
  /// The same with runners that whoever reconfigures keeps references to too.
  dispatcher(std::vector<std::shared_ptr<sink_runner>> runners, dispatcher_options options,
             core::metrics_registry& metrics);
  /// Stops what stop() did not (with each runner's destructor deadline).
  ~dispatcher();
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  /// Offer a record. A record with a delivery_ack (a durable inform) registers one expected
  /// confirmation per durable sink it is routed to, and is poisoned when a queue refuses it.
  /// True when every sink it is routed to accepted it, or when a stage held it
  /// back (rate limit, dedup: it is accounted for by a summary) or a route dropped it on
  /// purpose; false when a sink queue refused it (an inform is then not acknowledged). Traps
  /// may wait for queue space under a sink's `block` policy; informs never wait. Thread-safe.
  bool accept(const record_ptr& r);

  /// Emit the summaries that are due (call about once a second), then collect().
  void tick(clock::time_point now = clock::now());

  /// Replace the generation: these runners (started; those of the current generation that
  /// stay are passed again, the same objects), routes and stages. Throws std::invalid_argument
  /// (a route naming an unknown sink, a bad stage option) before anything changes. Runners of
  /// the old generation that are not passed are stopped once no record uses them (collect()),
  /// within `drain_deadline`. The stages start afresh; the old ones' summaries are emitted when
  /// they retire. Call from one thread (the one calling tick() and stop()).
  void reconfigure(std::vector<std::shared_ptr<sink_runner>> runners, dispatcher_options options,
                   std::chrono::milliseconds drain_deadline = std::chrono::seconds(60));

  /// Retire the replaced generations no record uses any more (see the file comment). The
  /// runners they leave behind are stopped on a thread of their own. Called by tick().
  void collect();

  /// Generations replaced and not retired yet (records may still be using them).
  std::size_t retiring() const;

  /// Emit every pending summary, then stop every runner within the deadline.
  void stop(std::chrono::milliseconds deadline);

  /// The runners of the current generation.
  std::vector<std::shared_ptr<sink_runner>> runners() const;

 private:
  struct generation {
    std::vector<std::shared_ptr<sink_runner>> runners;
    std::unique_ptr<router> route;
    mutable std::mutex mu;  // guards the stages (the receive path may run on several threads)
    mutable std::optional<rate_limiter> rate_limit;
    mutable std::optional<deduplicator> dedup;
    /// Take the stages' pending summaries (flush: all of them; else those due at now).
    std::vector<record> due(clock::time_point now, bool flush) const;
  };
  std::shared_ptr<const generation> build(std::vector<std::shared_ptr<sink_runner>> runners,
                                          dispatcher_options options);
  static bool route_and_push(const generation& g, const record_ptr& r, bool may_wait);
  static void emit(const generation& g, std::vector<record> summaries);
  /// Stop these runners (and join the threads that stopped earlier ones).
  void stop_later(std::vector<std::shared_ptr<sink_runner>> runners,
                  std::chrono::milliseconds deadline);

  core::metrics_registry& metrics_;
  core::swap_slot<generation> current_;
  mutable std::mutex retire_mu_;  // guards retired_ (read by retiring())
  struct retired_generation {
    std::shared_ptr<const generation> gen;
    std::chrono::milliseconds drain_deadline;
  };
  std::vector<retired_generation> retired_;
  struct stopper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::vector<stopper> stoppers_;  // joined once finished (at the next stop_later) or at stop()
  bool stopped_ = false;
};

}  // namespace trapsink::pipeline
