// The dispatcher: stages, then routes, then the runners; summaries routed like records.
#include "pipeline/dispatcher.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;

/// A sink that keeps what it is given.
class collecting_sink final : public sink {
 public:
  explicit collecting_sink(std::string name) : name_(std::move(name)) {}
  std::string_view name() const noexcept override { return name_; }
  write_result write(std::span<const record_ptr> batch) noexcept override {
    std::lock_guard lock(mu_);
    for (const auto& r : batch) got_.push_back(r);
    return write_result::ok;
  }
  void flush() noexcept override {}
  std::vector<record_ptr> got() const {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::vector<record_ptr> got_;
};

struct fixture {
  core::metrics_registry metrics;
  collecting_sink* log = nullptr;
  collecting_sink* store = nullptr;
  std::unique_ptr<dispatcher> d;

  explicit fixture(dispatcher_options o) {
    std::vector<std::unique_ptr<sink_runner>> runners;
    auto a = std::make_unique<collecting_sink>("log");
    auto b = std::make_unique<collecting_sink>("store");
    log = a.get();
    store = b.get();
    runners.push_back(std::make_unique<sink_runner>(std::move(a), metrics,
                                                    sink_runner_options{.instance = "log"}));
    runners.push_back(std::make_unique<sink_runner>(std::move(b), metrics,
                                                    sink_runner_options{.instance = "store"}));
    d = std::make_unique<dispatcher>(std::move(runners), std::move(o), metrics);
  }
};

record_ptr numbered_from(int i, std::string source) {
  auto r = samples::sample_v2c();
  r.id = std::to_string(i);
  r.source.address = std::move(source);
  return std::make_shared<const record>(std::move(r));
}

TEST(Dispatcher, RoutesToTheChosenSinks) {
  dispatcher_options o;
  route_match lab;
  lab.sources = {*core::cidr::parse("10.0.0.0/8")};
  route r;
  r.name = "lab";
  r.when = lab;
  r.sinks = {"store"};
  o.routes = {r};
  fixture f(std::move(o));
  EXPECT_TRUE(f.d->accept(numbered_from(1, "10.1.1.1")));
  EXPECT_TRUE(f.d->accept(numbered_from(2, "192.0.2.1")));
  f.d->stop(5s);
  ASSERT_EQ(f.store->got().size(), 2u);  // lab route + default (every sink)
  ASSERT_EQ(f.log->got().size(), 1u);
  EXPECT_EQ(f.log->got()[0]->id, "2");
}

TEST(Dispatcher, StagesHoldBackAndSummariesAreDelivered) {
  dispatcher_options o;
  o.dedup = dedup_options{10s, {"source", "trap_oid"}, 1000};
  fixture f(std::move(o));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(f.d->accept(numbered_from(i, "192.0.2.1")));
  f.d->stop(5s);  // flushes the dedup window: one summary for the 4 folded records
  const auto got = f.log->got();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->id, "0");
  ASSERT_TRUE(got[1]->summary.has_value());
  EXPECT_EQ(got[1]->summary->kind, "dedup");
  EXPECT_EQ(got[1]->summary->count, 4u);
  EXPECT_EQ(f.store->got().size(), 2u);
}

TEST(Dispatcher, UnknownSinkInARouteIsRefused) {
  dispatcher_options o;
  route r;
  r.name = "r";
  r.sinks = {"kafka"};
  o.routes = {r};
  EXPECT_THROW(fixture{std::move(o)}, std::invalid_argument);
}

}  // namespace
}  // namespace trapsink::pipeline
