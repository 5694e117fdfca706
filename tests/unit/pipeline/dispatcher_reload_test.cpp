// Configuration reload in the dispatcher: generations replaced while producer threads offer
// records; runners that leave are stopped only once no record uses them and after writing out
// their queues; a bad new generation changes nothing. Also core::swap_slot / slot_cache.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/swap_slot.hpp"
#include "pipeline/dispatcher.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;

/// A sink that keeps what it is given, optionally slowly.
class collecting_sink final : public sink {
 public:
  explicit collecting_sink(std::string name, std::chrono::milliseconds delay = 0ms)
      : name_(std::move(name)), delay_(delay) {}
  std::string_view name() const noexcept override { return name_; }
  write_result write(std::span<const record_ptr> batch) noexcept override {
    if (delay_ > 0ms) std::this_thread::sleep_for(delay_);
    std::lock_guard lock(mu_);
    for (const auto& r : batch) got_.push_back(r);
    return write_result::ok;
  }
  void flush() noexcept override {}
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return got_.size();
  }

 private:
  std::string name_;
  std::chrono::milliseconds delay_;
  mutable std::mutex mu_;
  std::vector<record_ptr> got_;
};

std::shared_ptr<sink_runner> runner(core::metrics_registry& m, const std::string& name,
                                    collecting_sink** out, std::chrono::milliseconds delay = 0ms) {
  auto s = std::make_unique<collecting_sink>(name, delay);
  *out = s.get();
  sink_runner_options o;
  o.instance = name;
  o.queue_capacity = 1 << 20;
  o.max_batch = 64;
  return std::make_shared<sink_runner>(std::move(s), m, o);
}

record_ptr numbered(int i) {
  auto r = samples::sample_v2c();
  r.id = std::to_string(i);
  return std::make_shared<const record>(std::move(r));
}

std::uint64_t counter(core::metrics_registry& m, const std::string& name,
                      const std::string& labels) {
  return m.get(name, labels).value();
}

