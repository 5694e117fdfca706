// The session against an in-process responder on loopback: request-id matching, retries,
// timeouts, stray and forged answers ignored, many requests in flight on one socket, walks.
// Interop with Net-SNMP's snmpd is in tests/interop/test_cmdgen_*.py.
#include "snmp/cmdgen/session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <map>

#include "snmp/cmdgen/walk.hpp"
#include "tests/unit/snmp/cmdgen/fake_agent.hpp"

namespace trapsink::snmp::cmdgen {
namespace {
namespace asio = boost::asio;
using asio::ip::udp;
namespace msg = snmp::message;
using test::fake_agent;
using test::make_agent;
using test::run_until;

msg::pdu get(std::initializer_list<ber::oid> oids) {
  msg::pdu p;
  p.type = msg::pdu_type::get_request;
  for (const auto& o : oids) p.varbinds.push_back({o, {}});
  return p;
}

TEST(CmdgenSession, GetMatchesTheResponse) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = msg::value::octets("box");
  session s(io.get_executor());
  boost::system::error_code got_ec = errc::cancelled;
  msg::pdu got;
  s.request(make_agent(fa.endpoint()), get({{1, 3, 6, 1, 2, 1, 1, 5, 0}, {1, 3, 6, 1, 9, 0}}),
            [&](boost::system::error_code ec, msg::pdu r) {
              got_ec = ec;
              got = std::move(r);
            });
  run_until(io, [&] { return got_ec != errc::cancelled; });
  ASSERT_FALSE(got_ec) << got_ec.message();
  ASSERT_EQ(got.varbinds.size(), 2u);
  EXPECT_EQ(got.varbinds[0].val, msg::value::octets("box"));
  EXPECT_EQ(got.varbinds[1].val.type, ber::tag::no_such_object);
  EXPECT_EQ(s.stats().responses, 1u);
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(CmdgenSession, RetriesThenTimesOut) {
  asio::io_context io;
  fake_agent fa(io);
  fa.drop_first = 1000;
  session s(io.get_executor());
  boost::system::error_code got_ec = errc::cancelled;
  s.request(make_agent(fa.endpoint(), 2, std::chrono::milliseconds(50)), get({{1, 3, 6, 1}}),
            [&](boost::system::error_code ec, msg::pdu) { got_ec = ec; });
  run_until(io, [&] { return got_ec != errc::cancelled; });
  EXPECT_EQ(got_ec, errc::timeout);
  EXPECT_EQ(fa.received, 3);  // one try and two retries
  EXPECT_EQ(s.stats().retransmissions, 2u);
  EXPECT_EQ(s.stats().timeouts, 1u);
}

TEST(CmdgenSession, ARetryIsAnswered) {
  asio::io_context io;
  fake_agent fa(io);
  fa.drop_first = 1;
  fa.table[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = msg::value::integer(7);
  session s(io.get_executor());
  boost::system::error_code got_ec = errc::cancelled;
  s.request(make_agent(fa.endpoint(), 1, std::chrono::milliseconds(50)),
            get({{1, 3, 6, 1, 2, 1, 1, 5, 0}}),
            [&](boost::system::error_code ec, msg::pdu) { got_ec = ec; });
  run_until(io, [&] { return got_ec != errc::cancelled; });
  EXPECT_FALSE(got_ec);
  EXPECT_EQ(fa.received, 2);
}

TEST(CmdgenSession, WrongCommunityOrRequestIdIsIgnored) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = msg::value::integer(7);
  int answers = 0;
  fa.tamper = [&](msg::community_message& m) {
    ++answers;
    if (answers == 1) m.community = "other";  // not the request's community
    if (answers == 2) std::get<msg::pdu>(m.body).request_id ^= 0x5555;  // another request-id
    return true;
  };
  session s(io.get_executor());
  boost::system::error_code got_ec = errc::cancelled;
  s.request(make_agent(fa.endpoint(), 2, std::chrono::milliseconds(50)),
            get({{1, 3, 6, 1, 2, 1, 1, 5, 0}}),
            [&](boost::system::error_code ec, msg::pdu) { got_ec = ec; });
  run_until(io, [&] { return got_ec != errc::cancelled; });
  EXPECT_FALSE(got_ec);
  EXPECT_EQ(fa.received, 3);
  EXPECT_EQ(s.stats().unmatched, 2u);
}

TEST(CmdgenSession, MalformedDatagramsAreCountedAndIgnored) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = msg::value::integer(7);
  fa.junk = [](const std::vector<std::byte>& good) {
    std::vector<std::vector<std::byte>> out;
    for (std::size_t n = 0; n < good.size(); ++n)
      out.emplace_back(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    out.push_back({std::byte{0x30}, std::byte{0x84}, std::byte{0xff}});
    auto flipped = good;
    flipped[1] = std::byte{0x7f};  // a length beyond the datagram
    out.push_back(flipped);
    return out;
  };
  session s(io.get_executor());
  boost::system::error_code got_ec = errc::cancelled;
  msg::pdu got;
  s.request(make_agent(fa.endpoint()), get({{1, 3, 6, 1, 2, 1, 1, 5, 0}}),
            [&](boost::system::error_code ec, msg::pdu r) {
              got_ec = ec;
              got = std::move(r);
            });
  run_until(io, [&] { return got_ec != errc::cancelled; });
  EXPECT_FALSE(got_ec);
  ASSERT_EQ(got.varbinds.size(), 1u);
  EXPECT_EQ(got.varbinds[0].val, msg::value::integer(7));
  EXPECT_GE(s.stats().malformed, 10u);
}

TEST(CmdgenSession, ThousandsInFlightOnOneSocket) {
  asio::io_context io;
  fake_agent fa(io);
  constexpr std::uint32_t n = 2000;
  for (std::uint32_t i = 1; i <= n; ++i)
    fa.table[{1, 3, 6, 1, 4, 1, 99, i}] = msg::value::gauge32(i);
  session s(io.get_executor());
  // Socket buffers may be small (net.core.rmem_max): a burst of 2000 datagrams can overflow
  // them, and the retries recover what the kernel dropped.
  auto a = make_agent(fa.endpoint(), 30, std::chrono::milliseconds(300));
  std::uint32_t ok = 0;
  for (std::uint32_t i = 1; i <= n; ++i) {
    s.request(a, get({{1, 3, 6, 1, 4, 1, 99, i}}),
              [&, i](boost::system::error_code ec, msg::pdu r) {
                if (!ec && r.varbinds.size() == 1 && r.varbinds[0].val == msg::value::gauge32(i))
                  ++ok;
              });
  }
  EXPECT_EQ(s.in_flight(), n);
  run_until(
      io, [&] { return s.in_flight() == 0; }, std::chrono::seconds(60));
  EXPECT_EQ(ok, n);
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(CmdgenSession, CloseCancelsWhatIsInFlight) {
  asio::io_context io;
  fake_agent fa(io);
  fa.drop_first = 1000;
  auto s = std::make_unique<session>(io.get_executor());
  boost::system::error_code got_ec = errc::timeout;
  s->request(make_agent(fa.endpoint(), 5, std::chrono::seconds(10)), get({{1, 3, 6, 1}}),
             [&](boost::system::error_code ec, msg::pdu) { got_ec = ec; });
  run_until(io, [&] { return fa.received > 0; });
  s->close();
  s.reset();
  run_until(io, [&] { return got_ec == errc::cancelled; });
  EXPECT_EQ(got_ec, errc::cancelled);
}

struct walk_run {
  std::vector<msg::varbind> seen;
  walk_outcome out;
  bool done = false;
};

walk_run walk(asio::io_context& io, fake_agent& fa, ber::oid root, bool bulk, int reps = 10) {
  session s(io.get_executor());
  walk_run w;
  walk_options o;
  o.bulk = bulk;
  o.max_repetitions = reps;
  async_walk(
      s, make_agent(fa.endpoint()), root, o, [&](const msg::varbind& vb) { w.seen.push_back(vb); },
      [&](walk_outcome out) {
        w.out = std::move(out);
        w.done = true;
      });
  run_until(io, [&] { return w.done; });
  return w;
}

TEST(CmdgenWalk, StopsAtTheEndOfTheSubtree) {
  asio::io_context io;
  fake_agent fa(io);
  for (std::uint32_t i = 1; i <= 25; ++i)
    fa.table[{1, 3, 6, 1, 4, 1, 99, 1, i}] = msg::value::integer(static_cast<std::int32_t>(i));
  fa.table[{1, 3, 6, 1, 4, 1, 99, 2, 1}] = msg::value::integer(0);
  for (bool bulk : {false, true}) {
    auto w = walk(io, fa, {1, 3, 6, 1, 4, 1, 99, 1}, bulk, 7);
    EXPECT_FALSE(w.out.ec);
    ASSERT_EQ(w.seen.size(), 25u);
    EXPECT_EQ(w.seen.back().name, (ber::oid{1, 3, 6, 1, 4, 1, 99, 1, 25}));
    EXPECT_EQ(w.out.requests, bulk ? 4u : 26u);  // 7+7+7+4(+the first outside), 25+1
  }
}

TEST(CmdgenWalk, EndOfMibViewIsDeliveredThenStops) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[{1, 3, 6, 1, 4, 1, 99, 1}] = msg::value::integer(1);
  auto w = walk(io, fa, {1, 3, 6, 1, 4, 1, 99}, true);
  ASSERT_EQ(w.seen.size(), 2u);
  EXPECT_EQ(w.seen[1].val.type, ber::tag::end_of_mib_view);
  EXPECT_FALSE(w.out.ec);
}

TEST(CmdgenWalk, OidNotIncreasingIsAnError) {
  asio::io_context io;
  fake_agent fa(io);
  fa.table[{1, 3, 6, 1, 4, 1, 99, 1}] = msg::value::integer(1);
  fa.table[{1, 3, 6, 1, 4, 1, 99, 2}] = msg::value::integer(2);
  int n = 0;
  fa.tamper = [&](msg::community_message& m) {
    // The second answer goes backwards.
    if (++n == 2) std::get<msg::pdu>(m.body).varbinds[0].name = {1, 3, 6, 1, 4, 1, 99, 0};
    return true;
  };
  auto w = walk(io, fa, {1, 3, 6, 1, 4, 1, 99}, false);
  EXPECT_EQ(w.out.ec, errc::oid_not_increasing);
  EXPECT_EQ(w.out.previous, (ber::oid{1, 3, 6, 1, 4, 1, 99, 1}));
  EXPECT_EQ(w.out.offending, (ber::oid{1, 3, 6, 1, 4, 1, 99, 0}));
}

}  // namespace
}  // namespace trapsink::snmp::cmdgen
