// Follow-up queries with a per-agent concurrency limit, a bounded queue and a TTL cache,
// against the in-process agent.
#include "snmp/cmdgen/lookup.hpp"

#include <gtest/gtest.h>

#include "tests/unit/snmp/cmdgen/fake_agent.hpp"

namespace trapsink::snmp::cmdgen {
namespace {
using test::fake_agent;
using test::make_agent;
using test::run_until;
namespace msg = snmp::message;
namespace asio = boost::asio;

const ber::oid if_name{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1};
const ber::oid if_descr{1, 3, 6, 1, 2, 1, 2, 2, 1, 2};

struct answer {
  boost::system::error_code ec = errc::cancelled;
  std::vector<msg::varbind> vbs;
  bool done = false;
};

lookup::handler into(answer& a) {
  return [&a](boost::system::error_code ec, std::vector<msg::varbind> vbs) {
    a.ec = ec;
    a.vbs = std::move(vbs);
    a.done = true;
  };
}

TEST(CmdgenLookup, AnswersThenServesFromTheCache) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[if_name.child({7})] = msg::value::octets("ge-0/0/7");
  fa.table[if_descr.child({7})] = msg::value::octets("uplink");
  session s(io.get_executor());
  lookup l(s, lookup_options{});
  auto a = make_agent(fa.endpoint());
  answer first, second, third;
  l.get(a, {if_name.child({7}), if_descr.child({7})}, into(first));
  EXPECT_FALSE(first.done);  // never inside get()
  run_until(io, [&] { return first.done; });
  ASSERT_FALSE(first.ec);
  ASSERT_EQ(first.vbs.size(), 2u);
  EXPECT_EQ(first.vbs[0].val, msg::value::octets("ge-0/0/7"));
  EXPECT_EQ(first.vbs[1].val, msg::value::octets("uplink"));
  l.get(a, {if_descr.child({7}), if_name.child({7})}, into(second));
  EXPECT_FALSE(second.done);
  run_until(io, [&] { return second.done; });
  EXPECT_FALSE(second.ec);
  ASSERT_EQ(second.vbs.size(), 2u);
  EXPECT_EQ(second.vbs[0].val, msg::value::octets("uplink"));
  EXPECT_EQ(fa.received, 1);  // the second came from the cache
  EXPECT_EQ(l.stats().cache_hits, 1u);
  // One OID not cached: a request for the whole query.
  l.get(a, {if_name.child({7}), if_name.child({8})}, into(third));
  run_until(io, [&] { return third.done; });
  EXPECT_FALSE(third.ec);
  EXPECT_EQ(third.vbs[1].val.type, ber::tag::no_such_object);
  EXPECT_EQ(fa.received, 2);
  EXPECT_EQ(l.cache_size(), 3u);
}

TEST(CmdgenLookup, ExpiredEntriesAreAskedAgain) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[if_name.child({1})] = msg::value::octets("lo");
  session s(io.get_executor());
  lookup_options o;
  o.cache_ttl = std::chrono::milliseconds(30);
  lookup l(s, o);
  auto a = make_agent(fa.endpoint());
  answer one, two;
  l.get(a, {if_name.child({1})}, into(one));
  run_until(io, [&] { return one.done; });
  const auto later = std::chrono::steady_clock::now() + std::chrono::milliseconds(60);
  run_until(io, [&] { return std::chrono::steady_clock::now() >= later; });
  l.get(a, {if_name.child({1})}, into(two));
  run_until(io, [&] { return two.done; });
  EXPECT_FALSE(two.ec);
  EXPECT_EQ(fa.received, 2);
}

TEST(CmdgenLookup, LimitsRequestsPerAgentAndRefusesBeyondTheQueue) {
  asio::io_context io;
  fake_agent fa(io);
  int max_outstanding = 0;
  for (std::uint32_t i = 1; i <= 20; ++i) fa.table[if_name.child({i})] = msg::value::integer(1);
  session s(io.get_executor());
  lookup_options o;
  o.max_in_flight_per_agent = 2;
  o.max_queued_per_agent = 10;
  o.cache_ttl = std::chrono::milliseconds(0);
  lookup l(s, o);
  auto a = make_agent(fa.endpoint());
  std::vector<answer> answers(15);
  for (std::uint32_t i = 0; i < 15; ++i) {
    l.get(a, {if_name.child({i + 1})}, into(answers[i]));
    max_outstanding = std::max(max_outstanding, static_cast<int>(s.in_flight()));
  }
  EXPECT_EQ(s.in_flight(), 2u);  // two sent, ten queued, three refused
  EXPECT_EQ(l.stats().queued, 10u);
  EXPECT_EQ(l.stats().refused, 3u);
  run_until(io, [&] {
    max_outstanding = std::max(max_outstanding, static_cast<int>(s.in_flight()));
    for (const auto& x : answers)
      if (!x.done) return false;
    return true;
  });
  EXPECT_EQ(max_outstanding, 2);
  int ok = 0;
  int overloaded = 0;
  for (const auto& x : answers) {
    if (!x.ec) ++ok;
    if (x.ec == errc::overloaded) ++overloaded;
  }
  EXPECT_EQ(ok, 12);
  EXPECT_EQ(overloaded, 3);
  EXPECT_EQ(fa.received, 12);
}

TEST(CmdgenLookup, ATimeoutIsReportedAndTheQueueMovesOn) {
  asio::io_context io;
  fake_agent fa(io);
  fa.drop_first = 1000;
  session s(io.get_executor());
  lookup_options o;
  o.max_in_flight_per_agent = 1;
  lookup l(s, o);
  auto a = make_agent(fa.endpoint(), 0, std::chrono::milliseconds(30));
  answer one, two;
  l.get(a, {if_name.child({1})}, into(one));
  l.get(a, {if_name.child({2})}, into(two));
  run_until(io, [&] { return one.done && two.done; });
  EXPECT_EQ(one.ec, errc::timeout);
  EXPECT_EQ(two.ec, errc::timeout);
  EXPECT_EQ(l.stats().failures, 2u);
  EXPECT_EQ(fa.received, 2);
}

}  // namespace
}  // namespace trapsink::snmp::cmdgen
