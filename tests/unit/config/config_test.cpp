// apply_config_file: every key, and every error's location and message.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;
using snmp::usm::auth_protocol;
using snmp::usm::key_source;
using snmp::usm::priv_protocol;
using snmp::usm::security_level;

// ---- the file as a whole ----

TEST_F(ConfigTest, EmptyFileChangesNothing) {
  auto o = load("");
  auto d = receiver::default_server_options();
  ASSERT_EQ(o.listeners.size(), d.listeners.size());
  EXPECT_EQ(o.listeners[0].to_string(), "udp:127.0.0.1:1162");
  ASSERT_EQ(o.communities.communities.size(), 1u);
  EXPECT_EQ(o.communities.communities[0].name, "public");
  ASSERT_TRUE(o.jsonl);
  EXPECT_EQ(o.jsonl->path, "-");
  load("# only a comment\n");
}

TEST_F(ConfigTest, EveryKey) {
  write("snmptrapd.conf", "createUser -e 0x8000000001020304 traptest SHA mypassword AES\n");
  auto o = load(R"(# every key
listen:
  - udp:0.0.0.0:162
  - "udp6:[::]:162"
communities:
  - public
  - name: n0c-r34d
    allow_from: [10.0.0.0/8, "2001:db8::/32"]
any_community: true
jsonl: /var/log/trapsink/records.jsonl
queue_capacity: 1024
inform_dedup_window: 90
shutdown_deadline: 500ms
engine_id: "80:00:1f:88:04:74:72:61:70"
state_dir: /var/lib/trapsink
key_cache_size: 500
remote_engine_limit: 2000
users_from: snmptrapd.conf
users:
  - name: alice
    auth_protocol: SHA-256
    auth_passphrase: alice-auth-pass
    priv_protocol: AES-256
    priv_passphrase: alice-priv-pass
    min_level: authNoPriv
    engine_ids: ["0x80001f8880e9630000d61ff449"]
    allow_from: [192.0.2.0/24]
  - name: bob
    auth_protocol: MD5
    auth_master_key: 000102030405060708090a0b0c0d0e0f
    replay_protection: false
  - name: carol
)");
  ASSERT_EQ(o.listeners.size(), 2u);
  EXPECT_EQ(o.listeners[0].to_string(), "udp:0.0.0.0:162");
  EXPECT_EQ(o.listeners[1].to_string(), "udp6:[::]:162");
  ASSERT_EQ(o.communities.communities.size(), 2u);
  EXPECT_EQ(o.communities.communities[0].name, "public");
  EXPECT_TRUE(o.communities.communities[0].allow_from.empty());
  EXPECT_EQ(o.communities.communities[1].name, "n0c-r34d");
  ASSERT_EQ(o.communities.communities[1].allow_from.size(), 2u);
  EXPECT_TRUE(o.communities.communities[1].allow_from[0].contains("10.1.2.3"));
  EXPECT_TRUE(o.communities.communities[1].allow_from[1].contains("2001:db8::1"));
  EXPECT_TRUE(o.communities.any_community);
  ASSERT_TRUE(o.jsonl);
  EXPECT_EQ(o.jsonl->path, "/var/log/trapsink/records.jsonl");
  EXPECT_EQ(o.queue_capacity, 1024u);
  EXPECT_EQ(o.inform_dedup_window, 90s);
  EXPECT_EQ(o.shutdown_deadline, 500ms);
  ASSERT_TRUE(o.engine_id.has_value());
  EXPECT_EQ(*o.engine_id, bytes("80001f880474726170"));
  EXPECT_EQ(o.state_dir, "/var/lib/trapsink");
  EXPECT_EQ(o.key_cache_size, 500u);
  EXPECT_EQ(o.remote_engine_limit, 2000u);

  ASSERT_EQ(o.users.size(), 4u);
  const auto& traptest = o.users[0];  // users_from comes first in this file
  EXPECT_EQ(traptest.name, "traptest");
  EXPECT_EQ(traptest.origin, (dir_ / "snmptrapd.conf").string() + ":1");
  const auto& alice = o.users[1];
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.origin, config_path() + ":20");
  EXPECT_EQ(alice.auth, auth_protocol::sha256);
  EXPECT_EQ(alice.auth_key.how, key_source::kind::passphrase);
  EXPECT_EQ(alice.auth_key.passphrase, "alice-auth-pass");
  EXPECT_EQ(alice.priv, priv_protocol::aes256);
  EXPECT_EQ(alice.priv_key.how, key_source::kind::passphrase);
  EXPECT_EQ(alice.priv_key.passphrase, "alice-priv-pass");
  EXPECT_EQ(alice.min_level, security_level::auth_no_priv);
  ASSERT_EQ(alice.engine_ids.size(), 1u);
  EXPECT_EQ(alice.engine_ids[0], bytes("80001f8880e9630000d61ff449"));
  ASSERT_EQ(alice.allow_from.size(), 1u);
  EXPECT_TRUE(alice.allow_from[0].contains("192.0.2.99"));
  const auto& bob = o.users[2];
  EXPECT_EQ(bob.auth, auth_protocol::md5);
  EXPECT_EQ(bob.auth_key.how, key_source::kind::master_key);
  EXPECT_EQ(bob.auth_key.key, bytes("000102030405060708090a0b0c0d0e0f"));
  EXPECT_EQ(bob.priv, priv_protocol::none);
  EXPECT_EQ(bob.priv_key.how, key_source::kind::none);
  EXPECT_FALSE(bob.min_level.has_value());
  EXPECT_FALSE(bob.replay_protection);
  EXPECT_TRUE(alice.replay_protection);
  const auto& carol = o.users[3];
  EXPECT_EQ(carol.auth, auth_protocol::none);
  EXPECT_EQ(carol.max_level(), security_level::no_auth_no_priv);
  EXPECT_EQ(carol.origin, config_path() + ":32");

  EXPECT_NO_THROW(validate(o));
}

