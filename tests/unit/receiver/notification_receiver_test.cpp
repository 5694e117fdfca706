#include "receiver/notification_receiver.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "snmp/message/codec.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::receiver {
namespace {
namespace msg = snmp::message;
using snmp::ber::oid;

std::vector<std::byte> bytes_of(const msg::community_message& m) { return msg::encode(m); }

msg::community_message notification(msg::pdu_type type, std::string community, int request_id) {
  msg::pdu p;
  p.type = type;
  p.request_id = request_id;
  p.varbinds = {
      {msg::well_known::sys_up_time_0, msg::value::timeticks(99)},
      {msg::well_known::snmp_trap_oid_0, msg::value::object_id(msg::well_known::cold_start)},
      {oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, msg::value::octets("r1")}};
  return {msg::version::v2c, std::move(community), p};
}

struct fixture : ::testing::Test {
  core::metrics_registry metrics;
  std::vector<pipeline::record_ptr> records;
  bool queue_full = false;
  notification_receiver receiver{metrics,
                                 [this](pipeline::record_ptr r) {
                                   if (queue_full) return false;
                                   records.push_back(std::move(r));
                                   return true;
                                 },
                                 {}};
  listener_statistics stats{metrics, "udp:127.0.0.1:1162"};
  community_policy policy{{{"public", {}}}, false};
  peer_info peer{"192.0.2.1", 40000, "udp", boost::asio::ip::make_address("192.0.2.1")};

  std::uint64_t counter(const std::string& name, const std::string& labels = {}) {
    return metrics.get(name, labels).value();
  }
  std::uint64_t dropped(const std::string& reason) {
    return counter("trapsink_listener_dropped_total",
                   "listener=\"udp:127.0.0.1:1162\",reason=\"" + reason + "\"");
  }
};

TEST_F(fixture, TrapBecomesARecordWithoutAReply) {
  auto reply = receiver.handle(bytes_of(notification(msg::pdu_type::snmpv2_trap, "public", 7)),
                               peer, policy, stats);
  EXPECT_TRUE(reply.empty());
  ASSERT_EQ(records.size(), 1u);
  const auto& r = *records[0];
  EXPECT_EQ(r.version, "2c");
  EXPECT_EQ(r.pdu, "trap");
  EXPECT_EQ(r.request_id, 7);
  EXPECT_EQ(r.uptime, 99u);
  EXPECT_EQ(r.trap_oid, "1.3.6.1.6.3.1.1.5.1");
  EXPECT_EQ(r.agent_address, "192.0.2.1");
  ASSERT_EQ(r.varbinds.size(), 1u);
  EXPECT_EQ(r.varbinds[0].name, (oid{1, 3, 6, 1, 2, 1, 1, 5, 0}));
  EXPECT_EQ(counter("snmp_in_pkts_total"), 1u);
}

TEST_F(fixture, InformIsAcknowledgedWithTheSameRequestIdAndVarbinds) {
  auto inform = notification(msg::pdu_type::inform_request, "public", 4242);
  auto reply = receiver.handle(bytes_of(inform), peer, policy, stats);
  auto expected = inform;
  std::get<msg::pdu>(expected.body).type = msg::pdu_type::response;
  EXPECT_EQ(reply, bytes_of(expected));
  EXPECT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->pdu, "inform");
}

TEST_F(fixture, RetransmittedInformIsAcknowledgedAgainButRecordedOnce) {
  auto inform = bytes_of(notification(msg::pdu_type::inform_request, "public", 5));
  auto first = receiver.handle(inform, peer, policy, stats);
  auto second = receiver.handle(inform, peer, policy, stats);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
  EXPECT_EQ(records.size(), 1u);
  // Another peer port with the same request-id is a different inform.
  peer.port = 40001;
  receiver.handle(inform, peer, policy, stats);
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(
      counter("trapsink_listener_inform_retransmissions_total", "listener=\"udp:127.0.0.1:1162\""),
      1u);
}

