// USM incoming processing (RFC 3414 §3.2) against messages captured from Net-SNMP 5.9.3's
// snmptrap (tests/vectors/netsnmp_v3_trap_*.hex) and messages built here with the sender's
// side of the same code (encode_message), covering every refusal, the time window, discovery,
// Reports, inform Responses and the bounded caches.
#include "snmp/usm/processor.hpp"

#include <gtest/gtest.h>

#include "snmp/ber/writer.hpp"
#include "snmp/message/codec.hpp"
#include "snmp/usm/outgoing.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::usm {
namespace {

namespace msg = snmp::message;
using test::hex;
using test::to_hex;
using test::vector_file;

const auto localhost = boost::asio::ip::make_address("127.0.0.1");
const std::vector<std::byte> sender_engine = hex("8000000001020304");
const std::vector<std::byte> local_engine_id = hex("80000000051122334455667788");

user_config user(std::string name, auth_protocol a, std::string auth_pass,
                 priv_protocol p = priv_protocol::none, std::string priv_pass = {}) {
  user_config u;
  u.name = std::move(name);
  u.auth = a;
  if (a != auth_protocol::none)
    u.auth_key = {key_source::kind::passphrase, std::move(auth_pass), {}};
  u.priv = p;
  if (p != priv_protocol::none)
    u.priv_key = {key_source::kind::passphrase, std::move(priv_pass), {}};
  u.origin = "test";
  return u;
}

/// The users of the captured vectors (see each file's command line).
std::vector<user_config> capture_users() {
  return {
      user("tuser", auth_protocol::sha1, "authpass123", priv_protocol::aes128, "privpass123"),
      user("tuser2", auth_protocol::md5, "authpass123", priv_protocol::des, "privpass123"),
      user("tuser3", auth_protocol::sha512, "authpass123", priv_protocol::aes256, "privpass123"),
      user("tuser4", auth_protocol::none, ""),
      user("tuser5", auth_protocol::sha224, "authpass123")};
}

struct fixture {
  core::metrics_registry metrics;
  processor usm;
  explicit fixture(std::vector<user_config> users, processor::options o = {})
      : usm(engine::local_engine(local_engine_id, 9), users, metrics, o) {}
  std::uint64_t counter(const std::string& name) { return metrics.get(name).value(); }
};

/// The notification every captured vector carries after sysUpTime.0.
void expect_linkup_varbinds(const msg::pdu& p) {
  ASSERT_EQ(p.varbinds.size(), 4u);
  EXPECT_EQ(p.varbinds[1].val, msg::value::object_id(ber::oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 3}));
  EXPECT_EQ(p.varbinds[2].val, msg::value::integer(2));
  EXPECT_EQ(p.varbinds[3].val, msg::value::octets("eth1"));
}

struct capture_case {
  const char* file;
  const char* user;
  security_level level;
  auth_protocol auth;
  priv_protocol priv;
};

class CapturedTrap : public ::testing::TestWithParam<capture_case> {};

