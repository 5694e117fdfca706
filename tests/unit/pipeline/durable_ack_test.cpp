// inform_ack: durable in the pipeline: delivery_ack, the dispatcher's expectations and the
// runners' confirmations.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "pipeline/delivery_ack.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/stages/summary.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;

/// Counts how the ack settled: -1 not yet, 0 failed, 1 ok; and how often (must be once).
struct outcome {
  std::atomic<int> result{-1};
  std::atomic<int> calls{0};
  std::shared_ptr<delivery_ack> make() {
    return std::make_shared<delivery_ack>([this](bool ok) {
      result = ok ? 1 : 0;
      ++calls;
    });
  }
  bool wait(int want) {
    for (int i = 0; i < 500 && result.load() == -1; ++i) std::this_thread::sleep_for(10ms);
    return result.load() == want && calls.load() == 1;
  }
};

TEST(DeliveryAck, SettlesOnceAfterReleaseAndEveryConfirmation) {
  outcome o;
  auto ack = o.make();
  ack->expect();
  ack->expect();
  ack->done(true);
  ack->release();
  EXPECT_EQ(o.result, -1);  // one confirmation outstanding
  ack->done(true);
  EXPECT_EQ(o.result, 1);
  EXPECT_EQ(o.calls, 1);
}

TEST(DeliveryAck, ReleaseAloneSettlesOk) {
  outcome o;
  o.make()->release();
  EXPECT_EQ(o.result, 1);
}

TEST(DeliveryAck, OneFailureOrAPoisonFailsTheWhole) {
  outcome a;
  auto x = a.make();
  x->expect();
  x->expect();
  x->done(false);
  x->done(true);
  x->release();
  EXPECT_EQ(a.result, 0);

  outcome b;
  auto y = b.make();
  y->poison();
  y->release();
  EXPECT_EQ(b.result, 0);
}

TEST(DeliveryAck, ConfirmationsFromManyThreadsSettleExactlyOnce) {
  for (int round = 0; round < 50; ++round) {
    outcome o;
    auto ack = o.make();
    for (int i = 0; i < 8; ++i) ack->expect();
    std::vector<std::thread> ts;
    for (int i = 0; i < 8; ++i) ts.emplace_back([&] { ack->done(true); });
    ack->release();
    for (auto& t : ts) t.join();
    EXPECT_EQ(o.result, 1);
    EXPECT_EQ(o.calls, 1);
  }
}

/// A sink whose write answers what the test says, and whose sync can fail.
class scripted_sink final : public sink {
 public:
  explicit scripted_sink(std::string name) : name_(std::move(name)) {}
  std::string_view name() const noexcept override { return name_; }
  write_result write(std::span<const record_ptr> batch) noexcept override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !hold_; });
    ++writes_;
    if (answer_ == write_result::ok) written_ += batch.size();
    return answer_;
  }
  void flush() noexcept override {}
  bool sync() noexcept override {
    ++syncs_;
    return sync_ok_;
  }
  void answer(write_result r) { answer_ = r; }
  void sync_ok(bool ok) { sync_ok_ = ok; }
  void hold(bool h) {
    {
      std::lock_guard lock(mu_);
      hold_ = h;
    }
    cv_.notify_all();
  }
  int syncs() const { return syncs_; }
  std::size_t written() const {
    std::lock_guard lock(mu_);
    return written_;
  }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  std::atomic<write_result> answer_{write_result::ok};
  std::atomic<bool> sync_ok_{true};
  std::atomic<int> syncs_{0};
  int writes_ = 0;
  std::size_t written_ = 0;
};

struct durable_fixture {
  core::metrics_registry metrics;
  scripted_sink* log = nullptr;    // not durable
  scripted_sink* store = nullptr;  // durable
  scripted_sink* bus = nullptr;    // durable
  std::unique_ptr<dispatcher> d;