TEST_F(fixture, UnknownCommunityIsCountedAndNotAnswered) {
  auto reply = receiver.handle(bytes_of(notification(msg::pdu_type::inform_request, "private", 1)),
                               peer, policy, stats);
  EXPECT_TRUE(reply.empty());
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(counter("snmp_in_bad_community_names_total"), 1u);
  EXPECT_EQ(dropped("bad_community"), 1u);
  policy.any_community = true;
  EXPECT_FALSE(receiver
                   .handle(bytes_of(notification(msg::pdu_type::inform_request, "private", 1)),
                           peer, policy, stats)
                   .empty());
}

TEST_F(fixture, FullQueueMeansNoAcknowledgement) {
  queue_full = true;
  auto inform = bytes_of(notification(msg::pdu_type::inform_request, "public", 9));
  EXPECT_TRUE(receiver.handle(inform, peer, policy, stats).empty());
  EXPECT_EQ(counter("snmp_silent_drops_total"), 1u);
  EXPECT_EQ(dropped("queue_full"), 1u);
  // The retransmission, once there is room, is recorded and acknowledged: nothing lost.
  queue_full = false;
  EXPECT_FALSE(receiver.handle(inform, peer, policy, stats).empty());
  EXPECT_EQ(records.size(), 1u);
}

TEST_F(fixture, ParseErrorsAndBadVersionsAreCounted) {
  auto good = bytes_of(notification(msg::pdu_type::snmpv2_trap, "public", 1));
  std::vector<std::byte> truncated(good.begin(), good.end() - 3);
  receiver.handle(truncated, peer, policy, stats);
  auto v2 = good;
  v2[4] = std::byte{2};  // 30 LL 02 01 <version>
  receiver.handle(v2, peer, policy, stats);
  EXPECT_EQ(counter("snmp_in_asn_parse_errs_total"), 1u);
  EXPECT_EQ(counter("snmp_in_bad_versions_total"), 1u);
  EXPECT_EQ(counter("snmp_in_pkts_total"), 2u);
  EXPECT_TRUE(records.empty());
}

TEST_F(fixture, GetRequestToTheTrapPortIsDropped) {
  msg::pdu p;
  p.type = msg::pdu_type::get_request;
  p.varbinds = {{oid{1, 3, 6, 1, 2, 1, 1, 1, 0}, msg::value::null()}};
  auto reply = receiver.handle(bytes_of({msg::version::v2c, "public", p}), peer, policy, stats);
  EXPECT_TRUE(reply.empty());
  EXPECT_EQ(dropped("unhandled_pdu"), 1u);
}

TEST_F(fixture, NotificationWithoutTrapOidIsDropped) {
  msg::pdu p;
  p.type = msg::pdu_type::inform_request;
  p.varbinds = {{msg::well_known::sys_up_time_0, msg::value::timeticks(1)}};
  auto reply = receiver.handle(bytes_of({msg::version::v2c, "public", p}), peer, policy, stats);
  EXPECT_TRUE(reply.empty());  // not acknowledged: it was not recorded
  EXPECT_EQ(dropped("malformed_notification"), 1u);
}

TEST_F(fixture, V1TrapKeepsItsFieldsAndIsMapped) {
  msg::trap_v1_pdu t;
  t.enterprise = oid{1, 3, 6, 1, 4, 1, 9};
  t.agent_address = {10, 1, 2, 3};
  t.generic_trap = 2;
  t.time_stamp = 500;
  receiver.handle(bytes_of({msg::version::v1, "public", t}), peer, policy, stats);
  ASSERT_EQ(records.size(), 1u);
  const auto& r = *records[0];
  EXPECT_EQ(r.version, "1");
  EXPECT_FALSE(r.request_id.has_value());
  EXPECT_EQ(r.trap_oid, "1.3.6.1.6.3.1.1.5.3");
  EXPECT_EQ(r.agent_address, "10.1.2.3");
  ASSERT_TRUE(r.v1.has_value());
  EXPECT_EQ(r.v1->enterprise, "1.3.6.1.4.1.9");
  EXPECT_EQ(r.v1->generic_trap, 2);
  EXPECT_EQ(r.v1->timestamp, 500u);
  EXPECT_EQ(r.uptime, 500u);
  ASSERT_EQ(r.varbinds.size(), 3u);  // snmpTrapAddress.0, snmpTrapCommunity.0, snmpTrapEnterprise.0
  EXPECT_EQ(r.varbinds[0].name, msg::well_known::snmp_trap_address_0);
}