TEST_F(ConfigTest, JsonIsAccepted) {
  auto o = load(R"({"listen": ["udp:127.0.0.1:0"], "communities": [{"name": "c1",
  "allow_from": ["127.0.0.1"]}], "queue_capacity": 10, "inform_dedup_window": 1.5,
  "users": [{"name": "u", "auth_protocol": "SHA", "auth_passphrase": "12345678"}]})");
  ASSERT_EQ(o.listeners.size(), 1u);
  EXPECT_EQ(o.listeners[0].to_string(), "udp:127.0.0.1:0");
  EXPECT_EQ(o.communities.communities[0].name, "c1");
  EXPECT_EQ(o.queue_capacity, 10u);
  EXPECT_EQ(o.inform_dedup_window, 1500ms);
  ASSERT_EQ(o.users.size(), 1u);
  EXPECT_EQ(o.users[0].auth_key.passphrase, "12345678");
}

TEST_F(ConfigTest, MissingFile) {
  auto o = receiver::default_server_options();
  const std::string path = (dir_ / "absent.yaml").string();
  try {
    apply_config_file(path, o);
    FAIL() << "accepted a missing file";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": cannot read the configuration file: No such file or directory");
  }
  try {
    apply_config_file(dir_.string(), o);
    FAIL() << "accepted a directory";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              dir_.string() + ": cannot read the configuration file: it is a directory");
  }
}

TEST_F(ConfigTest, InvalidYamlHasItsLocation) {
  expect_message(error("listen: [udp:0.0.0.0:162\njsonl: -\n"), at("2:6"),
                 {"not valid YAML", "end of sequence flow not found"});
  expect_message(error("jsonl: a: b\n"), at("1:9"), {"not valid YAML"});
}

TEST_F(ConfigTest, TopLevelMustBeAMap) {
  EXPECT_EQ(error("- listen\n"), at("1:1") +
                                     "the configuration must be a map of keys (e.g. 'listen: "
                                     "[udp:0.0.0.0:162]'), not a list");
}

TEST_F(ConfigTest, MibIndex) {
  auto o = load("mib_index: /var/lib/trapsink/vendor.idx\n");
  EXPECT_EQ(o.mib_index, "/var/lib/trapsink/vendor.idx");
  EXPECT_NE(describe(o).find("mib_index: /var/lib/trapsink/vendor.idx\n"), std::string::npos);
  EXPECT_EQ(load("mib_index: none\n").mib_index, "none");
  EXPECT_NE(describe(load("listen: [udp:127.0.0.1:162]\n")).find("mib_index: the bundled index\n"),
            std::string::npos);
  expect_message(error("mib_index: \"\"\n"), at("1:12"),
                 {"mib_index: give the path of a compiled index file"});
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(error("listen: [udp:0.0.0.0:162]\ncomunities: [public]\n"),
            at("2:1") +
                "unknown key 'comunities'; did you mean 'communities'? (known keys: "
                "listen, communities, any_community, jsonl, sqlite, kafka, sinks, "
                "queue_capacity, "
                "inform_ack, inform_dedup_window, shutdown_deadline, engine_id, state_dir, "
                "key_cache_size, remote_engine_limit, users_from, users, routes, "
                "default_sinks, dedup, rate_limit, mib_index, receive_shards, receive_buffer, "
                "http, enrich, enrich_options, pid_file, user, group, log_format, log_file, "
                "log_level)");
  expect_message(error("jsnol: out.jsonl\n"), at("1:1"),
                 {"unknown key 'jsnol'", "did you mean 'jsonl'?"});
  expect_message(error("queue_capacty: 5\n"), at("1:1"), {"did you mean 'queue_capacity'?"});
  auto msg = error("frobnicate: 1\n");
  expect_message(msg, at("1:1"), {"unknown key 'frobnicate' (known keys: listen,"});
  EXPECT_EQ(msg.find("did you mean"), std::string::npos);
}

