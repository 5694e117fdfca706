// validate(): the whole-configuration checks run after the file and the flags; and the example
// configuration in deploy/.
#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "config/netsnmp_users.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using snmp::usm::auth_protocol;
using snmp::usm::key_source;
using snmp::usm::priv_protocol;
using snmp::usm::user_config;

user_config localized_user() {
  user_config u;
  u.name = "loc";
  u.origin = "users.conf:3";
  u.auth = auth_protocol::md5;
  u.auth_key.how = key_source::kind::localized_key;
  u.auth_key.key = bytes("000102030405060708090a0b0c0d0e0f");
  return u;
}

TEST(Validate, DefaultsAreValid) {
  auto o = receiver::default_server_options();
  EXPECT_NO_THROW(validate(o));
}

TEST(Validate, NeedsAListener) {
  auto o = receiver::default_server_options();
  o.listeners.clear();
  EXPECT_EQ(validate_error(o),
            "no listen address: give at least one (--listen udp:ADDR:PORT, or 'listen:' in the "
            "configuration file)");
}

TEST(Validate, LocalizedKeyNeedsAFixedEngineId) {
  auto o = receiver::default_server_options();
  o.users = {localized_user()};
  EXPECT_EQ(validate_error(o),
            "users.conf:3: user 'loc' has a localized key but no engine ID, so the key is taken "
            "as localized for trapsink's own engine ID, yet neither engine_id nor state_dir is "
            "set and that engine ID would change at every start: set engine_id (the one the key "
            "was localized for) or state_dir, or pin the user to the key's engine ID "
            "(engine_ids, or createUser -e)");
  auto with_state = o;
  with_state.state_dir = "/var/lib/trapsink";
  EXPECT_NO_THROW(validate(with_state));
  auto with_engine = o;
  with_engine.engine_id = bytes("80001f8804747261707369");
  EXPECT_NO_THROW(validate(with_engine));
  auto pinned = o;
  pinned.users[0].engine_ids = {bytes("8000000001020304")};
  EXPECT_NO_THROW(validate(pinned));
  pinned.users[0].engine_ids.push_back(bytes("8000000001020305"));
  EXPECT_EQ(validate_error(pinned),
            "users.conf:3: user 'loc': a localized key is bound to one engine ID, but 2 engine "
            "IDs are given; give only the engine ID the key was localized for, or use a "
            "passphrase or master key");
}

TEST(Validate, DuplicateNamesAcrossTheFileAndUsersFromFlags) {
  auto o = receiver::default_server_options();
  o.users = parse_netsnmp_users("createUser dup SHA authpass12\n", "/etc/trapsink/users.conf");
  for (auto& u : parse_netsnmp_users("\ncreateUser dup MD5 authpass12\n", "snmptrapd.conf")) {
    o.users.push_back(u);
  }
  EXPECT_EQ(validate_error(o),
            "snmptrapd.conf:2: user 'dup' is already defined at /etc/trapsink/users.conf:1; user "
            "names must be unique: remove or rename one of them (for one user sending from "
            "several engines, list the engine IDs in engine_ids of a single user)");
}

TEST(Validate, PrivacyProtocolsAreCheckedAtConfigurationTime) {
  // DES needs OpenSSL's legacy provider: validate() loads it, and either the user is accepted
  // or refused now, naming the user, where it is defined and why (never at packet time).
  for (auto priv :
       {priv_protocol::des, priv_protocol::des3, priv_protocol::aes128, priv_protocol::aes192,
        priv_protocol::aes256, priv_protocol::aes192_reeder, priv_protocol::aes256_reeder}) {
    auto o = receiver::default_server_options();
    o.users = parse_netsnmp_users(
        "createUser u SHA authpass12 " + std::string(snmp::usm::name(priv)) + " privpass12\n",
        "snmptrapd.conf");
    try {
      validate(o);
      EXPECT_EQ(snmp::usm::availability_error(priv), "") << snmp::usm::name(priv);
    } catch (const config_error& e) {
      const std::string why = snmp::usm::availability_error(priv);
      ASSERT_NE(why, "") << e.what();
      EXPECT_EQ(std::string(e.what()), "snmptrapd.conf:1: user 'u': privacy protocol " +
                                           std::string(snmp::usm::name(priv)) +
                                           " cannot be used: " + why);
    }
  }
}

TEST(Validate, ExampleConfigurationLoadsAndValidates) {
  const std::string path = std::string(TRAPSINK_SOURCE_DIR) + "/deploy/trapsink.example.yaml";
  auto o = receiver::default_server_options();
  ASSERT_NO_THROW(apply_config_file(path, o));
  EXPECT_NO_THROW(validate(o));
  EXPECT_FALSE(o.users.empty());
  const std::string text = describe(o);
  EXPECT_NE(text.find("users: "), std::string::npos);
}

}  // namespace
}  // namespace trapsink::config::test