TEST(DispatcherReload, GenerationsSwapUnderLoadWithoutLosingARecord) {
  core::metrics_registry m;
  collecting_sink* main_sink = nullptr;
  collecting_sink* extra_sink = nullptr;
  auto main_runner = runner(m, "main", &main_sink);
  dispatcher d(std::vector<std::shared_ptr<sink_runner>>{main_runner}, {}, m);

  std::atomic<bool> done{false};
  std::atomic<int> offered{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < 2; ++t) {
    producers.emplace_back([&] {
      // Paced and bounded: the sinks keep every record.
      while (!done.load() && offered.load() < 400000) {
        if (!d.accept(numbered(offered.fetch_add(1)))) refused.fetch_add(1);
        std::this_thread::sleep_for(20us);
      }
    });
  }
  // Add and remove a second sink again and again while the producers run.
  std::uint64_t extra_total = 0;
  std::vector<collecting_sink*> extras;
  std::vector<std::shared_ptr<sink_runner>> keep_alive;  // so the sinks can be inspected after
  for (int round = 0; round < 20; ++round) {
    auto extra = runner(m, "extra" + std::to_string(round), &extra_sink);
    extras.push_back(extra_sink);
    keep_alive.push_back(extra);
    d.reconfigure({main_runner, extra}, {}, 10s);
    // Until the new generation carried some records (the producers may be slow to start).
    for (int i = 0; i < 2000 && m.get("trapsink_sink_received_total",
                                      "sink=\"extra" + std::to_string(round) + "\"")
                                        .value() < 10;
         ++i) {
      std::this_thread::sleep_for(1ms);
    }
    d.reconfigure({main_runner}, {}, 10s);
    d.collect();
  }
  done = true;
  for (auto& p : producers) p.join();
  // Every replaced generation is retired once nothing uses it.
  for (int i = 0; i < 1000 && d.retiring() > 0; ++i) {
    d.collect();
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(d.retiring(), 0u);
  d.stop(10s);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(main_sink->count(), static_cast<std::size_t>(offered.load()));
  for (std::size_t i = 0; i < extras.size(); ++i) {
    const auto label = "sink=\"extra" + std::to_string(i) + "\"";
    const auto received = counter(m, "trapsink_sink_received_total", label);
    // Whatever a removed runner accepted was written, none discarded.
    EXPECT_EQ(extras[i]->count(), received) << label;
    EXPECT_EQ(counter(m, "trapsink_sink_discarded_total", label + ",reason=\"shutdown\""), 0u);
    extra_total += received;
  }
  EXPECT_GE(extra_total, 20u * 10u);  // the extra sinks did receive while they were in force
}

TEST(DispatcherReload, RemovedRunnerWritesOutItsQueueBeforeStopping) {
  core::metrics_registry m;
  collecting_sink* keep = nullptr;
  collecting_sink* slow = nullptr;
  auto keep_runner = runner(m, "keep", &keep);
  auto slow_runner = runner(m, "slow", &slow, 20ms);
  dispatcher d(std::vector<std::shared_ptr<sink_runner>>{keep_runner, slow_runner}, {}, m);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(d.accept(numbered(i)));
  d.reconfigure({keep_runner}, {}, 30s);
  for (int i = 500; i < 600; ++i) ASSERT_TRUE(d.accept(numbered(i)));
  EXPECT_EQ(d.runners().size(), 1u);
  d.stop(30s);  // also waits for the runner being stopped
  EXPECT_EQ(slow->count(), 500u);
  EXPECT_EQ(keep->count(), 600u);
  EXPECT_EQ(counter(m, "trapsink_sink_discarded_total", "sink=\"slow\",reason=\"shutdown\""), 0u);
}

TEST(DispatcherReload, ARefusedGenerationChangesNothing) {
  core::metrics_registry m;
  collecting_sink* a = nullptr;
  auto ra = runner(m, "a", &a);
  dispatcher d(std::vector<std::shared_ptr<sink_runner>>{ra}, {}, m);
  dispatcher_options bad;
  route r;
  r.name = "r";
  r.sinks = {"nowhere"};
  bad.routes = {r};
  EXPECT_THROW(d.reconfigure({ra}, bad), std::invalid_argument);
  EXPECT_EQ(d.retiring(), 0u);
  ASSERT_TRUE(d.accept(numbered(1)));
  d.stop(5s);
  EXPECT_EQ(a->count(), 1u);
}

TEST(DispatcherReload, NewRoutesApplyToTheNextRecord) {
  core::metrics_registry m;
  collecting_sink* a = nullptr;
  collecting_sink* b = nullptr;
  auto ra = runner(m, "a", &a);
  auto rb = runner(m, "b", &b);
  dispatcher_options only_a;
  only_a.default_sinks = std::vector<std::string>{"a"};
  dispatcher d(std::vector<std::shared_ptr<sink_runner>>{ra, rb}, only_a, m);
  ASSERT_TRUE(d.accept(numbered(1)));
  dispatcher_options only_b;
  only_b.default_sinks = std::vector<std::string>{"b"};
  d.reconfigure({ra, rb}, only_b);
  ASSERT_TRUE(d.accept(numbered(2)));
  d.stop(5s);
  EXPECT_EQ(a->count(), 1u);
  EXPECT_EQ(b->count(), 1u);
}

TEST(SwapSlot, CacheFollowsStores) {
  core::swap_slot<int> slot(std::make_shared<const int>(1));
  core::slot_cache<int> cache(slot);
  EXPECT_EQ(cache.get(), 1);
  slot.store(std::make_shared<const int>(2));
  EXPECT_EQ(cache.get(), 2);
  EXPECT_EQ(*slot.load(), 2);
  EXPECT_EQ(slot.version(), 1u);
}

}  // namespace
}  // namespace trapsink::pipeline
