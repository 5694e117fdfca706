// The sink runner: batching, order, retry with backoff, queue-full, drop and staged shutdown.
#include "pipeline/sink_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;

/// A sink that records every write call and answers from a script (then `otherwise`).
class fake_sink final : public sink {
 public:
  std::string_view name() const noexcept override { return "fake"; }

  write_result write(std::span<const record_ptr> batch) noexcept override {
    std::unique_lock lock(mu_);
    std::vector<std::string> ids;
    for (const auto& r : batch) ids.push_back(r->id);
    calls_.push_back(ids);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !gate_closed_; });
    write_result res = otherwise_;
    if (!script_.empty()) {
      res = script_.front();
      script_.pop_front();
    }
    if (res == write_result::ok) delivered_.insert(delivered_.end(), ids.begin(), ids.end());
    return res;
  }

  void flush() noexcept override {
    std::lock_guard lock(mu_);
    ++flushes_;
  }

  /// Answers for the next write calls, in order.
  void script(std::initializer_list<write_result> answers, write_result otherwise) {
    std::lock_guard lock(mu_);
    script_.assign(answers);
    otherwise_ = otherwise;
  }
  /// While closed, write() blocks after recording the call.
  void set_gate(bool closed) {
    std::lock_guard lock(mu_);
    gate_closed_ = closed;
    cv_.notify_all();
  }
  /// Wait until write() has been entered at least once.
  bool wait_entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return entered_; });
  }

  std::vector<std::vector<std::string>> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> delivered() const {
    std::lock_guard lock(mu_);
    return delivered_;
  }
  int flushes() const {
    std::lock_guard lock(mu_);
    return flushes_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<write_result> script_;
  write_result otherwise_ = write_result::ok;
  bool gate_closed_ = false;
  bool entered_ = false;
  std::vector<std::vector<std::string>> calls_;
  std::vector<std::string> delivered_;
  int flushes_ = 0;
};

/// One runner over a fake sink, with handles on both and on the counters.
struct harness {
  core::metrics_registry metrics;
  fake_sink* fake = nullptr;
  std::unique_ptr<sink_runner> runner;

  explicit harness(sink_runner_options o) {
    auto s = std::make_unique<fake_sink>();
    fake = s.get();
    if (o.instance.empty()) o.instance = "test";
    runner = std::make_unique<sink_runner>(std::move(s), metrics, o);
  }
  std::uint64_t count(const std::string& name, const std::string& reason = {}) {
    std::string labels = "sink=\"test\"";
    if (!reason.empty()) labels += ",reason=\"" + reason + "\"";
    return metrics.get(name, labels).value();
  }
  std::uint64_t received() { return count("trapsink_sink_received_total"); }
  std::uint64_t sent() { return count("trapsink_sink_sent_total"); }
  std::uint64_t errors() { return count("trapsink_sink_errors_total"); }
  std::uint64_t discarded(const std::string& reason) {
    return count("trapsink_sink_discarded_total", reason);
  }
};

std::vector<std::string> ids(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST(SinkRunner, DeliversEverythingInOrderInBoundedBatches) {
  harness h({.max_batch = 16, .linger = 1ms});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  h.runner->stop(10s);
  EXPECT_EQ(h.fake->delivered(), ids(0, 1000));
  for (const auto& call : h.fake->calls()) {
    EXPECT_GE(call.size(), 1u);
    EXPECT_LE(call.size(), 16u);
  }
  EXPECT_EQ(h.received(), 1000u);
  EXPECT_EQ(h.sent(), 1000u);
  EXPECT_EQ(h.errors(), 0u);
  EXPECT_GE(h.fake->flushes(), 1);
}

TEST(SinkRunner, LingerGathersABatch) {
  harness h({.max_batch = 100, .linger = 10s});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  // The runner lingers for up to 10 s; stop() cuts that short and writes the batch at once.
  const auto start = std::chrono::steady_clock::now();
  h.runner->stop(10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  const auto calls = h.fake->calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], ids(0, 5));
}

TEST(SinkRunner, FullBatchIsWrittenWithoutWaitingForTheLinger) {
  harness h({.max_batch = 4, .linger = 10s});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  ASSERT_TRUE(h.fake->wait_entered(5s));
  EXPECT_EQ(h.fake->calls().at(0), ids(0, 4));
  h.runner->stop(10s);
}

