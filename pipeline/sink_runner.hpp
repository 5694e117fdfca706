#pragma once
// A sink_runner owns one sink, one thread and a bounded queue in front of it. Producers (the
// receive shards) hand records over with try_push, which never blocks; the runner's thread
// takes batches off the queue and writes them, retrying transient failures with exponential
// backoff. Every record offered is accounted for in the counters:
//
//   trapsink_sink_received_total{sink}          records offered to try_push
//   trapsink_sink_sent_total{sink}              records the sink accepted (write -> ok)
//   trapsink_sink_errors_total{sink}            failed write calls (write -> retry or drop)
//   trapsink_sink_discarded_total{sink,reason}  records given up on, reason one of
//                                               "queue_full", "write_failed", "shutdown"
//
// Once stop() has returned, received == sent + the sum of discarded over all reasons.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "pipeline/sink.hpp"

namespace trapsink::pipeline {

/// Tuning of one sink_runner.
struct sink_runner_options {
  /// The value of the `sink` metric label and the name in logs; empty means sink::name().
  std::string instance{};
  /// Most records held in the queue; try_push fails beyond it.
  std::size_t queue_capacity = 65536;
  /// Most records passed to one sink::write call.
  std::size_t max_batch = 512;
  /// After the first record of a batch arrives, how long to wait for more before writing a
  /// batch smaller than max_batch.
  std::chrono::milliseconds linger{5};
  /// First wait after a write answered retry; doubles on every further retry of the same batch.
  std::chrono::milliseconds initial_backoff{10};
  /// Upper bound of the retry wait.
  std::chrono::milliseconds max_backoff{1000};
  /// The deadline the destructor uses when stop() was not called.
  std::chrono::milliseconds destructor_deadline{5000};
  /// What push() does when the queue is full: drop_newest refuses the record at once
  /// (counted as discarded, reason queue_full); block waits up to block_timeout for space —
  /// for records that may wait (traps) — and only then refuses it. Informs never wait: under
  /// both policies a full queue means no acknowledgement, so the sender retransmits.
  enum class overflow_policy : std::uint8_t {
    drop_newest,
    block
  } overflow = overflow_policy::drop_newest;
  std::chrono::milliseconds block_timeout{1000};
  /// A durable sink confirms the informs of each batch it wrote (after sink::sync()), or
  /// reports them as failed when it discards them; informs under inform_ack: durable are
  /// acknowledged only once every durable sink they were routed to has confirmed them.
  bool durable = false;
};

/// Runs one sink on its own thread behind a bounded queue (see the file comment).
class sink_runner {
 public:
  /// Start the runner's thread. `metrics` must outlive the runner; `s` must not be null.
  sink_runner(std::unique_ptr<sink> s, core::metrics_registry& metrics,
              sink_runner_options options = {});
  /// Calls stop(options.destructor_deadline) if stop() was not called.
  ~sink_runner();

  sink_runner(const sink_runner&) = delete;
  sink_runner& operator=(const sink_runner&) = delete;

  /// Queue a record for the sink. Never blocks. Returns false, and counts the record as
  /// discarded with reason "queue_full" (or "shutdown" once stop() has begun), when the record
  /// was not accepted; the caller then must not acknowledge an inform carrying it.
  bool try_push(record_ptr r) noexcept;

  /// Queue a record under the overflow policy: as try_push, except that under `block` a
  /// record that may_wait waits up to block_timeout for space before it is refused (counted as
  /// discarded, reason queue_full). Blocks the calling (receive) thread while it waits.
  bool push(record_ptr r, bool may_wait) noexcept;

  /// Stop accepting records, write what is queued within `deadline`, flush the sink and join
  /// the thread. Records still queued (or a batch still being retried) when the deadline passes
  /// are counted as discarded with reason "shutdown" and logged. A write already in progress is
  /// waited for. Idempotent; call from one thread only.
  void stop(std::chrono::milliseconds deadline);

  /// The instance name used in metric labels and logs.
  const std::string& name() const noexcept { return name_; }

  /// Whether this runner confirms informs (sink_runner_options::durable).
  bool durable() const noexcept { return options_.durable; }

  /// The most records the queue holds (sink_runner_options::queue_capacity).
  std::size_t capacity() const noexcept { return options_.queue_capacity; }

  /// Records currently queued (not counting a batch being written).
  std::size_t queued() const;

  /// The sink's problem now, if any: the last write failed (retrying or dropped; until a write
  /// succeeds again) or the sink reports one of its own (sink::problem). Thread-safe.
  std::optional<sink_problem> health() const;

 private:
  using clock = std::chrono::steady_clock;

  void run() noexcept;
  /// Wait for and take the next batch into batch_; false when stopped and nothing is left.
  bool take_batch();
  /// Write batch_ until ok or drop, or until the stop deadline passes while retrying.
  void deliver();
  /// Wait up to `d`, or until the stop deadline if that is sooner; false if past the deadline.
  bool backoff_wait(std::chrono::milliseconds d);
  /// Whether the stop deadline has passed (mu_ held).
  bool past_deadline_locked(clock::time_point now) const;
  /// Discard what is left in the queue after the deadline (reason "shutdown").
  void discard_remaining();
  /// A durable runner's verdict on records that carry a delivery_ack.
  void settle(std::span<const record_ptr> records, bool ok) noexcept;
  /// Record a failed write for health(): the sink's reason or `fallback` (write failures only).
  void note_failure(std::string_view fallback) noexcept;

  std::unique_ptr<sink> sink_;
  sink_runner_options options_;
  std::string name_;

  core::counter& received_;
  core::counter& sent_;
  core::counter& errors_;
  core::counter& discarded_queue_full_;
  core::counter& discarded_write_failed_;
  core::counter& discarded_shutdown_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable space_cv_;  ///< producers waiting for space (block policy)
  std::size_t waiting_producers_ = 0;
  std::deque<record_ptr> queue_;
  /// The consumer wants a notify once the queue holds this many records (0: not waiting).
  std::size_t wake_at_ = 0;
  bool stopping_ = false;
  clock::time_point deadline_{};

  std::vector<record_ptr> batch_;  ///< only touched by the runner's thread
  bool failing_ = false;           ///< inside an error burst (for rate-limited logging)
  std::uint64_t burst_errors_ = 0;

  mutable std::mutex health_mu_;  ///< guards failure_ (written on failures and recovery only)
  std::optional<sink_problem> failure_;

  bool stopped_ = false;  ///< stop() has completed (owner thread only)
  std::thread thread_;    ///< last: started after every other member is ready
};

}  // namespace trapsink::pipeline