TEST_P(CapturedTrap, AcceptedFromAnyEngineIdWithoutRegistration) {
  load_legacy_provider();
  fixture f(capture_users());
  const auto& c = GetParam();
  auto in = f.usm.process(vector_file(c.file), localhost);
  ASSERT_EQ(in.result, outcome::accepted) << in.detail;
  EXPECT_EQ(in.user_name, c.user);
  EXPECT_EQ(in.level, c.level);
  EXPECT_EQ(in.auth, c.auth);
  EXPECT_EQ(in.priv, c.priv);
  EXPECT_EQ(in.engine_id, sender_engine);
  EXPECT_FALSE(in.authoritative);
  EXPECT_TRUE(in.report.empty());
  EXPECT_EQ(in.scoped.data.type, msg::pdu_type::snmpv2_trap);
  expect_linkup_varbinds(in.scoped.data);
  if (c.level != security_level::no_auth_no_priv) {
    EXPECT_EQ(f.counter("trapsink_usm_key_localizations_total"), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    NetSnmp, CapturedTrap,
    ::testing::Values(
        capture_case{"netsnmp_v3_trap_sha_aes.hex", "tuser", security_level::auth_priv,
                     auth_protocol::sha1, priv_protocol::aes128},
        capture_case{"netsnmp_v3_trap_md5_des.hex", "tuser2", security_level::auth_priv,
                     auth_protocol::md5, priv_protocol::des},
        capture_case{"netsnmp_v3_trap_sha512_aes256.hex", "tuser3", security_level::auth_priv,
                     auth_protocol::sha512, priv_protocol::aes256},
        capture_case{"netsnmp_v3_trap_sha256_noauth.hex", "tuser4", security_level::no_auth_no_priv,
                     auth_protocol::none, priv_protocol::none},
        capture_case{"netsnmp_v3_trap_sha224_authnopriv.hex", "tuser5",
                     security_level::auth_no_priv, auth_protocol::sha224, priv_protocol::none}),
    [](const ::testing::TestParamInfo<capture_case>& p) { return std::string(p.param.user); });

/// A noAuthNoPriv v3 trap written field by field, so any engine ID can be given.
std::vector<std::byte> raw_v3_trap(const std::vector<std::byte>& engine, std::string_view user) {
  ber::writer params;
  auto seq = params.begin_constructed(0x30);
  params.write_octets(std::span<const std::byte>(engine));
  params.write_integer(1);
  params.write_integer(1);
  params.write_octets(user);
  params.write_octets(std::string_view());
  params.write_octets(std::string_view());
  params.end_constructed(seq);
  msg::scoped_pdu sp;
  sp.data.type = msg::pdu_type::snmpv2_trap;
  const auto scoped = msg::encode_scoped_pdu(sp);
  ber::writer w;
  auto m = w.begin_constructed(0x30);
  w.write_integer(3);
  auto h = w.begin_constructed(0x30);
  w.write_integer(1);
  w.write_integer(65507);
  w.write_octets(std::string_view("\0", 1));
  w.write_integer(3);
  w.end_constructed(h);
  w.write_octets(params.bytes());
  w.write_raw(scoped);
  w.end_constructed(m);
  return w.take();
}

TEST(UsmRefusals, EngineIdsOutsideFiveTo32OctetsAreParseErrors) {
  fixture f(capture_users());
  // Within 5..32 octets the same message is fine (tuser4 is a noAuthNoPriv user).
  EXPECT_EQ(f.usm.process(raw_v3_trap(hex("8000000001"), "tuser4"), localhost).result,
            outcome::accepted);
  EXPECT_EQ(f.usm.process(raw_v3_trap(hex("80000000"), "tuser4"), localhost).result,
            outcome::parse_error);
  EXPECT_EQ(
      f.usm.process(raw_v3_trap(std::vector<std::byte>(33, std::byte{0x80}), "tuser4"), localhost)
          .result,
      outcome::parse_error);
  EXPECT_EQ(
      f.usm
          .process(raw_v3_trap(std::vector<std::byte>(60000, std::byte{0x80}), "tuser4"), localhost)
          .result,
      outcome::parse_error);
  msg::usm_parameters too_long;
  too_long.engine_id = std::vector<std::byte>(33, std::byte{0x80});
  EXPECT_THROW(msg::encode_v3({}, too_long, {}, false), std::logic_error);
}

TEST(UsmRefusals, APlaintextTrapIsNeverAnsweredWithAReport) {
  fixture f(capture_users());
  // A noAuthNoPriv trap for an unknown user with the reportable flag set: a Report answers
  // only Confirmed Class PDUs (RFC 3412 §7.2), so none is sent.
  auto bytes = vector_file("netsnmp_v3_trap_sha256_noauth.hex");
  auto m = msg::decode_v3(bytes);
  ASSERT_TRUE(m);
  auto p = msg::decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(p);
  msg::v3_header h = m->header;
  h.flags = msg::v3_flags::reportable;
  msg::usm_parameters out;
  out.engine_id.assign(p->engine_id.begin(), p->engine_id.end());
  out.user_name = "stranger";
  auto scoped = msg::decode_scoped_pdu(m->data, false);
  ASSERT_TRUE(scoped);
  auto in = f.usm.process(encode_message(h, out, *scoped, nullptr, nullptr, 0), localhost);
  EXPECT_EQ(in.result, outcome::unknown_user_name);
  EXPECT_TRUE(in.report.empty());
  // The same as an inform is answered.
  scoped->data.type = msg::pdu_type::inform_request;
  in = f.usm.process(encode_message(h, out, *scoped, nullptr, nullptr, 0), localhost);
  EXPECT_FALSE(in.report.empty());
}

TEST(UsmRefusals, WrongAuthPassphraseIsAWrongDigest) {
  auto users = capture_users();
  users[0].auth_key.passphrase = "not-the-pass";
  fixture f(users);
  auto in = f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost);
  EXPECT_EQ(in.result, outcome::wrong_digest);
  EXPECT_EQ(f.counter("usm_stats_wrong_digests_total"), 1u);
  EXPECT_TRUE(in.report.empty());  // a trap is not reportable
}

TEST(UsmRefusals, WrongPrivPassphraseIsADecryptionError) {
  auto users = capture_users();
  users[0].priv_key.passphrase = "not-the-priv-pass";
  fixture f(users);
  auto in = f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost);
  EXPECT_EQ(in.result, outcome::decryption_error);
  EXPECT_EQ(f.counter("usm_stats_decryption_errors_total"), 1u);
}