TEST_F(ConfigTest, UnknownKeyInAUserOrCommunity) {
  expect_message(error("users:\n  - name: u\n    auth_protcol: SHA\n"), at("3:5"),
                 {"unknown key 'auth_protcol' in a user; did you mean 'auth_protocol'?",
                  "known keys: name, auth_protocol,"});
  expect_message(error("communities:\n  - name: c\n    allow: [10.0.0.0/8]\n"), at("3:5"),
                 {"unknown key 'allow' in a community", "known keys: name, allow_from"});
  // A user key at the top level (wrong indentation), a top-level key in a user.
  expect_message(error("users:\n  - name: u\nauth_protocol: SHA\n"), at("3:1"),
                 {"unknown key 'auth_protocol'", "belongs to a user"});
  expect_message(error("users:\n  - name: u\n    jsonl: x\n"), at("3:5"),
                 {"unknown key 'jsonl' in a user", "is a top-level key"});
}

TEST_F(ConfigTest, RepeatedKeyIsRejected) {
  EXPECT_EQ(error("jsonl: a\njsonl: b\n"),
            at("2:1") + "'jsonl' is given twice (first on line 1); keep one");
  expect_message(error("users:\n  - name: u\n    name: v\n"), at("3:5"),
                 {"'name' in a user is given twice (first on line 2)"});
}

// ---- listen ----

TEST_F(ConfigTest, ListenReplacesTheDefaults) {
  auto o = load("listen:\n  - udp:192.0.2.1:162\n");
  ASSERT_EQ(o.listeners.size(), 1u);
  EXPECT_EQ(o.listeners[0].to_string(), "udp:192.0.2.1:162");
  o = load("listen: \"udp6:[::1]:9162\"\n");  // one address as a string
  ASSERT_EQ(o.listeners.size(), 1u);
  EXPECT_EQ(o.listeners[0].to_string(), "udp6:[::1]:9162");
}

TEST_F(ConfigTest, ListenErrors) {
  EXPECT_EQ(error("listen:\n  - udp:0.0.0.0:162\n  - udp:1.2.3:5\n"),
            at("3:5") +
                "invalid listen address 'udp:1.2.3:5': '1.2.3' is not an IPv4 address "
                "(expected udp:ADDR:PORT, e.g. udp:0.0.0.0:162, or udp6:[ADDR]:PORT, "
                "e.g. udp6:[::]:162)");
  EXPECT_EQ(error("listen: []\n"), at("1:9") +
                                       "listen: the list is empty; give at least one address, e.g. "
                                       "[\"udp:0.0.0.0:162\"]");
  expect_message(error("listen:\n  a: b\n"), at("2:3"),
                 {"listen: expected a list, e.g. [\"udp:0.0.0.0:162\", \"udp6:[::]:162\"], got a "
                  "map"});
  expect_message(error("listen:\n  - [udp:0.0.0.0:162]\n"), at("2:5"),
                 {"listen: each item must be a string", "not a list"});
  expect_message(error("listen:\n"), at("1:1"), {"listen: expected a list", "got nothing"});
}

// ---- communities ----

TEST_F(ConfigTest, Communities) {
  auto o = load("communities: [\"\", private]\n");
  ASSERT_EQ(o.communities.communities.size(), 2u);
  EXPECT_EQ(o.communities.communities[0].name, "");
  EXPECT_EQ(o.communities.communities[1].name, "private");
  o = load("communities:\n  - name: ops\n    allow_from: 192.0.2.7\n");
  ASSERT_EQ(o.communities.communities[0].allow_from.size(), 1u);
  EXPECT_TRUE(o.communities.communities[0].allow_from[0].contains("192.0.2.7"));
  EXPECT_FALSE(o.communities.communities[0].allow_from[0].contains("192.0.2.8"));
}

TEST_F(ConfigTest, EmptyCommunityListAcceptsNone) {
  auto o = load("communities: []\n");
  EXPECT_TRUE(o.communities.communities.empty());
  EXPECT_FALSE(o.communities.any_community);
  EXPECT_NE(describe(o).find("communities: none"), std::string::npos);
}

TEST_F(ConfigTest, CommunityErrors) {
  expect_message(error("communities: public\n"), at("1:14"),
                 {"communities: expected a list of community strings or {name: ..., allow_from: "
                  "[...]} maps, got a single value"});
  expect_message(error("communities:\n  - [a, b]\n"), at("2:5"),
                 {"communities: each item is a community string or a map", "not a list"});
  EXPECT_EQ(error("communities:\n  - allow_from: [10.0.0.0/8]\n"),
            at("2:5") + "communities: a community map needs 'name' (the community string)");
  EXPECT_EQ(error("communities:\n  - name: c\n    allow_from: [10.0.0.0/8, 10.0.0.0/33]\n"),
            at("3:30") +
                "allow_from: '10.0.0.0/33' is not an address or an ADDR/LEN prefix "
                "(e.g. 192.0.2.7, 10.0.0.0/8, 2001:db8::/32)");
  expect_message(error("communities:\n  - name: [c]\n"), at("2:11"),
                 {"name: expected a string, got a list"});
}

