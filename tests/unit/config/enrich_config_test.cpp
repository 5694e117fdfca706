// `enrich` and `enrich_options`: every key, the defaults, and every error's place and message.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;
using snmp::usm::auth_protocol;
using snmp::usm::priv_protocol;
using snmp::usm::security_level;

TEST_F(ConfigTest, EnrichEveryKey) {
  auto o = load(R"(enrich:
  - name: ifnames
    match: {trap: [IF-MIB::linkDown, 1.3.6.1.6.3.1.1.5.4], sources: [10.0.0.0/8]}
    index_from: IF-MIB::ifIndex
    get: [IF-MIB::ifName, IF-MIB::ifDescr]
    target: {port: 1161, version: 2c, community: n0c}
    timeout: 500ms
    retries: 3
  - get: 1.3.6.1.2.1.1.5.0
    target:
      version: 3
      user: ops
      auth_protocol: SHA-256
      auth_passphrase: auth-pass-1
      priv_protocol: AES
      priv_passphrase: priv-pass-1
      level: authNoPriv
      context: ctx
enrich_options:
  max_in_flight_per_agent: 8
  max_queued_per_agent: 50
  cache_ttl: 10m
  max_cache_entries: 1000
  max_pending: 2000
)");
  ASSERT_EQ(o.enrich.size(), 2u);
  const auto& a = o.enrich[0];
  EXPECT_EQ(a.name, "ifnames");
  EXPECT_EQ(a.origin, at("2:5").substr(0, at("2:5").size() - 2));
  ASSERT_EQ(a.traps.size(), 2u);
  EXPECT_EQ(a.traps[0].text, "IF-MIB::linkDown");
  EXPECT_EQ(a.traps[0].origin + ": ", at("3:20"));
  EXPECT_EQ(a.traps[1].text, "1.3.6.1.6.3.1.1.5.4");
  ASSERT_EQ(a.sources.size(), 1u);
  ASSERT_TRUE(a.index_from);
  EXPECT_EQ(a.index_from->text, "IF-MIB::ifIndex");
  ASSERT_EQ(a.get.size(), 2u);
  EXPECT_EQ(a.get[1].text, "IF-MIB::ifDescr");
  EXPECT_EQ(a.port, 1161);
  EXPECT_EQ(a.security.version, snmp::message::version::v2c);
  EXPECT_EQ(a.security.community, "n0c");
  EXPECT_EQ(a.timeout, 500ms);
  EXPECT_EQ(a.retries, 3);

  const auto& b = o.enrich[1];
  EXPECT_EQ(b.name, "enrich2");
  EXPECT_TRUE(b.traps.empty());
  EXPECT_FALSE(b.index_from);
  ASSERT_EQ(b.get.size(), 1u);
  EXPECT_EQ(b.port, 161);
  EXPECT_EQ(b.timeout, 1000ms);
  EXPECT_EQ(b.retries, 1);
  EXPECT_EQ(b.security.version, snmp::message::version::v3);
  EXPECT_EQ(b.security.user, "ops");
  EXPECT_EQ(b.security.auth, auth_protocol::sha256);
  EXPECT_EQ(b.security.priv, priv_protocol::aes128);
  EXPECT_EQ(b.security.auth_passphrase, "auth-pass-1");
  EXPECT_EQ(b.security.level, security_level::auth_no_priv);
  EXPECT_EQ(b.security.context, "ctx");

  EXPECT_EQ(o.enrich_options.max_in_flight_per_agent, 8u);
  EXPECT_EQ(o.enrich_options.max_queued_per_agent, 50u);
  EXPECT_EQ(o.enrich_options.cache_ttl, 10min);
  EXPECT_EQ(o.enrich_options.max_cache_entries, 1000u);
  EXPECT_EQ(o.enrich_options.max_pending, 2000u);
}

TEST_F(ConfigTest, EnrichDefaults) {
  auto o = load("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n");
  ASSERT_EQ(o.enrich.size(), 1u);
  EXPECT_EQ(o.enrich[0].security.version, snmp::message::version::v2c);
  EXPECT_EQ(o.enrich[0].security.community, "public");
  const pipeline::enrich_options d;
  EXPECT_EQ(o.enrich_options.max_in_flight_per_agent, 4u);
  EXPECT_EQ(o.enrich_options.max_queued_per_agent, 1000u);
  EXPECT_EQ(o.enrich_options.cache_ttl, 5min);
  EXPECT_EQ(o.enrich_options.max_pending, d.max_pending);
  EXPECT_TRUE(load("").enrich.empty());
}

TEST_F(ConfigTest, EnrichErrorsNameTheirPlace) {
  expect_message(error("enrich: {name: x}\n"), at("1:9"), {"enrich: expected a list of rules"});
  expect_message(error("enrich:\n  - name: x\n"), at("2:5"), {"enrich rule 'x': give 'get'"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    colour: red\n"), at("3:5"),
                 {"unknown key 'colour' in an enrich rule"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    match: {trp: [x]}\n"),
                 at("3:13"), {"unknown key 'trp'", "did you mean 'trap'?"});
  expect_message(
      error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    match: {sources: [10.0.0.300/8]}\n"),
      at("3:23"), {"'10.0.0.300/8' is not an address"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 4}\n"),
                 at("3:23"), {"version '4' is not 1, 2c or 3"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {port: 70000}\n"),
                 at("3:20"), {"port: 70000 is out of range"});
  expect_message(
      error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3, community: x}\n"),
      at("3:37"), {"community is for versions 1 and 2c"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {user: ops}\n"),
                 at("3:20"), {"user is for version 3"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3}\n"),
                 at("3:13"), {"version 3 needs 'user'"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3, user: u, "
                       "auth_protocol: SHA}\n"),
                 at("3:13"), {"auth_protocol needs auth_passphrase"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3, user: u, "
                       "auth_protocol: SHA, auth_passphrase: s3cr3t}\n"),
                 at("3:72"), {"auth_passphrase is shorter than 8 characters"});
  EXPECT_EQ(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3, user: u, "
                  "auth_protocol: SHA, auth_passphrase: s3cr3t}\n")
                .find("s3cr3t"),
            std::string::npos);
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    target: {version: 3, user: u, "
                       "level: authPriv}\n"),
                 at("3:42"), {"level authPriv needs auth_protocol"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    timeout: 2m\n"), at("3:14"),
                 {"timeout"});
  expect_message(error("enrich:\n  - get: [1.3.6.1.2.1.1.5.0]\n    retries: 11\n"), at("3:14"),
                 {"retries: 11 is out of range"});
  expect_message(error("enrich:\n  - {name: a, get: [1.3.6.1.2.1.1.5.0]}\n"
                       "  - {name: a, get: [1.3.6.1.2.1.1.6.0]}\n"),
                 at("3:5"), {"two rules are named 'a'"});
  expect_message(error("enrich_options: {max_pending: 0}\n"), at("1:31"),
                 {"max_pending: 0 is out of range"});
  expect_message(error("enrich_options: {cache: 5m}\n"), at("1:18"),
                 {"unknown key 'cache' in enrich_options"});
}

}  // namespace
}  // namespace trapsink::config::test