TEST(UsmRefusals, WrongAuthProtocolIsAWrongDigest) {
  auto users = capture_users();
  users[0].auth = auth_protocol::sha256;  // digest length differs (24 vs 12 octets)
  fixture f(users);
  EXPECT_EQ(f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::wrong_digest);
}

TEST(UsmRefusals, UnknownUser) {
  fixture f({user("someone", auth_protocol::sha1, "authpass123")});
  auto in = f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost);
  EXPECT_EQ(in.result, outcome::unknown_user_name);
  EXPECT_EQ(f.counter("usm_stats_unknown_user_names_total"), 1u);
}

TEST(UsmRefusals, EveryTamperedOctetIsRefused) {
  fixture f(capture_users());
  const auto good = vector_file("netsnmp_v3_trap_sha_aes.hex");
  std::size_t refused = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= std::byte{0x01};
    auto in = f.usm.process(bad, localhost);
    // Changing the user name or engine ID may make it another (unknown) principal; anything
    // else fails authentication or parsing. Nothing tampered is ever accepted.
    EXPECT_NE(in.result, outcome::accepted) << "octet " << i;
    refused += in.result != outcome::accepted;
  }
  EXPECT_EQ(refused, good.size());
  EXPECT_GT(f.counter("usm_stats_wrong_digests_total"), good.size() / 2);
}

TEST(UsmRefusals, LevelBelowTheUsersMinimum) {
  auto users = capture_users();
  users[4].min_level = security_level::auth_priv;  // tuser5 sends authNoPriv
  fixture f(users);
  auto in = f.usm.process(vector_file("netsnmp_v3_trap_sha224_authnopriv.hex"), localhost);
  EXPECT_EQ(in.result, outcome::unsupported_sec_level);
  EXPECT_EQ(f.counter("usm_stats_unsupported_sec_levels_total"), 1u);
}

TEST(UsmRefusals, DefaultMinimumIsTheHighestLevelTheKeysAllow) {
  // tuser4 sends noAuthNoPriv; configured with auth keys, its default minimum is authNoPriv.
  auto users = capture_users();
  users[3] = user("tuser4", auth_protocol::sha256, "authpass123");
  fixture f(users);
  EXPECT_EQ(f.usm.process(vector_file("netsnmp_v3_trap_sha256_noauth.hex"), localhost).result,
            outcome::unsupported_sec_level);
  users[3].min_level = security_level::no_auth_no_priv;
  fixture relaxed(users);
  EXPECT_EQ(relaxed.usm.process(vector_file("netsnmp_v3_trap_sha256_noauth.hex"), localhost).result,
            outcome::accepted);
}