// ---- scalars ----

TEST_F(ConfigTest, AnyCommunity) {
  EXPECT_TRUE(load("any_community: true\n").communities.any_community);
  EXPECT_TRUE(load("any_community: yes\n").communities.any_community);
  EXPECT_FALSE(load("any_community: False\n").communities.any_community);
  EXPECT_EQ(error("any_community: maybe\n"),
            at("1:16") + "any_community: expected true or false, got 'maybe'");
  EXPECT_EQ(error("any_community: [true]\n"),
            at("1:16") + "any_community: expected true or false, got a list");
}

TEST_F(ConfigTest, Jsonl) {
  EXPECT_EQ(load("jsonl: \"-\"\n").jsonl->path, "-");
  EXPECT_EQ(load("jsonl: out/records.jsonl\n").jsonl->path, "out/records.jsonl");
  EXPECT_FALSE(load("jsonl: none\n").jsonl);
  EXPECT_EQ(error("jsonl: \"\"\n"),
            at("1:8") + "jsonl: give a file path, \"-\" for standard output, or none");
  EXPECT_EQ(error("jsonl: [a]\n"), at("1:8") +
                                       "jsonl: expected a path, \"-\", none or a map "
                                       "{path: ..., rotate_size: ..., ...}, got a list");
}

TEST_F(ConfigTest, QueueCapacity) {
  EXPECT_EQ(load("queue_capacity: 1\n").queue_capacity, 1u);
  EXPECT_EQ(load("queue_capacity: 67108864\n").queue_capacity, 67108864u);
  EXPECT_EQ(error("queue_capacity: 0\n"),
            at("1:17") +
                "queue_capacity: 0 is out of range; expected an integer from 1 to "
                "67108864");
  EXPECT_EQ(error("queue_capacity: 67108865\n"),
            at("1:17") +
                "queue_capacity: 67108865 is out of range; expected an integer from 1 "
                "to 67108864");
  EXPECT_EQ(error("queue_capacity: 99999999999999999999999\n"),
            at("1:17") +
                "queue_capacity: 99999999999999999999999 is out of range; expected an "
                "integer from 1 to 67108864");
  EXPECT_EQ(error("queue_capacity: 1.5\n"),
            at("1:17") +
                "queue_capacity: '1.5' is not an integer; expected an integer from 1 "
                "to 67108864");
  EXPECT_EQ(error("queue_capacity: -3\n"),
            at("1:17") +
                "queue_capacity: '-3' is not an integer; expected an integer from 1 to "
                "67108864");
  EXPECT_EQ(error("queue_capacity: [1]\n"),
            at("1:17") + "queue_capacity: expected an integer from 1 to 67108864, got a list");
}

TEST_F(ConfigTest, CacheAndEngineLimits) {
  auto o = load("key_cache_size: 1\nremote_engine_limit: 4294967295\n");
  EXPECT_EQ(o.key_cache_size, 1u);
  EXPECT_EQ(o.remote_engine_limit, 4294967295u);
  expect_message(error("key_cache_size: 0\n"), at("1:17"),
                 {"key_cache_size: 0 is out of range; expected an integer from 1 to 4294967295"});
  expect_message(error("remote_engine_limit: lots\n"), at("1:22"),
                 {"remote_engine_limit: 'lots' is not an integer"});
}

TEST_F(ConfigTest, Durations) {
  EXPECT_EQ(load("inform_dedup_window: 90\n").inform_dedup_window, 90s);
  EXPECT_EQ(load("inform_dedup_window: 0\n").inform_dedup_window, 0s);
  EXPECT_EQ(load("inform_dedup_window: 2.5\n").inform_dedup_window, 2500ms);
  EXPECT_EQ(load("inform_dedup_window: 60s\n").inform_dedup_window, 60s);
  EXPECT_EQ(load("inform_dedup_window: 500ms\n").inform_dedup_window, 500ms);
  EXPECT_EQ(load("inform_dedup_window: 2m\n").inform_dedup_window, 120s);
  EXPECT_EQ(load("shutdown_deadline: \"1h\"\n").shutdown_deadline, 3600s);
  EXPECT_EQ(load("shutdown_deadline: 24h\n").shutdown_deadline, 86400s);
  EXPECT_EQ(error("shutdown_deadline: -1\n"),
            at("1:20") +
                "shutdown_deadline: '-1' is negative: give seconds (60, 1.5) or a "
                "number with a unit: 500ms, 60s, 2m, 1h");
  EXPECT_EQ(error("inform_dedup_window: 5 parsecs\n"),
            at("1:22") +
                "inform_dedup_window: '5 parsecs' has an unknown unit: give seconds "
                "(60, 1.5) or a number with a unit: 500ms, 60s, 2m, 1h");
  EXPECT_EQ(error("inform_dedup_window: soon\n"),
            at("1:22") +
                "inform_dedup_window: 'soon' is not a duration: give seconds (60, 1.5) "
                "or a number with a unit: 500ms, 60s, 2m, 1h");
  EXPECT_EQ(error("shutdown_deadline: 25h\n"),
            at("1:20") +
                "shutdown_deadline: 25h is longer than a day (86400 seconds), the most "
                "accepted");
  expect_message(
      error("shutdown_deadline: [1]\n"), at("1:20"),
      {"shutdown_deadline: expected a number of seconds or a duration like \"60s\"", "got a list"});
}

