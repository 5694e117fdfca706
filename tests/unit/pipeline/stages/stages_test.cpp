// Dedup and rate limiting: what passes, what is held back, and the summary records that account
// for every record held back (kind, count, first and last times).
#include <gtest/gtest.h>

#include "pipeline/stages/dedup.hpp"
#include "pipeline/stages/rate_limit.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

record_ptr at(record r, int second, std::string source = "192.0.2.10") {
  r.time = samples::sample_time() + std::chrono::seconds(second);
  r.source.address = std::move(source);
  return std::make_shared<const record>(std::move(r));
}

TEST(Dedup, FoldsIdenticalRecordsWithinTheWindowAndSummarisesThem) {
  core::metrics_registry m;
  deduplicator d({10s, {"source", "trap_oid", "varbinds"}, 1000}, m);
  const auto t0 = clock::time_point{} + 1h;
  EXPECT_TRUE(d.admit(at(samples::sample_v2c(), 0), t0));
  EXPECT_FALSE(d.admit(at(samples::sample_v2c(), 1), t0 + 1s));
  EXPECT_FALSE(d.admit(at(samples::sample_v2c(), 2), t0 + 2s));
  // Another source, or another varbind value, is not a duplicate.
  EXPECT_TRUE(d.admit(at(samples::sample_v2c(), 3, "198.51.100.1"), t0 + 3s));
  auto changed = samples::sample_v2c();
  changed.varbinds[3].val = snmp::message::value::octets("eth9");
  EXPECT_TRUE(d.admit(at(changed, 3), t0 + 3s));

  EXPECT_TRUE(d.expire(t0 + 9s).empty());  // windows still open
  auto summaries = d.expire(t0 + 10s);
  ASSERT_EQ(summaries.size(), 1u);  // only the window that folded something
  const auto& s = summaries[0];
  ASSERT_TRUE(s.summary.has_value());
  EXPECT_EQ(s.summary->kind, "dedup");
  EXPECT_EQ(s.summary->count, 2u);
  EXPECT_EQ(s.summary->first, samples::sample_time() + 1s);
  EXPECT_EQ(s.summary->last, samples::sample_time() + 2s);
  EXPECT_EQ(s.trap_oid, "1.3.6.1.6.3.1.1.5.3");
  EXPECT_EQ(s.source.address, "192.0.2.10");
  EXPECT_EQ(m.get("trapsink_dedup_folded_total", "stage=\"dedup\"").value(), 2u);
  // The JSON form carries the summary.
  EXPECT_NE(
      to_json(s).find(
          R"("summary":{"kind":"dedup","count":2,"first":"2026-11-21T17:29:04.123456Z","last":"2026-11-21T17:29:05.123456Z"})"),
      std::string::npos)
      << to_json(s);
  // After the window the same record passes again.
  EXPECT_TRUE(d.admit(at(samples::sample_v2c(), 20), t0 + 20s));
}

TEST(Dedup, AWindowReopenedBeforeExpireStillGetsItsSummary) {
  core::metrics_registry m;
  deduplicator d({10s, {"trap_oid"}, 1000}, m);
  const auto t0 = clock::time_point{} + 1h;
  EXPECT_TRUE(d.admit(at(samples::sample_v2c(), 0), t0));
  EXPECT_FALSE(d.admit(at(samples::sample_v2c(), 1), t0 + 1s));
  EXPECT_TRUE(d.admit(at(samples::sample_v2c(), 15), t0 + 15s));  // new window, no expire yet
  EXPECT_FALSE(d.admit(at(samples::sample_v2c(), 16), t0 + 16s));
  auto first = d.expire(t0 + 15s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].summary->count, 1u);
  auto rest = d.flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].summary->count, 1u);
}

TEST(Dedup, KeyFieldsAreValidatedAndKeysBounded) {
  core::metrics_registry m;
  EXPECT_THROW(deduplicator({10s, {"colour"}, 10}, m), std::invalid_argument);
  deduplicator d({10s, {"source"}, 2}, m, "small");
  const auto t0 = clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(d.admit(at(samples::sample_v2c(), i, "192.0.2." + std::to_string(i)), t0));
  }
  d.expire(t0);
  EXPECT_EQ(m.get("trapsink_dedup_early_closes_total", "stage=\"small\"").value(), 3u);
}

TEST(RateLimit, PerSourceBucketSuppressesAndSummarises) {
  core::metrics_registry m;
  rate_limit_options o;
  o.per_source_rate = 2;  // 2/s, burst 2
  o.summary_interval = 10s;
  rate_limiter r(o, m);
  const auto t0 = clock::time_point{} + 1h;
  int passed = 0;
  for (int i = 0; i < 10; ++i) passed += r.admit(at(samples::sample_v2c(), i), t0);
  EXPECT_EQ(passed, 2);                                                    // the burst
  EXPECT_TRUE(r.admit(at(samples::sample_v2c(), 0, "198.51.100.1"), t0));  // another source
  EXPECT_TRUE(r.admit(at(samples::sample_v2c(), 11), t0 + 1s));            // refilled 2 tokens
  EXPECT_TRUE(r.admit(at(samples::sample_v2c(), 12), t0 + 1s));
  EXPECT_FALSE(r.admit(at(samples::sample_v2c(), 13), t0 + 1s));
  EXPECT_EQ(
      m.get("trapsink_rate_limit_suppressed_total", "stage=\"rate_limit\",by=\"source\"").value(),
      9u);
  EXPECT_TRUE(r.expire(t0 + 5s).empty());
  auto s = r.expire(t0 + 10s);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].summary->kind, "rate_limit");
  EXPECT_EQ(s[0].summary->count, 9u);
  EXPECT_EQ(s[0].summary->first, samples::sample_time() + 2s);
  EXPECT_EQ(s[0].summary->last, samples::sample_time() + 13s);
  EXPECT_TRUE(r.flush().empty());  // nothing new since
}

TEST(RateLimit, PerTrapBucketAndNoLimitByDefault) {
  core::metrics_registry m;
  rate_limiter none({}, m, "none");
  const auto t0 = clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(none.admit(at(samples::sample_v2c(), 0), t0));
  rate_limit_options o;
  o.per_trap_rate = 1;
  o.per_trap_burst = 3;
  rate_limiter trap(o, m, "trap");
  int passed = 0;
  for (int i = 0; i < 5; ++i) {
    passed += trap.admit(at(samples::sample_v2c(), i, "192.0.2." + std::to_string(i)), t0);
  }
  EXPECT_EQ(passed, 3);
  auto s = trap.flush();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].summary->count, 2u);
  rate_limit_options bad;
  bad.per_source_rate = -1;
  EXPECT_THROW(rate_limiter(bad, m), std::invalid_argument);
}

}  // namespace
}  // namespace trapsink::pipeline