/// Collects what a durable acknowledgement sends.
struct recording_channel final : reply_channel {
  std::vector<std::pair<std::uint16_t, std::vector<std::byte>>> sent;
  void send_later(const peer_info& to, std::vector<std::byte> bytes) noexcept override {
    sent.emplace_back(to.port, std::move(bytes));
  }
};

/// A receiver under inform_ack: durable whose "pipeline" expects one durable confirmation per
/// record and keeps the records, so the test gives the confirmations.
struct durable_fixture : fixture {
  notification_receiver durable{metrics,
                                [this](pipeline::record_ptr r) {
                                  if (queue_full) {
                                    if (r->ack) r->ack->poison();
                                    return false;
                                  }
                                  if (r->ack) r->ack->expect();
                                  records.push_back(std::move(r));
                                  return true;
                                },
                                {.durable_ack = true}};
  recording_channel channel;
  std::uint64_t outcome(const std::string& o) {
    return counter("trapsink_durable_informs_total", "outcome=\"" + o + "\"");
  }
};

TEST_F(durable_fixture, InformIsAcknowledgedOnlyWhenItsSinksConfirm) {
  auto inform = notification(msg::pdu_type::inform_request, "public", 31);
  EXPECT_TRUE(durable.handle(bytes_of(inform), peer, policy, stats, &channel).empty());
  ASSERT_EQ(records.size(), 1u);
  ASSERT_NE(records[0]->ack, nullptr);
  EXPECT_TRUE(channel.sent.empty());
  // A retransmission meanwhile is neither recorded again nor answered yet.
  EXPECT_TRUE(durable.handle(bytes_of(inform), peer, policy, stats, &channel).empty());
  EXPECT_EQ(records.size(), 1u);
  EXPECT_TRUE(channel.sent.empty());

  records[0]->ack->done(true);
  auto expected = inform;
  std::get<msg::pdu>(expected.body).type = msg::pdu_type::response;
  ASSERT_EQ(channel.sent.size(), 1u);
  EXPECT_EQ(channel.sent[0].first, 40000);
  EXPECT_EQ(channel.sent[0].second, bytes_of(expected));
  EXPECT_EQ(outcome("confirmed"), 1u);
  // Once acknowledged, a retransmission is answered at once and still recorded once.
  EXPECT_EQ(durable.handle(bytes_of(inform), peer, policy, stats, &channel), bytes_of(expected));
  EXPECT_EQ(records.size(), 1u);
}

TEST_F(durable_fixture, AFailedConfirmationIsNotAcknowledgedAndTheRetransmissionIsRecorded) {
  auto inform = bytes_of(notification(msg::pdu_type::inform_request, "public", 32));
  durable.handle(inform, peer, policy, stats, &channel);
  ASSERT_EQ(records.size(), 1u);
  records[0]->ack->done(false);
  EXPECT_TRUE(channel.sent.empty());
  EXPECT_EQ(outcome("unconfirmed"), 1u);
  durable.handle(inform, peer, policy, stats, &channel);
  ASSERT_EQ(records.size(), 2u);  // recorded again: at least once
  records[1]->ack->done(true);
  EXPECT_EQ(channel.sent.size(), 1u);
}

TEST_F(durable_fixture, ARefusedInformIsNotAcknowledgedAndTrapsCarryNoAck) {
  queue_full = true;
  auto inform = bytes_of(notification(msg::pdu_type::inform_request, "public", 33));
  EXPECT_TRUE(durable.handle(inform, peer, policy, stats, &channel).empty());
  EXPECT_TRUE(channel.sent.empty());
  EXPECT_EQ(outcome("unconfirmed"), 1u);
  EXPECT_EQ(dropped("queue_full"), 1u);
  queue_full = false;
  durable.handle(bytes_of(notification(msg::pdu_type::snmpv2_trap, "public", 34)), peer, policy,
                 stats, &channel);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->ack, nullptr);
  // Without a reply channel an inform is acknowledged as under accepted.
  EXPECT_FALSE(durable.handle(inform, peer, policy, stats).empty());
}

}  // namespace
}  // namespace trapsink::receiver