TEST(ParseDuration, Forms) {
  EXPECT_EQ(parse_duration("0"), 0ms);
  EXPECT_EQ(parse_duration("1.0006"), 1001ms);  // rounded to the millisecond
  EXPECT_EQ(parse_duration(" 7 s "), 7s);
  EXPECT_EQ(parse_duration("3min"), 180s);
  EXPECT_THROW(parse_duration(""), config_error);
  EXPECT_THROW(parse_duration("nan"), config_error);
  EXPECT_THROW(parse_duration("inf"), config_error);
  EXPECT_THROW(parse_duration("1e300h"), config_error);
  EXPECT_THROW(parse_duration("+5"), config_error);
}

// ---- engine IDs ----

TEST_F(ConfigTest, EngineId) {
  EXPECT_EQ(*load("engine_id: 80001f8880e9630000d61ff449\n").engine_id,
            bytes("80001f8880e9630000d61ff449"));
  EXPECT_EQ(*load("engine_id: 0x80001F8880\n").engine_id, bytes("80001f8880"));
  EXPECT_EQ(*load("engine_id: \"80:00:1f:88:80\"\n").engine_id, bytes("80001f8880"));
  EXPECT_EQ(*load("engine_id: 80 00 1f 88 80\n").engine_id, bytes("80001f8880"));
  EXPECT_EQ(error("engine_id: \"0x01020304\"\n"),
            at("1:12") +
                "engine_id: engine ID '0x01020304': an engine ID is 5 to 32 octets (RFC "
                "3411 SnmpEngineID), this one is 4; give 5 to 32 octets in hex, e.g. "
                "80001f8804747261707369");
  expect_message(error("engine_id: " + std::string(66, 'a') + "\n"), at("1:12"),
                 {"an engine ID is 5 to 32 octets (RFC 3411 SnmpEngineID), this one is 33"});
  expect_message(error("engine_id: 80001f888\n"), at("1:12"),
                 {"engine ID '80001f888': it has an odd number of hex digits"});
  expect_message(error("engine_id: 80001g8880\n"), at("1:12"),
                 {"engine ID '80001g8880': it is not hex octets"});
  expect_message(error("engine_id: \"0000000000\"\n"), at("1:12"),
                 {"an engine ID may not be all zeros"});
  expect_message(error("engine_id: ffffffffff\n"), at("1:12"),
                 {"an engine ID may not be all 'ff'H"});
  expect_message(error("engine_id: \"80:00:\"\n"), at("1:12"), {"it ends with a separator"});
  expect_message(error("engine_id: \"\"\n"), at("1:12"), {"it is empty"});
}

TEST(ParseEngineId, Forms) {
  EXPECT_EQ(parse_engine_id("0X8000000001020304"), bytes("8000000001020304"));
  EXPECT_EQ(parse_engine_id("80 00 00 00 01"), bytes("8000000001"));
  try {
    parse_engine_id("zz");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "engine ID 'zz': it is not hex octets (two hex digits per octet, optionally \"0x\" "
              "first and ':' or spaces between octets)");
  }
}

TEST_F(ConfigTest, StateDir) {
  EXPECT_EQ(load("state_dir: /var/lib/trapsink\n").state_dir, "/var/lib/trapsink");
  EXPECT_EQ(load("pid_file: /run/trapsink/trapsink.pid\n").pid_file, "/run/trapsink/trapsink.pid");
  EXPECT_EQ(error("pid_file: \"\"\n"), at("1:11") + "pid_file: give a path, or leave the key out");
  EXPECT_EQ(error("state_dir: [a]\n"), at("1:12") + "state_dir: expected a string, got a list");
}

// ---- users_from ----

TEST_F(ConfigTest, UsersFromIsRelativeToTheConfigurationFile) {
  write("a.conf", "createUser ua SHA authpass12\n");
  write("b.conf", "# nothing but\ncreateUser ub MD5 authpass12 DES\n");
  auto o = load("users_from: [a.conf, " + (dir_ / "b.conf").string() + "]\n");
  ASSERT_EQ(o.users.size(), 2u);
  EXPECT_EQ(o.users[0].name, "ua");
  EXPECT_EQ(o.users[0].origin, (dir_ / "a.conf").string() + ":1");
  EXPECT_EQ(o.users[1].name, "ub");
  EXPECT_EQ(o.users[1].origin, (dir_ / "b.conf").string() + ":2");
}

