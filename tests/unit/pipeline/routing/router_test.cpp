// Routes: each condition kind selects exactly the records it should, first match decides,
// `continue` accumulates, drop routes and unknown sinks, and the counters.
#include "pipeline/routing/router.hpp"

#include <gtest/gtest.h>

#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using samples::sample_v2c;
using snmp::ber::oid;

const std::vector<std::string> sinks{"jsonl", "sqlite", "kafka"};
constexpr std::uint64_t jsonl = 1, sqlite = 2, kafka = 4;

oid_pattern exact(std::string_view dotted) { return {*oid::parse(dotted), false}; }
oid_pattern under(std::string_view dotted) { return {*oid::parse(dotted), true}; }

route to(std::string name, route_match when, std::vector<std::string> s, bool next = false) {
  route r;
  r.name = std::move(name);
  r.when = std::move(when);
  r.sinks = std::move(s);
  r.next = next;
  return r;
}

TEST(Router, WithoutRoutesEverythingGoesToTheDefaultSinks) {
  core::metrics_registry m;
  router r({}, sinks, sinks, m);
  EXPECT_EQ(r.destinations(sample_v2c()), jsonl | sqlite | kafka);
  EXPECT_EQ(r.all_sinks(), jsonl | sqlite | kafka);
  EXPECT_EQ(m.get("trapsink_route_matched_total", "route=\"(default)\"").value(), 1u);
}

TEST(Router, FirstMatchDecidesAndContinueAccumulates) {
  core::metrics_registry m;
  route_match link_down;
  link_down.traps = {exact("1.3.6.1.6.3.1.1.5.3")};
  route_match snmpv2_traps;
  snmpv2_traps.traps = {under("1.3.6.1.6.3.1.1.5")};
  router r({to("archive", {}, {"sqlite"}, true), to("links", link_down, {"kafka"}),
            to("generic", snmpv2_traps, {"jsonl"})},
           {"jsonl"}, sinks, m);
  EXPECT_EQ(r.destinations(sample_v2c()), sqlite | kafka);  // archive + links; generic not tried
  auto cold = sample_v2c();
  cold.trap_oid = "1.3.6.1.6.3.1.1.5.1";
  EXPECT_EQ(r.destinations(cold), sqlite | jsonl);  // archive + generic
  auto vendor = sample_v2c();
  vendor.trap_oid = "1.3.6.1.4.1.9.9.41.2.0.1";
  EXPECT_EQ(r.destinations(vendor), sqlite | jsonl);  // archive + default
  EXPECT_EQ(m.get("trapsink_route_matched_total", "route=\"archive\"").value(), 3u);
  EXPECT_EQ(m.get("trapsink_route_matched_total", "route=\"links\"").value(), 1u);
  EXPECT_EQ(m.get("trapsink_route_matched_total", "route=\"generic\"").value(), 1u);
  EXPECT_EQ(m.get("trapsink_route_matched_total", "route=\"(default)\"").value(), 1u);
}

TEST(Router, DropRoutesAreCounted) {
  core::metrics_registry m;
  route_match noisy;
  noisy.sources = {*core::cidr::parse("192.0.2.0/24")};
  route drop = to("noisy-lab", noisy, {});
  drop.drop = true;
  router r({drop}, sinks, sinks, m);
  EXPECT_EQ(r.destinations(sample_v2c()), 0u);  // 192.0.2.10
  auto other = sample_v2c();
  other.source.address = "198.51.100.7";
  EXPECT_EQ(r.destinations(other), jsonl | sqlite | kafka);
  EXPECT_EQ(m.get("trapsink_route_dropped_total").value(), 1u);
}

TEST(Router, EachConditionKind) {
  const auto rec = sample_v2c();  // v2c, community public, 192.0.2.10, linkDown, ifIndex.2 = 2
  auto check = [&](route_match when, bool expected) { EXPECT_EQ(when.matches(rec), expected); };
  route_match m;
  m.versions = {"1", "3"};
  check(m, false);
  m.versions = {"2c"};
  check(m, true);
  route_match c;
  c.communities = {"private"};
  check(c, false);
  c.communities = {"private", "public"};
  check(c, true);
  route_match u;
  u.users = {"netops"};
  check(u, false);  // not a v3 record
  route_match s;
  s.sources = {*core::cidr::parse("2001:db8::/32"), *core::cidr::parse("192.0.2.8/30")};
  check(s, true);
  s.sources = {*core::cidr::parse("192.0.2.0/29")};
  check(s, false);
  route_match t;
  t.traps = {under("1.3.6.1.6.3.1.1.5.3")};  // subtree includes the OID itself
  check(t, true);
  t.traps = {under("1.3.6.1.6.3.1.1.5.31")};  // not a prefix by arcs
  check(t, false);
}

TEST(Router, VarbindConditions) {
  const auto rec = sample_v2c();
  auto holds = [&](varbind_condition c) { return c.satisfied_by(rec); };
  varbind_condition eq;
  eq.name = exact("1.3.6.1.2.1.2.2.1.2.2");  // ifDescr.2
  eq.text = "eth0";
  EXPECT_TRUE(holds(eq));
  eq.text = "eth1";
  EXPECT_FALSE(holds(eq));
  eq.how = varbind_condition::op::not_equals;
  EXPECT_TRUE(holds(eq));

  varbind_condition status;  // ifOperStatus under the column, any index
  status.name = under("1.3.6.1.2.1.2.2.1.8");
  status.text = "2";
  EXPECT_TRUE(holds(status));

  varbind_condition range;
  range.name = under("1.3.6.1.2.1.2.2.1.1");  // ifIndex
  range.how = varbind_condition::op::range;
  range.min = 1;
  range.max = 2;
  EXPECT_TRUE(holds(range));
  range.min = 3;
  range.max = 100;
  EXPECT_FALSE(holds(range));
  range.name = exact("1.3.6.1.2.1.2.2.1.2.2");  // a string is never in a numeric range
  range.min = -1e9;
  range.max = 1e9;
  EXPECT_FALSE(holds(range));

  EXPECT_TRUE(holds(varbind_condition::regex(under("1.3.6.1.2.1.31.1.1.1.18"), "(?i)uplink")));
  EXPECT_FALSE(holds(varbind_condition::regex(under("1.3.6.1.2.1.31.1.1.1.18"), "^uplink")));
  // A condition on a varbind the record does not carry does not hold.
  varbind_condition absent;
  absent.name = exact("1.3.6.1.2.1.1.5.0");
  absent.how = varbind_condition::op::not_equals;
  EXPECT_FALSE(holds(absent));
}

TEST(Router, BadConfigurationIsRefusedWithItsReason) {
  core::metrics_registry m;
  try {
    router({to("r1", {}, {"elastic"})}, {}, sinks, m);
    FAIL() << "unknown sink accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "route 'r1' sends to sink 'elastic', which is not configured (configured: "
                 "jsonl, sqlite, kafka)");
  }
  EXPECT_THROW(varbind_condition::regex(exact("1.3"), "(unclosed"), std::invalid_argument);
}

TEST(Router, ValueTextForms) {
  using snmp::message::value;
  EXPECT_EQ(value_text(value::integer(-5)), "-5");
  EXPECT_EQ(value_text(value::counter64(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(value_text(value::ip(std::string("\xc0\x00\x02\x01", 4))), "192.0.2.1");
  EXPECT_EQ(value_text(value::object_id(oid{1, 3, 6, 1})), "1.3.6.1");
  EXPECT_EQ(value_text(value::octets("text")), "text");
  EXPECT_EQ(value_text(value::null()), "");
}

}  // namespace
}  // namespace trapsink::pipeline
