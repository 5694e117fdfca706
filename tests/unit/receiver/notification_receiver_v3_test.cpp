// The notification receiver's SNMPv3 path: a trap captured from Net-SNMP becomes a record with
// its security block; an inform is acknowledged with a protected Response and recorded once
// across retransmissions; refusals produce no record, a reason and (when reportable) a Report.
#include <gtest/gtest.h>

#include "pipeline/record/record.hpp"
#include "receiver/notification_receiver.hpp"
#include "snmp/message/well_known.hpp"
#include "snmp/usm/outgoing.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::receiver {
namespace {
namespace msg = snmp::message;
namespace usm = snmp::usm;
using snmp::test::hex;
using snmp::test::vector_file;

const std::vector<std::byte> local_engine_id = hex("80000000051122334455667788");

usm::user_config user(std::string name, usm::auth_protocol a, usm::priv_protocol p) {
  usm::user_config u;
  u.name = std::move(name);
  u.auth = a;
  u.auth_key = {usm::key_source::kind::passphrase, "authpass123", {}};
  u.priv = p;
  u.priv_key = {usm::key_source::kind::passphrase, "privpass123", {}};
  u.origin = "test";
  return u;
}

struct v3_fixture : ::testing::Test {
  core::metrics_registry metrics;
  usm::processor proc{snmp::engine::local_engine(local_engine_id, 4),
                      {user("tuser", usm::auth_protocol::sha1, usm::priv_protocol::aes128)},
                      metrics,
                      {}};
  std::vector<pipeline::record_ptr> records;
  notification_receiver receiver{metrics,
                                 [this](pipeline::record_ptr r) {
                                   records.push_back(std::move(r));
                                   return true;
                                 },
                                 {},
                                 &proc};
  listener_statistics stats{metrics, "udp:127.0.0.1:1162"};
  community_policy policy{{{"public", {}}}, false};
  peer_info peer{"127.0.0.1", 40000, "udp", boost::asio::ip::make_address("127.0.0.1")};

  std::uint64_t dropped(const std::string& reason) {
    return metrics
        .get("trapsink_listener_dropped_total",
             "listener=\"udp:127.0.0.1:1162\",reason=\"" + reason + "\"")
        .value();
  }
};

TEST_F(v3_fixture, CapturedNetSnmpTrapBecomesARecordWithItsSecurity) {
  auto reply = receiver.handle(vector_file("netsnmp_v3_trap_sha_aes.hex"), peer, policy, stats);
  EXPECT_TRUE(reply.empty());
  ASSERT_EQ(records.size(), 1u);
  const auto& r = *records[0];
  EXPECT_EQ(r.version, "3");
  EXPECT_EQ(r.pdu, "trap");
  EXPECT_FALSE(r.community.has_value());
  EXPECT_EQ(r.trap_oid, "1.3.6.1.6.3.1.1.5.3");
  ASSERT_TRUE(r.security.has_value());
  EXPECT_EQ(r.security->user, "tuser");
  EXPECT_EQ(r.security->level, "authPriv");
  EXPECT_EQ(r.security->engine_id, "8000000001020304");
  EXPECT_EQ(r.security->context_name, "");
  EXPECT_EQ(r.security->auth_protocol, "SHA");
  EXPECT_EQ(r.security->priv_protocol, "AES");
  ASSERT_EQ(r.varbinds.size(), 2u);
  EXPECT_EQ(r.varbinds[1].val, msg::value::octets("eth1"));
  // The JSON form carries the same block in the documented order.
  const auto json = pipeline::to_json(r);
  EXPECT_NE(json.find("\"security\":{\"model\":\"usm\",\"user\":\"tuser\",\"level\":\"authPriv\","
                      "\"engine_id\":\"8000000001020304\",\"context_engine_id\":\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"context_name\":\"\",\"auth_protocol\":\"SHA\",\"priv_protocol\":\"AES\"}"),
            std::string::npos)
      << json;
}

TEST_F(v3_fixture, InformIsAcknowledgedEncryptedAndRecordedOnce) {
  const auto u = user("tuser", usm::auth_protocol::sha1, usm::priv_protocol::aes128);
  usm::auth_key ak(u.auth, usm::localize_key(u.auth, usm::password_to_key(u.auth, "authpass123"),
                                             local_engine_id));
  auto kul =
      usm::localize_key(u.auth, usm::password_to_key(u.auth, "privpass123"), local_engine_id);
  usm::priv_key pk(u.priv, usm::derive_priv_key(u.priv, u.auth, kul, local_engine_id));
  msg::scoped_pdu s;
  s.context_engine_id.assign(reinterpret_cast<const char*>(local_engine_id.data()),
                             local_engine_id.size());
  s.data.type = msg::pdu_type::inform_request;
  s.data.request_id = 31337;
  s.data.varbinds = {
      {msg::well_known::sys_up_time_0, msg::value::timeticks(5)},
      {msg::well_known::snmp_trap_oid_0, msg::value::object_id(msg::well_known::warm_start)}};
  msg::v3_header h{555, 65507,
                   msg::v3_flags::auth | msg::v3_flags::priv | msg::v3_flags::reportable, 3};
  msg::usm_parameters p;
  p.engine_id = local_engine_id;
  p.engine_boots = 4;
  p.engine_time = static_cast<std::int32_t>(proc.engine().engine_time());
  p.user_name = "tuser";
  const auto inform = usm::encode_message(h, p, s, &ak, &pk, 99);

  auto reply = receiver.handle(inform, peer, policy, stats);
  ASSERT_FALSE(reply.empty());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->pdu, "inform");
  EXPECT_EQ(records[0]->request_id, 31337);
  EXPECT_EQ(records[0]->security->engine_id, snmp::engine::to_hex(local_engine_id));