  explicit durable_fixture(dispatcher_options o = {}, std::size_t store_capacity = 1024) {
    std::vector<std::unique_ptr<sink_runner>> runners;
    auto add = [&](std::string name, bool durable, std::size_t capacity) {
      auto s = std::make_unique<scripted_sink>(name);
      auto* raw = s.get();
      runners.push_back(
          std::make_unique<sink_runner>(std::move(s), metrics,
                                        sink_runner_options{.instance = name,
                                                            .queue_capacity = capacity,
                                                            .linger = 0ms,
                                                            .initial_backoff = 1ms,
                                                            .durable = durable}));
      return raw;
    };
    log = add("log", false, 1024);
    store = add("store", true, store_capacity);
    bus = add("bus", true, 1024);
    d = std::make_unique<dispatcher>(std::move(runners), std::move(o), metrics);
  }

  /// An inform record carrying `ack`, offered as the receiver does: accept, then release.
  bool offer(const std::shared_ptr<delivery_ack>& ack, std::string id = "i1") {
    auto r = samples::sample_v2c();
    r.pdu = "inform";
    r.id = std::move(id);
    r.ack = ack;
    const bool queued = d->accept(std::make_shared<const record>(std::move(r)));
    ack->release();
    return queued;
  }
};

TEST(DurableAck, AcknowledgedOnlyOnceEveryDurableSinkWroteAndSynced) {
  durable_fixture f;
  f.bus->hold(true);  // the bus has not confirmed yet
  outcome o;
  ASSERT_TRUE(f.offer(o.make()));
  for (int i = 0; i < 100 && f.store->written() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(f.store->written(), 1u);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(o.result, -1) << "acknowledged before the bus confirmed";
  f.bus->hold(false);
  EXPECT_TRUE(o.wait(1));
  EXPECT_GE(f.store->syncs(), 1);
  EXPECT_GE(f.bus->syncs(), 1);
  f.d->stop(1s);
}

TEST(DurableAck, RoutedOnlyToANonDurableSinkIsAcknowledgedAtOnce) {
  dispatcher_options o;
  o.default_sinks = std::vector<std::string>{"log"};
  durable_fixture f(std::move(o));
  f.log->hold(true);  // not even written yet: "log" is not durable, so it does not count
  outcome out;
  ASSERT_TRUE(f.offer(out.make()));
  EXPECT_EQ(out.result, 1);
  f.log->hold(false);
  f.d->stop(1s);
  EXPECT_EQ(f.log->syncs(), 0);  // a non-durable sink is never asked to sync
}

TEST(DurableAck, ADroppedBatchOrAFailedSyncLeavesTheInformUnacknowledged) {
  {
    durable_fixture f;
    f.store->answer(write_result::drop);
    outcome o;
    ASSERT_TRUE(f.offer(o.make()));
    EXPECT_TRUE(o.wait(0));
    f.d->stop(1s);
  }
  {
    durable_fixture f;
    f.bus->sync_ok(false);
    outcome o;
    ASSERT_TRUE(f.offer(o.make()));
    EXPECT_TRUE(o.wait(0));
    f.d->stop(1s);
  }
}

TEST(DurableAck, AFullQueueRefusesAndFailsItWhateverTheOthersSay) {
  durable_fixture f({}, 1);
  f.store->hold(true);
  outcome first, second, third;
  ASSERT_TRUE(f.offer(first.make(), "a"));  // taken by the store's thread, which then waits
  for (int i = 0; i < 100 && f.d->runners()[1]->queued() != 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(f.offer(second.make(), "b"));  // fills the queue of one
  EXPECT_FALSE(f.offer(third.make(), "c"));  // refused: informs never wait
  EXPECT_TRUE(third.wait(0));                // unacknowledged, though the bus confirmed it
  f.store->hold(false);
  EXPECT_TRUE(first.wait(1));
  EXPECT_TRUE(second.wait(1));
  f.d->stop(1s);
}

TEST(DurableAck, ShutdownBeforeTheWriteFailsIt) {
  durable_fixture f;
  f.store->answer(write_result::retry);  // never succeeds: the deadline ends it
  outcome o;
  ASSERT_TRUE(f.offer(o.make()));
  f.d->stop(50ms);
  EXPECT_TRUE(o.wait(0));
}

TEST(DurableAck, SummariesDoNotCarryTheExamplesAck) {
  auto r = samples::sample_v2c();
  outcome o;
  r.ack = o.make();
  const auto s = make_summary_record(r, "dedup", 3, r.time, r.time, r.time);
  EXPECT_EQ(s.ack, nullptr);
}

}  // namespace
}  // namespace trapsink::pipeline