TEST(UsmRefusals, PinnedEngineIdsAndAllowFrom) {
  auto users = capture_users();
  users[0].engine_ids = {hex("8000000001020399")};
  users[1].allow_from = {*core::cidr::parse("10.0.0.0/8")};
  fixture f(users);
  EXPECT_EQ(f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::unknown_engine_id);
  EXPECT_EQ(f.counter("usm_stats_unknown_engine_ids_total"), 1u);
  EXPECT_EQ(f.usm.process(vector_file("netsnmp_v3_trap_md5_des.hex"), localhost).result,
            outcome::source_not_allowed);
  EXPECT_EQ(f.usm
                .process(vector_file("netsnmp_v3_trap_md5_des.hex"),
                         boost::asio::ip::make_address("10.1.2.3"))
                .result,
            outcome::accepted);
  users[0].engine_ids.push_back(sender_engine);
  fixture pinned(users);
  EXPECT_EQ(pinned.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::accepted);
}

// ---------------------------------------------------------------------------------------------
// A sender built from the same primitives, for messages with chosen engine IDs, boots and time.

struct sender {
  user_config u;
  std::vector<std::byte> engine_id;
  std::int32_t msg_id = 1;
  std::optional<auth_key> ak{};
  std::optional<priv_key> pk{};

  std::vector<std::byte> message(std::uint32_t boots, std::uint32_t time,
                                 msg::pdu_type type = msg::pdu_type::snmpv2_trap,
                                 std::uint8_t extra_flags = 0) {
    std::uint8_t flags = extra_flags;
    if (u.auth != auth_protocol::none) {
      if (!ak) {
        ak.emplace(u.auth,
                   localize_key(u.auth, password_to_key(u.auth, u.auth_key.passphrase), engine_id));
      }
      flags |= msg::v3_flags::auth;
    }
    if (u.priv != priv_protocol::none) {
      if (!pk) {
        auto kul = localize_key(u.auth, password_to_key(u.auth, u.priv_key.passphrase), engine_id);
        pk.emplace(u.priv, derive_priv_key(u.priv, u.auth, kul, engine_id));
      }
      flags |= msg::v3_flags::priv;
    }
    msg::v3_header h{msg_id++, 65507, flags, msg::security_model_usm};
    msg::usm_parameters p;
    p.engine_id = engine_id;
    p.engine_boots = static_cast<std::int32_t>(boots);
    p.engine_time = static_cast<std::int32_t>(time);
    p.user_name = u.name;
    msg::scoped_pdu s;
    s.context_engine_id =
        std::string(reinterpret_cast<const char*>(engine_id.data()), engine_id.size());
    s.data.type = type;
    s.data.request_id = 1000 + msg_id;
    s.data.varbinds = {{ber::oid{1, 3, 6, 1, 2, 1, 1, 3, 0}, msg::value::timeticks(time * 100)},
                       {ber::oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0},
                        msg::value::object_id(ber::oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 1})}};
    return encode_message(h, p, s, ak ? &*ak : nullptr, pk ? &*pk : nullptr, 0x0102030405060708ull);
  }
};

