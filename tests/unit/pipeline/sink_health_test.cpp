// sink_runner::health(): a failing write makes the sink unhealthy with the sink's reason and
// the time of the first failure; a successful write makes it healthy again; a problem the sink
// reports itself (sink::problem) shows while the writes are fine.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "pipeline/sink_runner.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;

/// Fails its writes (retry) while `failing` is set, with a reason; reports `own` as a problem.
class flaky_sink final : public sink {
 public:
  std::string_view name() const noexcept override { return "flaky"; }
  write_result write(std::span<const record_ptr>) noexcept override {
    ++writes;
    return failing.load() ? write_result::retry : write_result::ok;
  }
  void flush() noexcept override {}
  std::string last_error() const override { return "write to 'x' failed: No space left on device"; }
  std::optional<sink_problem> problem() const override {
    std::lock_guard lock(mu);
    return own;
  }
  std::atomic<bool> failing{false};
  std::atomic<int> writes{0};
  mutable std::mutex mu;
  std::optional<sink_problem> own;
};

template <class Pred>
bool eventually(Pred p) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    if (p()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return p();
}

TEST(SinkHealth, FailingWriteReportsTheReasonUntilAWriteSucceeds) {
  core::metrics_registry metrics;
  auto owned = std::make_unique<flaky_sink>();
  auto* s = owned.get();
  sink_runner_options o;
  o.initial_backoff = 1ms;
  o.max_backoff = 5ms;
  sink_runner r(std::move(owned), metrics, o);
  EXPECT_FALSE(r.health().has_value());

  s->failing = true;
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(r.try_push(samples::numbered(1)));
  ASSERT_TRUE(eventually([&] { return r.health().has_value(); }));
  const auto h = r.health();
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->error, "write to 'x' failed: No space left on device");
  EXPECT_GE(h->since, before);
  EXPECT_LE(h->since, std::chrono::system_clock::now());
  // Further failed attempts keep the time of the first.
  const int seen = s->writes.load();
  ASSERT_TRUE(eventually([&] { return s->writes.load() > seen + 2; }));
  EXPECT_EQ(r.health()->since, h->since);

  s->failing = false;
  ASSERT_TRUE(eventually([&] { return !r.health().has_value(); }));
  r.stop(1s);
  EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"flaky\"").value(), 1U);
}

TEST(SinkHealth, TheSinksOwnProblemShowsWhileWritesAreFine) {
  core::metrics_registry metrics;
  auto owned = std::make_unique<flaky_sink>();
  auto* s = owned.get();
  sink_runner r(std::move(owned), metrics, {});
  const auto t = std::chrono::system_clock::now();
  {
    std::lock_guard lock(s->mu);
    s->own = sink_problem{"no broker reachable (b:9092): 1/1 brokers are down", t};
  }
  auto h = r.health();
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->error, "no broker reachable (b:9092): 1/1 brokers are down");
  EXPECT_EQ(h->since, t);
  {
    std::lock_guard lock(s->mu);
    s->own.reset();
  }
  EXPECT_FALSE(r.health().has_value());
}

}  // namespace
}  // namespace trapsink::pipeline