TEST(SinkRunner, RetriesTheSameBatchWithBackoffUntilOk) {
  // A full batch (3 of max 3) is written at once, despite the long linger.
  harness h({.max_batch = 3, .linger = 10s, .initial_backoff = 5ms});
  h.fake->script({write_result::retry, write_result::retry}, write_result::ok);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  while (h.sent() < 3 && std::chrono::steady_clock::now() - start < 5s) {
    std::this_thread::sleep_for(1ms);
  }
  // Two waits: 5 ms then 10 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 15ms);
  h.runner->stop(10s);
  const auto calls = h.fake->calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& call : calls) EXPECT_EQ(call, ids(0, 3));
  EXPECT_EQ(h.fake->delivered(), ids(0, 3));
  EXPECT_EQ(h.errors(), 2u);
  EXPECT_EQ(h.sent(), 3u);
  EXPECT_EQ(h.discarded("write_failed"), 0u);
}

TEST(SinkRunner, DropIsCountedAsWriteFailed) {
  harness h({.max_batch = 2, .linger = 0ms});
  h.fake->script({write_result::drop}, write_result::ok);
  h.fake->set_gate(true);
  ASSERT_TRUE(h.runner->try_push(samples::numbered(0)));
  ASSERT_TRUE(h.fake->wait_entered(5s));  // the first batch holds exactly record 0
  ASSERT_TRUE(h.runner->try_push(samples::numbered(1)));
  ASSERT_TRUE(h.runner->try_push(samples::numbered(2)));
  h.fake->set_gate(false);
  h.runner->stop(10s);
  EXPECT_EQ(h.fake->delivered(), ids(1, 3));
  EXPECT_EQ(h.discarded("write_failed"), 1u);
  EXPECT_EQ(h.errors(), 1u);
  EXPECT_EQ(h.sent(), 2u);
}

TEST(SinkRunner, QueueFullReturnsFalseAndCounts) {
  harness h({.queue_capacity = 4, .max_batch = 1, .linger = 0ms});
  h.fake->set_gate(true);
  ASSERT_TRUE(h.runner->try_push(samples::numbered(0)));
  ASSERT_TRUE(h.fake->wait_entered(5s));  // record 0 is out of the queue, being written
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(h.runner->try_push(samples::numbered(i))) << i;
  EXPECT_EQ(h.runner->queued(), 4u);
  EXPECT_FALSE(h.runner->try_push(samples::numbered(5)));
  EXPECT_FALSE(h.runner->try_push(samples::numbered(6)));
  EXPECT_EQ(h.discarded("queue_full"), 2u);
  h.fake->set_gate(false);
  h.runner->stop(10s);
  EXPECT_EQ(h.fake->delivered(), ids(0, 5));
  EXPECT_EQ(h.received(), 7u);
  EXPECT_EQ(h.sent(), 5u);
}

TEST(SinkRunner, BlockPolicyWaitsForSpaceThenTimesOut) {
  sink_runner_options o{.queue_capacity = 2, .max_batch = 1, .linger = 0ms};
  o.overflow = sink_runner_options::overflow_policy::block;
  o.block_timeout = 200ms;
  harness h(o);
  h.fake->set_gate(true);
  ASSERT_TRUE(h.runner->push(samples::numbered(0), true));
  ASSERT_TRUE(h.fake->wait_entered(5s));  // record 0 is being written; the gate holds it
  ASSERT_TRUE(h.runner->push(samples::numbered(1), true));
  ASSERT_TRUE(h.runner->push(samples::numbered(2), true));  // the queue is full now
  // An inform (may not wait) is refused at once, even under block.
  EXPECT_FALSE(h.runner->push(samples::numbered(90), false));
  // A trap waits; opening the gate frees space within the timeout, so it is accepted.
  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);
    h.fake->set_gate(false);
  });
  EXPECT_TRUE(h.runner->push(samples::numbered(3), true));
  opener.join();
  // With the sink held again and the queue full, a waiting trap gives up after the timeout.
  while (h.fake->delivered().size() < 4) std::this_thread::sleep_for(1ms);  // 0..3 written
  h.fake->set_gate(true);
  ASSERT_TRUE(h.runner->push(samples::numbered(4), true));
  while (h.fake->calls().size() < 5) std::this_thread::sleep_for(1ms);  // 4 held at the gate
  ASSERT_TRUE(h.runner->push(samples::numbered(5), true));
  ASSERT_TRUE(h.runner->push(samples::numbered(6), true));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(h.runner->push(samples::numbered(91), true));
  EXPECT_GE(std::chrono::steady_clock::now() - before, 200ms);
  EXPECT_EQ(h.discarded("queue_full"), 2u);  // 90 and 91
  h.fake->set_gate(false);
  h.runner->stop(10s);
  EXPECT_EQ(h.fake->delivered(), ids(0, 7));
}

