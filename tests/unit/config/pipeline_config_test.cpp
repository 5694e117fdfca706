// `routes`, `default_sinks`, `dedup` and `rate_limit`.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConfigTest, RoutesDedupAndRateLimit) {
  auto o = load(R"(sqlite: events.db
routes:
  - name: lab
    match:
      source: [10.0.0.0/8]
    drop: true
  - name: links
    match:
      version: ["2c", "3"]
      trap: ["1.3.6.1.6.3.1.1.5.*"]
      varbinds:
        - {oid: 1.3.6.1.2.1.2.2.1.8, subtree: true, equals: "2"}
        - {oid: 1.3.6.1.2.1.2.2.1.1.*, range: [1, 48]}
        - {oid: 1.3.6.1.2.1.31.1.1.1.18.*, regex: "(?i)uplink"}
    sinks: [sqlite]
    continue: true
default_sinks: [jsonl]
dedup: {window: 30s, key: [source, trap_oid], max_keys: 500}
rate_limit: {per_source: 100, per_source_burst: 200, per_trap: 1000, summary_interval: 10s}
)");
  ASSERT_EQ(o.pipeline.routes.size(), 2u);
  const auto& lab = o.pipeline.routes[0];
  EXPECT_EQ(lab.name, "lab");
  EXPECT_TRUE(lab.drop);
  ASSERT_EQ(lab.when.sources.size(), 1u);
  EXPECT_TRUE(lab.when.sources[0].contains("10.9.9.9"));
  const auto& links = o.pipeline.routes[1];
  EXPECT_EQ(links.sinks, (std::vector<std::string>{"sqlite"}));
  EXPECT_TRUE(links.next);
  EXPECT_EQ(links.when.versions, (std::vector<std::string>{"2c", "3"}));
  ASSERT_EQ(links.when.traps.size(), 1u);
  EXPECT_TRUE(links.when.traps[0].subtree);
  EXPECT_EQ(links.when.traps[0].oid.to_string(), "1.3.6.1.6.3.1.1.5");
  ASSERT_EQ(links.when.varbinds.size(), 3u);
  EXPECT_TRUE(links.when.varbinds[0].name.subtree);
  EXPECT_EQ(links.when.varbinds[0].text, "2");
  EXPECT_EQ(links.when.varbinds[1].how, pipeline::varbind_condition::op::range);
  EXPECT_EQ(links.when.varbinds[1].max, 48);
  EXPECT_EQ(links.when.varbinds[2].how, pipeline::varbind_condition::op::regex);
  EXPECT_EQ(o.pipeline.default_sinks, (std::vector<std::string>{"jsonl"}));
  ASSERT_TRUE(o.pipeline.dedup);
  EXPECT_EQ(o.pipeline.dedup->window, 30s);
  EXPECT_EQ(o.pipeline.dedup->key_fields, (std::vector<std::string>{"source", "trap_oid"}));
  EXPECT_EQ(o.pipeline.dedup->max_keys, 500u);
  ASSERT_TRUE(o.pipeline.rate_limit);
  EXPECT_EQ(o.pipeline.rate_limit->per_source_rate, 100);
  EXPECT_EQ(o.pipeline.rate_limit->per_source_burst, 200);
  EXPECT_EQ(o.pipeline.rate_limit->per_trap_rate, 1000);
  EXPECT_EQ(o.pipeline.rate_limit->summary_interval, 10s);
}

TEST_F(ConfigTest, PipelineErrorsNameTheProblem) {
  EXPECT_EQ(
      error("routes:\n  - name: r\n    match: {source: [10.0.0.0/8]}\n"),
      at("2:5") + "route 'r': give either 'sinks' (where matching records go) or 'drop: true'");
  EXPECT_NE(error("routes:\n  - {name: r, sinks: [a], match: {trap: [\"1.3.x\"]}}\n")
                .find("'1.3.x' is not a dotted OID"),
            std::string::npos);
  EXPECT_NE(
      error("routes:\n  - {name: r, sinks: [a], match: {varbinds: [{oid: 1.3.6, regex: \"(\"}]}}\n")
          .find("regex: bad regular expression"),
      std::string::npos);
  EXPECT_NE(error("routes:\n  - {name: r, sinks: [a], match: {colour: red}}\n")
                .find("unknown key 'colour' in a route's match"),
            std::string::npos);
  EXPECT_NE(error("dedup: {key: [colour]}\n").find("dedup key field 'colour' is unknown"),
            std::string::npos);
  EXPECT_NE(error("rate_limit: {per_source: -3}\n").find("is not a number from 0"),
            std::string::npos);
}

}  // namespace
}  // namespace trapsink::config::test

namespace trapsink::config::test {
namespace {

TEST_F(ConfigTest, RoutesMayOnlyNameSinksThatAreOn) {
  auto o = load("routes:\n  - {name: r, sinks: [kafka]}\n");
  try {
    validate(o);
    FAIL() << "a route to a sink that is off was accepted";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(), "route 'r' sends to sink 'kafka', which is not on (on: jsonl)");
  }
  auto d = load("sqlite: e.db\ndefault_sinks: [sqlite]\n");
  EXPECT_NO_THROW(validate(d));
}

}  // namespace
}  // namespace trapsink::config::test