TEST(UsmTimeliness, FirstMessageSetsTheBaselineAndOldTimesAreReplays) {
  auto u = user("alice", auth_protocol::sha256, "alice-auth-pass", priv_protocol::aes128,
                "alice-priv-pass");
  fixture f({u});
  sender s{u, hex("800000000a0b0c0d0e")};
  const auto captured = s.message(5, 1000);
  EXPECT_EQ(f.usm.process(captured, localhost).result, outcome::accepted);  // baseline
  EXPECT_EQ(f.usm.process(s.message(5, 2000), localhost).result, outcome::accepted);
  // The captured message replayed after the engine's time moved on by 1000 s.
  auto replay = f.usm.process(captured, localhost);
  EXPECT_EQ(replay.result, outcome::not_in_time_window);
  EXPECT_TRUE(replay.report.empty());  // traps are not reportable
  EXPECT_EQ(f.counter("usm_stats_not_in_time_windows_total"), 1u);
  // Within 150 s of what was seen: accepted (messages may arrive out of order). The margins
  // leave room for the seconds a slow (sanitizer) run spends between these lines.
  EXPECT_EQ(f.usm.process(s.message(5, 1860), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(s.message(5, 1840), localhost).result, outcome::not_in_time_window);
  // Boots going back is a replay; a reboot (boots + 1, time 0) is not.
  EXPECT_EQ(f.usm.process(s.message(4, 5000), localhost).result, outcome::not_in_time_window);
  EXPECT_EQ(f.usm.process(s.message(6, 0), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(s.message(5, 2000), localhost).result, outcome::not_in_time_window);
  // The latched maximum boots value is never in time (RFC 3414 §3.2 step 7b: the table is
  // updated first, then the latched value refuses the message and every later one).
  EXPECT_EQ(f.usm.process(s.message(2147483647, 1), localhost).result, outcome::not_in_time_window);
  EXPECT_EQ(f.usm.process(s.message(6, 10), localhost).result, outcome::not_in_time_window);
  EXPECT_EQ(f.counter("usm_stats_not_in_time_windows_total"), 6u);
}

TEST(UsmTimeliness, AnIdenticalTrapWithinTheWindowIsAReplay) {
  auto u = user("alice", auth_protocol::sha1, "alice-auth-pass", priv_protocol::aes128,
                "alice-priv-pass");
  fixture f({u});
  sender s{u, hex("800000000a0b0c0d0e")};
  const auto trap = s.message(5, 1000);
  EXPECT_EQ(f.usm.process(trap, localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(trap, localhost).result, outcome::replayed);
  EXPECT_EQ(f.counter("trapsink_usm_replays_total"), 1u);
  // Another message at the same boots/time is not a replay.
  EXPECT_EQ(f.usm.process(s.message(5, 1000), localhost).result, outcome::accepted);
}

TEST(UsmTimeliness, OneUsersKeysCannotMoveAnotherUsersBaseline) {
  auto alice = user("alice", auth_protocol::sha1, "alice-auth-pass");
  auto mallory = user("mallory", auth_protocol::sha1, "mallory-auth-pass");
  fixture f({alice, mallory});
  const auto device = hex("800000000a0b0c0d0e");
  sender a{alice, device};
  sender m{mallory, device};
  EXPECT_EQ(f.usm.process(a.message(5, 1000), localhost).result, outcome::accepted);
  // Mallory, a configured user, claims the device's engine with latched boots ...
  EXPECT_EQ(f.usm.process(m.message(2147483647, 1), localhost).result, outcome::not_in_time_window);
  // ... which does not lock the device's own user out.
  EXPECT_EQ(f.usm.process(a.message(5, 1001), localhost).result, outcome::accepted);
}

TEST(UsmTimeliness, ReplayProtectionCanBeTurnedOffPerUser) {
  // For senders that restart at boots/time 0/0 each run (one-shot scripts): their traps would
  // otherwise look like replays once 150 s have passed.
  auto u = user("script", auth_protocol::sha1, "script-auth-pass");
  u.replay_protection = false;
  fixture f({u});
  sender s{u, hex("800000000a0b0c0d0e")};
  EXPECT_EQ(f.usm.process(s.message(0, 5000), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(s.message(0, 0), localhost).result, outcome::accepted);
  EXPECT_EQ(f.counter("usm_stats_not_in_time_windows_total"), 0u);
}

TEST(UsmTimeliness, UnauthenticatedMessagesNeverMoveTheBaseline) {
  auto u = user("alice", auth_protocol::sha1, "alice-auth-pass");
  fixture f({u});
  sender s{u, hex("800000000a0b0c0d0e")};
  EXPECT_EQ(f.usm.process(s.message(5, 1000), localhost).result, outcome::accepted);
  // A forged message claiming a later time fails authentication and must not move the notion
  // of the engine's time forward (which would make the genuine sender's messages look old).
  auto forged = s.message(9, 9000);
  forged[forged.size() - 1] ^= std::byte{1};
  EXPECT_EQ(f.usm.process(forged, localhost).result, outcome::wrong_digest);
  EXPECT_EQ(f.usm.process(s.message(5, 1001), localhost).result, outcome::accepted);
}

TEST(UsmCaches, SpoofedEngineFloodKeepsTheKeyCacheBounded) {
  auto u = user("alice", auth_protocol::sha1, "alice-auth-pass", priv_protocol::aes128,
                "alice-priv-pass");
  processor::options o;
  o.key_cache_size = 3;
  o.remote_engine_limit = 2;
  fixture f({u}, o);
  for (int i = 0; i < 10; ++i) {
    sender s{u, hex("800000000" + std::string(1, static_cast<char>('0' + i)) + "0a0b0c0d0e")};
    EXPECT_EQ(f.usm.process(s.message(1, 100), localhost).result, outcome::accepted);
  }
  EXPECT_EQ(f.counter("trapsink_usm_key_localizations_total"), 10u);
  EXPECT_EQ(f.counter("trapsink_usm_key_cache_evictions_total"), 7u);
  EXPECT_EQ(f.counter("trapsink_usm_remote_engine_evictions_total"), 8u);
  // Forged messages from new engines (wrong key) cost a localization, never a cache or table
  // entry: the genuine senders' keys stay cached.
  auto mallory = u;
  mallory.auth_key.passphrase = "mallory-guess";
  for (int i = 0; i < 20; ++i) {
    sender m{mallory, hex("80000000999999" + std::string(1, static_cast<char>('a' + i % 6)) +
                          std::string(1, static_cast<char>('0' + i / 6)))};
    EXPECT_EQ(f.usm.process(m.message(1, 1), localhost).result, outcome::wrong_digest);
  }
  EXPECT_EQ(f.counter("trapsink_usm_key_cache_evictions_total"), 7u);
  EXPECT_EQ(f.counter("trapsink_usm_remote_engine_evictions_total"), 8u);
}

// Configuration reload: set_users swaps the user table; unchanged users keep their cached keys
// and their senders' timeliness baseline, a changed user's keys are dropped, a bad table changes
// nothing.
TEST(UsmReload, SetUsersKeepsCachesOfUnchangedUsers) {
  auto alice = user("alice", auth_protocol::sha1, "alice-auth-pass", priv_protocol::aes128,
                    "alice-priv-pass");
  auto bob = user("bob", auth_protocol::sha256, "bob-auth-pass");
  auto carol = user("carol", auth_protocol::sha1, "carol-auth-pass");
  fixture f({alice, bob});
  sender a{alice, hex("8000000001aabbccdd")};
  sender b{bob, hex("8000000001aabbccdd")};
  sender c{carol, hex("8000000001aabbccdd")};
  EXPECT_EQ(f.usm.process(a.message(5, 100), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(b.message(5, 100), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(c.message(5, 100), localhost).result, outcome::unknown_user_name);
  EXPECT_EQ(f.counter("trapsink_usm_key_localizations_total"), 2u);

  // carol added, bob's passphrase changed, alice unchanged.
  auto bob2 = user("bob", auth_protocol::sha256, "bob-new-auth-pass");
  f.usm.set_users({alice, bob2, carol});
  EXPECT_EQ(f.usm.user_count(), 3u);
  EXPECT_EQ(f.usm.process(a.message(5, 101), localhost).result, outcome::accepted);
  EXPECT_EQ(f.counter("trapsink_usm_key_localizations_total"), 2u);  // alice's keys stayed
  // The engine's baseline stayed too: an older time from it is still refused.
  EXPECT_EQ(f.usm.process(a.message(4, 100), localhost).result, outcome::not_in_time_window);
  EXPECT_EQ(f.usm.process(b.message(5, 102), localhost).result, outcome::wrong_digest);
  sender b2{bob2, hex("8000000001aabbccdd")};
  EXPECT_EQ(f.usm.process(b2.message(5, 103), localhost).result, outcome::accepted);
  EXPECT_EQ(f.usm.process(c.message(5, 104), localhost).result, outcome::accepted);

  // A user that cannot be prepared refuses the whole table.
  auto bad = user("dave", auth_protocol::none, "", priv_protocol::aes128, "x-priv-pass");
  EXPECT_THROW(f.usm.set_users({alice, bad}), std::invalid_argument);
  EXPECT_EQ(f.usm.user_count(), 3u);
  EXPECT_EQ(f.usm.process(c.message(5, 105), localhost).result, outcome::accepted);
}

// ---------------------------------------------------------------------------------------------
// trapsink as the authoritative engine: discovery, time synchronisation, inform responses.

/// Decode a Report (or Response) trapsink sent, verifying it with keys when given.
struct decoded_reply {
  msg::v3_header header;
  std::vector<std::byte> engine_id;
  std::int32_t boots = 0, time = 0;
  msg::scoped_pdu scoped;
};

decoded_reply decode_reply(const std::vector<std::byte>& bytes, const auth_key* ak = nullptr,
                           const priv_key* pk = nullptr) {
  decoded_reply r;
  auto m = msg::decode_v3(bytes);
  EXPECT_TRUE(m);
  if (!m) return r;
  r.header = m->header;
  auto p = msg::decode_usm_parameters(m->security_parameters);
  EXPECT_TRUE(p);
  r.engine_id.assign(p->engine_id.begin(), p->engine_id.end());
  r.boots = p->engine_boots;
  r.time = p->engine_time;
  if (ak != nullptr) {
    auto zeroed = bytes;
    std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(m->security_parameters_offset +
                                                             p->auth_params_offset),
                p->auth_params.size(), std::byte{0});
    EXPECT_TRUE(ak->verify(zeroed, p->auth_params)) << "reply digest";
  }
  std::vector<std::byte> plain(m->data.begin(), m->data.end());
  if (pk != nullptr) {
    EXPECT_TRUE(m->encrypted);
    EXPECT_TRUE(pk->decrypt(static_cast<std::uint32_t>(p->engine_boots),
                            static_cast<std::uint32_t>(p->engine_time), p->priv_params, m->data,
                            plain));
  }
  auto s = msg::decode_scoped_pdu(plain, pk != nullptr);
  EXPECT_TRUE(s);
  if (s) r.scoped = *s;
  return r;
}

TEST(UsmAuthoritative, DiscoveryProbeGetsUnknownEngineIdReport) {
  fixture f(capture_users());
  // Net-SNMP's probe: noAuthNoPriv, reportable, empty engine ID and user, a Get with no varbinds.
  msg::v3_header h{77, 65507, msg::v3_flags::reportable, 3};
  msg::usm_parameters p;
  msg::scoped_pdu s;
  s.data.type = msg::pdu_type::get_request;
  s.data.request_id = 4242;
  auto probe = encode_message(h, p, s, nullptr, nullptr, 0);
  auto in = f.usm.process(probe, localhost);
  EXPECT_EQ(in.result, outcome::unknown_engine_id);
  ASSERT_FALSE(in.report.empty());
  auto r = decode_reply(in.report);
  EXPECT_EQ(r.header.msg_id, 77);
  EXPECT_EQ(r.header.flags, 0);
  EXPECT_EQ(r.engine_id, local_engine_id);
  EXPECT_EQ(r.boots, 9);
  EXPECT_EQ(r.scoped.data.type, msg::pdu_type::report);
  EXPECT_EQ(r.scoped.data.request_id, 4242);
  ASSERT_EQ(r.scoped.data.varbinds.size(), 1u);
  EXPECT_EQ(r.scoped.data.varbinds[0].name, (ber::oid{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}));
  EXPECT_EQ(r.scoped.data.varbinds[0].val, msg::value::counter32(1));
}

TEST(UsmAuthoritative, TimeSyncThenInformIsAnsweredEncrypted) {
  auto u =
      user("bob", auth_protocol::sha384, "bob-auth-pass", priv_protocol::aes256, "bob-priv-pass");
  fixture f({u});
  sender s{u, local_engine_id};
  // Discovered engine ID, but boots/time 0/0: a notInTimeWindow Report, authenticated.
  auto in = f.usm.process(s.message(0, 0, msg::pdu_type::inform_request, msg::v3_flags::reportable),
                          localhost);
  EXPECT_EQ(in.result, outcome::not_in_time_window);
  ASSERT_FALSE(in.report.empty());
  auth_key ak(u.auth,
              localize_key(u.auth, password_to_key(u.auth, "bob-auth-pass"), local_engine_id));
  auto r = decode_reply(in.report, &ak);
  EXPECT_EQ(r.header.flags, msg::v3_flags::auth);  // authNoPriv (RFC 3414 §3.2 step 7a)
  EXPECT_EQ(r.boots, 9);
  ASSERT_EQ(r.scoped.data.varbinds.size(), 1u);
  EXPECT_EQ(r.scoped.data.varbinds[0].name, (ber::oid{1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0}));

  // With the learned boots/time the inform is accepted and answered.
  auto inform = f.usm.process(
      s.message(static_cast<std::uint32_t>(r.boots), static_cast<std::uint32_t>(r.time),
                msg::pdu_type::inform_request, msg::v3_flags::reportable),
      localhost);
  ASSERT_EQ(inform.result, outcome::accepted) << inform.detail;
  EXPECT_TRUE(inform.authoritative);
  msg::pdu resp{msg::pdu_type::response, inform.scoped.data.request_id, 0, 0,
                inform.scoped.data.varbinds};
  auto bytes = f.usm.encode_response(inform, resp);
  auto kul = localize_key(u.auth, password_to_key(u.auth, "bob-priv-pass"), local_engine_id);
  priv_key pk(u.priv, derive_priv_key(u.priv, u.auth, kul, local_engine_id));
  auto reply = decode_reply(bytes, &ak, &pk);
  EXPECT_EQ(reply.header.msg_id, inform.header.msg_id);
  EXPECT_EQ(reply.header.flags, msg::v3_flags::auth | msg::v3_flags::priv);
  EXPECT_EQ(reply.engine_id, local_engine_id);
  EXPECT_EQ(reply.scoped.data, resp);
  EXPECT_EQ(reply.scoped.context_engine_id, inform.scoped.context_engine_id);
}

TEST(UsmAuthoritative, InformNamingAForeignEngineIsRefusedWithAReport) {
  auto u = user("bob", auth_protocol::sha1, "bob-auth-pass");
  fixture f({u});
  sender s{u, hex("800000000a0b0c0d0e")};
  auto in = f.usm.process(s.message(1, 1, msg::pdu_type::inform_request, msg::v3_flags::reportable),
                          localhost);
  ASSERT_EQ(in.result, outcome::accepted);
  EXPECT_FALSE(in.authoritative);
  f.usm.refuse_foreign_engine(in);
  EXPECT_EQ(in.result, outcome::unknown_engine_id);
  auto r = decode_reply(in.report);
  EXPECT_EQ(r.engine_id, local_engine_id);
  EXPECT_EQ(r.scoped.data.varbinds.at(0).name, (ber::oid{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}));
}

TEST(UsmKeys, MasterAndLocalizedKeysInHex) {
  // The same user given as a passphrase, as Ku (-3m) and as Kul for one engine (-3k).
  auto by_pass =
      user("p", auth_protocol::sha1, "authpass123", priv_protocol::aes128, "privpass123");
  auto ku_auth = password_to_key(auth_protocol::sha1, "authpass123");
  auto ku_priv = password_to_key(auth_protocol::sha1, "privpass123");
  user_config by_master = by_pass;
  by_master.name = "tuser";
  by_master.auth_key = {key_source::kind::master_key, {}, ku_auth};
  by_master.priv_key = {key_source::kind::master_key, {}, ku_priv};
  fixture f({by_master});
  EXPECT_EQ(f.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::accepted);

  user_config by_kul = by_master;
  by_kul.auth_key = {key_source::kind::localized_key,
                     {},
                     localize_key(auth_protocol::sha1, ku_auth, sender_engine)};
  by_kul.priv_key = {key_source::kind::localized_key,
                     {},
                     localize_key(auth_protocol::sha1, ku_priv, sender_engine)};
  by_kul.engine_ids = {sender_engine};
  fixture g({by_kul});
  EXPECT_EQ(g.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::accepted);
  // Bound to that engine: another engine ID is refused.
  by_kul.engine_ids = {hex("8000000001020399")};
  fixture h({by_kul});
  EXPECT_EQ(h.usm.process(vector_file("netsnmp_v3_trap_sha_aes.hex"), localhost).result,
            outcome::unknown_engine_id);
}

TEST(UsmKeys, BadUserConfigurationIsRefusedAtStartNamingTheUser) {
  core::metrics_registry metrics;
  auto u = user("carol", auth_protocol::sha256, "carol-pass-1");
  u.auth_key = {key_source::kind::master_key, {}, hex("0011")};
  try {
    processor p(engine::local_engine(local_engine_id, 1), {u}, metrics, {});
    FAIL() << "a 2-octet master key was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("carol"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("32 octets"), std::string::npos) << e.what();
  }
  auto twice = user("dave", auth_protocol::sha1, "dave-pass-1");
  EXPECT_THROW(processor(engine::local_engine(local_engine_id, 1), {twice, twice}, metrics, {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace trapsink::snmp::usm