  // The Response: same msgID, authPriv, decryptable with the user's keys, same request-id.
  auto m = msg::decode_v3(reply);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.msg_id, 555);
  EXPECT_EQ(m->header.flags, msg::v3_flags::auth | msg::v3_flags::priv);
  auto up = msg::decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(up);
  std::vector<std::byte> plain;
  ASSERT_TRUE(pk.decrypt(static_cast<std::uint32_t>(up->engine_boots),
                         static_cast<std::uint32_t>(up->engine_time), up->priv_params, m->data,
                         plain));
  auto sp = msg::decode_scoped_pdu(plain, false);
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->data.type, msg::pdu_type::response);
  EXPECT_EQ(sp->data.request_id, 31337);
  EXPECT_EQ(sp->data.varbinds, s.data.varbinds);

  // A retransmission: acknowledged again, not recorded twice.
  EXPECT_FALSE(receiver.handle(inform, peer, policy, stats).empty());
  EXPECT_EQ(records.size(), 1u);
}

TEST_F(v3_fixture, RefusalsProduceNoRecordAndAReason) {
  auto tampered = vector_file("netsnmp_v3_trap_sha_aes.hex");
  tampered.back() ^= std::byte{0x40};
  EXPECT_TRUE(receiver.handle(tampered, peer, policy, stats).empty());
  EXPECT_EQ(dropped("wrong_digest"), 1u);
  EXPECT_TRUE(
      receiver.handle(vector_file("netsnmp_v3_trap_md5_des.hex"), peer, policy, stats).empty());
  EXPECT_EQ(dropped("unknown_user_name"), 1u);
  EXPECT_TRUE(records.empty());
  // Still receiving.
  receiver.handle(vector_file("netsnmp_v3_trap_sha_aes.hex"), peer, policy, stats);
  EXPECT_EQ(records.size(), 1u);
}

TEST_F(v3_fixture, WithoutAUsmProcessorV3IsABadVersion) {
  notification_receiver plain{metrics, [](pipeline::record_ptr) { return true; }, {}};
  EXPECT_TRUE(
      plain.handle(vector_file("netsnmp_v3_trap_sha_aes.hex"), peer, policy, stats).empty());
  EXPECT_EQ(metrics.get("snmp_in_bad_versions_total").value(), 1u);
}

}  // namespace
}  // namespace trapsink::receiver