TEST_F(ConfigTest, UsersFromErrors) {
  EXPECT_EQ(error("users_from:\n  - absent.conf\n"), at("2:5") + "users_from: cannot read '" +
                                                         (dir_ / "absent.conf").string() +
                                                         "': No such file or directory");
  EXPECT_EQ(error("users_from: \"\"\n"), at("1:13") + "users_from: the path is empty");
  // An error inside the Net-SNMP file is reported at its own line.
  write("bad.conf", "\n\ncreateUser u SHA short\n");
  EXPECT_EQ(error("users_from: bad.conf\n"),
            (dir_ / "bad.conf").string() +
                ":3: createUser: user 'u': the authentication passphrase is shorter than 8 "
                "characters (Net-SNMP refuses it too; RFC 3414 §11.2 recommends at least 8)");
}

TEST_F(ConfigTest, DuplicateUserNamesNameBothOrigins) {
  write("users.conf", "createUser dup SHA authpass12\n");
  EXPECT_EQ(error("users:\n  - name: dup\nusers_from: users.conf\n"),
            (dir_ / "users.conf").string() + ":1: user 'dup' is already defined at " +
                config_path() +
                ":2; user names must be unique: remove or rename one of them (for one user "
                "sending from several engines, list the engine IDs in engine_ids of a single "
                "user)");
  expect_message(error("users:\n  - name: dup\n  - name: dup\n"), config_path() + ":3: ",
                 {"user 'dup' is already defined at " + config_path() + ":2"});
}

// ---- users ----

TEST_F(ConfigTest, UserKeySources) {
  auto o = load(R"(users:
  - name: m
    auth_protocol: SHA
    auth_master_key: "00:01:02:03:04:05:06:07:08:09:00:01:02:03:04:05:06:07:08:09"
    priv_protocol: DES
    priv_master_key: 0x0001020304050607080900010203040506070809
  - name: l
    auth_protocol: SHA-512
    auth_localized_key: )" +
                std::string(128, 'a') + R"(
    priv_protocol: AES-256
    priv_localized_key: )" +
                std::string(128, 'b') + R"(
    engine_ids: [80001f8880e9630000d61ff449]
)");
  ASSERT_EQ(o.users.size(), 2u);
  EXPECT_EQ(o.users[0].auth_key.how, key_source::kind::master_key);
  EXPECT_EQ(o.users[0].auth_key.key, bytes("0001020304050607080900010203040506070809"));
  EXPECT_EQ(o.users[0].priv, priv_protocol::des);
  EXPECT_EQ(o.users[0].priv_key.how, key_source::kind::master_key);
  EXPECT_EQ(o.users[0].priv_key.key.size(), 20u);
  EXPECT_EQ(o.users[1].auth_key.how, key_source::kind::localized_key);
  EXPECT_EQ(o.users[1].auth_key.key.size(), 64u);
  EXPECT_EQ(o.users[1].priv_key.how, key_source::kind::localized_key);
  EXPECT_EQ(o.users[1].priv_key.key.size(), 64u);
}

TEST_F(ConfigTest, PrivLocalizedKeyMayBeTheCipherKeyItself) {
  // As Net-SNMP's createUser -l: 16 octets for AES with SHA; kept as a 20-octet Kul whose first
  // 16 octets are the key (derive_priv_key uses no more).
  auto o = load(R"(users:
  - name: u
    auth_protocol: SHA
    auth_localized_key: 0x0001020304050607080900010203040506070809
    priv_protocol: AES
    priv_localized_key: 0x00010203040506070809000102030405
    engine_ids: [80001f8880e9630000d61ff449]
)");
  EXPECT_EQ(o.users[0].priv_key.key, bytes("0001020304050607080900010203040500000000"));
  // AES-256 needs more than SHA's 20 octets: only the 20-octet Kul is accepted.
  EXPECT_EQ(error(R"(users:
  - name: u
    auth_protocol: SHA
    auth_passphrase: authpass12
    priv_protocol: AES-256
    priv_localized_key: )" +
                  std::string(64, 'c') + R"(
    engine_ids: [80001f8880e9630000d61ff449]
)"),
            at("6:25") +
                "user 'u': priv_localized_key must be 20 octets (40 hex digits) with "
                "SHA and AES-256, not 32 octets");
}

TEST_F(ConfigTest, UserNameErrors) {
  EXPECT_EQ(error("users:\n  - auth_protocol: SHA\n    auth_passphrase: authpass12\n"),
            at("2:5") + "users: a user needs 'name' (its user name, 1 to 32 octets)");
  const std::string long_name(33, 'n');
  auto msg = error("users:\n  - name: " + long_name + "\n");
  EXPECT_EQ(msg, at("2:11") + "name: a user name is 1 to 32 octets, this one is 33");
  EXPECT_EQ(error("users:\n  - name: \"\"\n"),
            at("2:11") + "name: a user name is 1 to 32 octets, this one is 0");
  EXPECT_EQ(error("users: {name: u}\n"),
            at("1:8") +
                "users: expected a list of users (- name: ..., auth_protocol: ..., ...), "
                "got a map");
  EXPECT_EQ(error("users:\n  - u\n"),
            at("2:5") + "users: each user is a map with at least 'name', not a single value");
}