TEST(SinkRunner, StopDrainsEverythingQueued) {
  harness h({.max_batch = 10, .linger = 0ms});
  h.fake->set_gate(true);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  ASSERT_TRUE(h.fake->wait_entered(5s));
  h.fake->set_gate(false);
  h.runner->stop(10s);
  EXPECT_EQ(h.fake->delivered(), ids(0, 500));
  EXPECT_EQ(h.sent(), 500u);
  EXPECT_EQ(h.runner->queued(), 0u);
  EXPECT_GE(h.fake->flushes(), 1);
}

TEST(SinkRunner, PushAfterStopIsRefusedAndCounted) {
  harness h({});
  h.runner->stop(1s);
  EXPECT_FALSE(h.runner->try_push(samples::numbered(0)));
  EXPECT_EQ(h.discarded("shutdown"), 1u);
  EXPECT_EQ(h.received(), 1u);
  h.runner->stop(1s);  // idempotent
}

TEST(SinkRunner, DeadlineDiscardsWhatIsLeftAndAccountsForEveryRecord) {
  harness h({.max_batch = 2, .linger = 0ms, .initial_backoff = 5ms, .max_backoff = 20ms});
  h.fake->script({}, write_result::retry);  // the sink never recovers
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(h.runner->try_push(samples::numbered(i)));
  const auto start = std::chrono::steady_clock::now();
  h.runner->stop(100ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 3s);
  EXPECT_TRUE(h.fake->delivered().empty());
  EXPECT_EQ(h.sent(), 0u);
  EXPECT_EQ(h.discarded("shutdown"), 7u);
  EXPECT_EQ(h.received(), h.sent() + h.discarded("shutdown") + h.discarded("queue_full") +
                              h.discarded("write_failed"));
  EXPECT_GE(h.errors(), 2u);
}

TEST(SinkRunner, DestructorStopsAndDrains) {
  core::metrics_registry metrics;
  auto s = std::make_unique<fake_sink>();
  auto* fake = s.get();
  {
    sink_runner runner(std::move(s), metrics, {.max_batch = 3, .linger = 50ms});
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(runner.try_push(samples::numbered(i)));
    EXPECT_EQ(runner.name(), "fake");  // defaults to sink::name()
    EXPECT_TRUE(fake->wait_entered(5s));
  }  // ~sink_runner drains the queue
  EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"fake\"").value(), 10u);
}

TEST(SinkRunner, ManyProducers) {
  harness h({.max_batch = 64, .linger = 1ms});
  constexpr int producers = 4;
  constexpr int each = 2000;
  std::vector<std::thread> pool;
  std::atomic<int> refused{0};
  for (int p = 0; p < producers; ++p) {
    pool.emplace_back([&h, &refused, p] {
      for (int i = 0; i < each; ++i) {
        if (!h.runner->try_push(samples::numbered(p * each + i))) ++refused;
      }
    });
  }
  for (auto& t : pool) t.join();
  h.runner->stop(10s);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(h.sent(), static_cast<std::uint64_t>(producers * each));
  // Each producer's records stay in that producer's order.
  std::vector<int> last(producers, -1);
  for (const auto& id : h.fake->delivered()) {
    const int n = std::stoi(id);
    EXPECT_GT(n % each, last[n / each]);
    last[n / each] = n % each;
  }
}

TEST(SinkRunner, RejectsBadOptions) {
  core::metrics_registry metrics;
  EXPECT_THROW(sink_runner(nullptr, metrics), std::invalid_argument);
  EXPECT_THROW(sink_runner(std::make_unique<fake_sink>(), metrics, {.queue_capacity = 0}),
               std::invalid_argument);
  EXPECT_THROW(sink_runner(std::make_unique<fake_sink>(), metrics, {.max_batch = 0}),
               std::invalid_argument);
}

}  // namespace
}  // namespace trapsink::pipeline