TEST_F(ConfigTest, UserProtocolErrors) {
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA-3\n    auth_passphrase: "
                  "authpass12\n"),
            at("3:20") +
                "user 'u': auth_protocol 'SHA-3' is not known; use one of MD5, SHA, "
                "SHA-224, SHA-256, SHA-384, SHA-512");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    priv_protocol: blowfish\n    priv_passphrase: privpass12\n"),
            at("5:20") +
                "user 'u': priv_protocol 'blowfish' is not known; use one of DES, 3DES, "
                "AES, AES-192, AES-256, AES-192-C, AES-256-C");
  EXPECT_EQ(error("users:\n  - name: u\n    priv_protocol: AES\n    priv_passphrase: privpass12\n"),
            at("3:20") +
                "user 'u': priv_protocol needs auth_protocol too (USM has no privacy "
                "without authentication): add auth_protocol and an authentication key");
}

TEST_F(ConfigTest, UserKeyErrors) {
  EXPECT_EQ(error("users:\n  - name: u\n    auth_passphrase: authpass12\n"),
            at("3:5") +
                "user 'u': auth_passphrase is given but auth_protocol is not; set "
                "auth_protocol or remove auth_passphrase");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n"),
            at("2:5") +
                "user 'u': auth_protocol SHA needs one of auth_passphrase, "
                "auth_master_key or auth_localized_key");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    priv_protocol: AES\n"),
            at("2:5") +
                "user 'u': priv_protocol AES needs one of priv_passphrase, "
                "priv_master_key or priv_localized_key");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    auth_master_key: 0001020304050607080900010203040506070809\n"),
            at("5:5") +
                "user 'u': give only one of auth_passphrase, auth_master_key and "
                "auth_localized_key (auth_passphrase and auth_master_key are both given)");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    priv_passphrase: privpass12\n"),
            at("5:5") +
                "user 'u': priv_passphrase is given but priv_protocol is not; set "
                "priv_protocol or remove priv_passphrase");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: abc #def\n"),
            at("4:22") +
                "user 'u': auth_passphrase is shorter than 8 characters (Net-SNMP "
                "refuses it too; RFC 3414 §11.2 recommends at least 8); quote it if it "
                "contains \" #\"");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: MD5\n    auth_master_key: "
                  "0001020304050607080900010203040506070809\n"),
            at("4:22") +
                "user 'u': auth_master_key must be 16 octets (32 hex digits) with MD5, "
                "not 20 octets");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    priv_protocol: AES\n    priv_master_key: 000102030405060708090001020304\n"),
            at("6:22") +
                "user 'u': priv_master_key must be 20 octets (40 hex digits) with SHA "
                "and AES, not 15 octets");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_localized_key: xyz\n"),
            at("4:25") +
                "user 'u': auth_localized_key: it is not hex octets (two hex digits per "
                "octet, optionally \"0x\" first and ':' or spaces between octets)");
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: [a, b]\n"),
            at("4:22") + "user 'u': auth_passphrase: expected a string, got a list");
}

TEST_F(ConfigTest, MinLevel) {
  auto o = load(
      "users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
      "    min_level: noauth\n");
  EXPECT_EQ(o.users[0].min_level, security_level::no_auth_no_priv);
  EXPECT_EQ(o.users[0].effective_min_level(), security_level::no_auth_no_priv);
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: authpass12\n"
                  "    min_level: authPriv\n"),
            at("5:16") +
                "user 'u': min_level authPriv is higher than its keys allow "
                "(authNoPriv); add priv_protocol and a privacy key or lower min_level");
  EXPECT_EQ(error("users:\n  - name: u\n    min_level: authNoPriv\n"),
            at("3:16") +
                "user 'u': min_level authNoPriv is higher than its keys allow "
                "(noAuthNoPriv); add auth_protocol and an authentication key or lower "
                "min_level");
  EXPECT_EQ(error("users:\n  - name: u\n    min_level: paranoid\n"),
            at("3:16") +
                "user 'u': min_level 'paranoid' is not one of noAuthNoPriv, authNoPriv, "
                "authPriv");
}

TEST_F(ConfigTest, EngineIdsAndAllowFrom) {
  auto o = load(
      "users:\n  - name: u\n    engine_ids: [80001f8880e9630000d61ff449, "
      "\"0x8000000001020304\", 80001f8880e9630000d61ff449]\n    allow_from: "
      "[10.0.0.0/8, \"::1\"]\n");
  ASSERT_EQ(o.users[0].engine_ids.size(), 2u);  // the repetition is dropped
  EXPECT_EQ(o.users[0].engine_ids[1], bytes("8000000001020304"));
  EXPECT_EQ(o.users[0].allow_from.size(), 2u);
  EXPECT_EQ(error("users:\n  - name: u\n    engine_ids: [\"0x0102\"]\n"),
            at("3:18") +
                "user 'u': engine_ids: '0x0102': an engine ID is 5 to 32 octets (RFC "
                "3411 SnmpEngineID), this one is 2");
  EXPECT_EQ(error("users:\n  - name: u\n    allow_from: [10.0.0.0/8, nowhere]\n"),
            at("3:30") +
                "allow_from: 'nowhere' is not an address or an ADDR/LEN prefix (e.g. "
                "192.0.2.7, 10.0.0.0/8, 2001:db8::/32)");
}

TEST_F(ConfigTest, LocalizedKeyIsBoundToOneEngine) {
  EXPECT_EQ(error("users:\n  - name: u\n    auth_protocol: MD5\n    auth_localized_key: "
                  "000102030405060708090a0b0c0d0e0f\n    engine_ids: [80001f8880e9630000d61ff449,"
                  " 8000000001020304]\n"),
            at("5:17") +
                "user 'u': a localized key is bound to one engine ID, but engine_ids "
                "lists 2; give only the engine ID the key was localized for, or use a "
                "passphrase or master key (localized for each engine)");
}

// ---- secrets ----

TEST_F(ConfigTest, SecretsNeverAppearInMessages) {
  const std::string secret = "Sup3rSecretPassphrase";
  const std::string hex_secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  const std::string users = "users:\n  - name: u\n";
  const std::vector<std::string> broken = {
      // An unknown key that swallowed its value: shown by its start only.
      users + "    {auth_passphrase:" + secret + "}: x\n",
      users + "    auth_passphrase=" + secret + ": x\n",
      users + "    " + secret + "!: x\n",
      users + "    \"" + secret + " with spaces\": x\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n    priv_passphrase: " + secret + "\n",
      users + "    auth_passphrase: " + secret + "\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n    auth_master_key: " + hex_secret + "\n",
      users + "    auth_protocol: SHA\n    auth_master_key: " + hex_secret + "\n",
      users + "    auth_protocol: SHA\n    auth_localized_key: " + secret + "\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n    priv_protocol: AES\n    priv_master_key: " + hex_secret + "00\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n    priv_protocol: AES\n    priv_passphrase: tiny7\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n    min_level: authPriv\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: [" + secret + "]\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: {" + secret + ": 1}\n",
      users + "    auth_protocol: SHA\n    auth_passphrase: \"" + secret + "\"x\n",
      "users:\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: " + secret +
          "\n  - name: u\n    auth_protocol: SHA\n    auth_passphrase: " + secret + "\n",
  };
  for (const auto& yaml : broken) {
    const std::string msg = error(yaml);
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
    EXPECT_EQ(msg.find(hex_secret), std::string::npos) << msg;
    EXPECT_EQ(msg.find("tiny7"), std::string::npos) << msg;
  }
  EXPECT_EQ(error(users + "    \"my " + secret + "\": x\n"),
            at("3:5") +
                "unknown key in a user (not shown: it does not look like a key name and "
                "may be a secret; known keys: name, auth_protocol, auth_passphrase, "
                "auth_master_key, auth_localized_key, priv_protocol, priv_passphrase, "
                "priv_master_key, priv_localized_key, min_level, engine_ids, allow_from, "
                "replay_protection)");
  expect_message(error(users + "    auth_passphrase=" + secret + ": x\n"), at("3:5"),
                 {"unknown key in a user starting with 'auth_passphrase' (the rest is not shown: "
                  "it may be a secret); write 'auth_passphrase: VALUE', with a space after the "
                  "':'"});
}

TEST_F(ConfigTest, DescribeShowsNoSecrets) {
  auto o = load(R"(listen: [udp:0.0.0.0:162]
communities:
  - public
  - name: ops
    allow_from: [10.0.0.0/8]
engine_id: 80001f8804747261707369
users:
  - name: alice
    auth_protocol: SHA-256
    auth_passphrase: alice-auth-pass
    priv_protocol: AES
    priv_master_key: 00000000000000000000000000000000000000000000000000000000000000aa
    engine_ids: [80001f8880e9630000d61ff449]
    allow_from: [192.0.2.0/24]
)");
  const std::string text = describe(o);
  EXPECT_NE(text.find("listen: udp:0.0.0.0:162\n"), std::string::npos) << text;
  EXPECT_NE(text.find("communities: 2 accepted (1 with allow_from)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("engine_id: 80001f8804747261707369\n"), std::string::npos) << text;
  EXPECT_NE(text.find("users: 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  alice: auth SHA-256 (passphrase), priv AES (master key); min level "
                      "authPriv; engine IDs 80001f8880e9630000d61ff449; from 192.0.2.0/24; "
                      "defined at " +
                      config_path() + ":8\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("alice-auth-pass"), std::string::npos) << text;
  EXPECT_EQ(text.find("00aa"), std::string::npos) << text;
}

}  // namespace
}  // namespace trapsink::config::test
