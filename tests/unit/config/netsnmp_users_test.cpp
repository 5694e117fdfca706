// Net-SNMP createUser lines (snmpd.conf(5), snmptrapd.conf(5)).
#include "config/netsnmp_users.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using snmp::usm::auth_protocol;
using snmp::usm::key_source;
using snmp::usm::priv_protocol;
using snmp::usm::security_level;
using snmp::usm::user_config;

std::vector<user_config> parse(std::string_view text, std::size_t* skipped = nullptr) {
  return parse_netsnmp_users(text, "snmptrapd.conf", skipped);
}

std::string error(std::string_view text) {
  try {
    parse(text);
  } catch (const config_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

// ---- real-world lines ----

TEST(NetSnmpUsers, QuotedPassphrases) {
  auto users = parse("createUser myuser SHA \"my auth pass\" AES \"my priv pass\"\n");
  ASSERT_EQ(users.size(), 1u);
  const auto& u = users[0];
  EXPECT_EQ(u.name, "myuser");
  EXPECT_EQ(u.origin, "snmptrapd.conf:1");
  EXPECT_EQ(u.auth, auth_protocol::sha1);
  EXPECT_EQ(u.auth_key.how, key_source::kind::passphrase);
  EXPECT_EQ(u.auth_key.passphrase, "my auth pass");
  EXPECT_EQ(u.priv, priv_protocol::aes128);
  EXPECT_EQ(u.priv_key.how, key_source::kind::passphrase);
  EXPECT_EQ(u.priv_key.passphrase, "my priv pass");
  EXPECT_TRUE(u.engine_ids.empty());
  EXPECT_FALSE(u.min_level.has_value());
  EXPECT_EQ(u.effective_min_level(), security_level::auth_priv);
}

TEST(NetSnmpUsers, EngineIdPinsAndPrivPassphraseDefaultsToAuth) {
  auto users = parse("createUser -e 0x8000000001020304 traptest SHA mypassword AES\n");
  ASSERT_EQ(users.size(), 1u);
  const auto& u = users[0];
  EXPECT_EQ(u.name, "traptest");
  ASSERT_EQ(u.engine_ids.size(), 1u);
  EXPECT_EQ(u.engine_ids[0], bytes("8000000001020304"));
  EXPECT_EQ(u.auth_key.passphrase, "mypassword");
  EXPECT_EQ(u.priv, priv_protocol::aes128);
  // Net-SNMP: "If the privacy passphrase is not specified, it is assumed to be the same as the
  // authentication passphrase."
  EXPECT_EQ(u.priv_key.how, key_source::kind::passphrase);
  EXPECT_EQ(u.priv_key.passphrase, "mypassword");
}

TEST(NetSnmpUsers, Sha512Aes256) {
  auto users =
      parse("createUser -e 0x80001f88804a7c4b11 user1 SHA-512 authpass12 AES-256 privpass12\n");
  ASSERT_EQ(users.size(), 1u);
  const auto& u = users[0];
  EXPECT_EQ(u.name, "user1");
  EXPECT_EQ(u.engine_ids[0], bytes("80001f88804a7c4b11"));
  EXPECT_EQ(u.auth, auth_protocol::sha512);
  EXPECT_EQ(u.auth_key.passphrase, "authpass12");
  EXPECT_EQ(u.priv, priv_protocol::aes256);
  EXPECT_EQ(u.priv_key.passphrase, "privpass12");
}

TEST(NetSnmpUsers, ManPageLocalizedKeys) {
  // snmpd.conf(5): the -l example.
  auto users = parse(
      "createUser myuser SHA -l 0x0001020304050607080900010203040506070809 AES -l "
      "0x00010203040506070809000102030405\n");
  ASSERT_EQ(users.size(), 1u);
  const auto& u = users[0];
  EXPECT_EQ(u.auth_key.how, key_source::kind::localized_key);
  EXPECT_EQ(u.auth_key.key, bytes("0001020304050607080900010203040506070809"));
  EXPECT_EQ(u.priv_key.how, key_source::kind::localized_key);
  // The AES key itself (16 octets), kept as a 20-octet Kul whose first 16 octets are used.
  EXPECT_EQ(u.priv_key.key, bytes("0001020304050607080900010203040500000000"));
  // A localized key without -e is for trapsink's own engine ID: it must be a fixed one.
  auto o = receiver::default_server_options();
  o.users = users;
  EXPECT_THROW(validate(o), config_error);
  o.state_dir = "/var/lib/trapsink";
  EXPECT_NO_THROW(validate(o));
}

TEST(NetSnmpUsers, ManPageMasterKeys) {
  // snmpd.conf(5): the -m example.
  auto users = parse(
      "createUser myuser SHA -m 0x0001020304050607080900010203040506070809 AES -m "
      "0x0001020304050607080900010203040506070809\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].auth_key.how, key_source::kind::master_key);
  EXPECT_EQ(users[0].auth_key.key, bytes("0001020304050607080900010203040506070809"));
  EXPECT_EQ(users[0].priv_key.how, key_source::kind::master_key);
  EXPECT_EQ(users[0].priv_key.key, bytes("0001020304050607080900010203040506070809"));
}

TEST(NetSnmpUsers, PrivKeyDefaultsToTheAuthKey) {
  auto users = parse("createUser k SHA -m 0x0001020304050607080900010203040506070809 DES\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].priv, priv_protocol::des);
  EXPECT_EQ(users[0].priv_key.how, key_source::kind::master_key);
  EXPECT_EQ(users[0].priv_key.key, users[0].auth_key.key);
}

TEST(NetSnmpUsers, SecurityLevels) {
  auto users = parse("createUser nobody\ncreateUser authonly MD5 authpass12\n");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].auth, auth_protocol::none);
  EXPECT_EQ(users[0].max_level(), security_level::no_auth_no_priv);
  EXPECT_EQ(users[1].auth, auth_protocol::md5);
  EXPECT_EQ(users[1].priv, priv_protocol::none);
  EXPECT_EQ(users[1].max_level(), security_level::auth_no_priv);
  EXPECT_EQ(users[1].origin, "snmptrapd.conf:2");
}

TEST(NetSnmpUsers, CommentsBlankLinesAndOtherDirectives) {
  std::size_t skipped = 99;
  auto users = parse(R"(# snmptrapd.conf

authCommunity log,execute,net public
disableAuthorization yes
   # an indented comment
createUser u1 SHA authpass12   # a comment after the passphrase
[snmp] createUser u2 SHA "pass#word12"
authUser log,execute u1
traphandle default /usr/bin/logger
)",
                     &skipped);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "u1");
  EXPECT_EQ(users[0].auth_key.passphrase, "authpass12");
  EXPECT_EQ(users[0].origin, "snmptrapd.conf:6");
  EXPECT_EQ(users[1].name, "u2");
  EXPECT_EQ(users[1].auth_key.passphrase, "pass#word12");
  EXPECT_EQ(users[1].origin, "snmptrapd.conf:7");
  EXPECT_EQ(skipped, 4u);
  EXPECT_TRUE(parse("", &skipped).empty());
  EXPECT_EQ(skipped, 0u);
}

TEST(NetSnmpUsers, StoredUsmUserLinesAreSkipped) {
  std::size_t skipped = 0;
  auto users = parse(
      "usmUser 1 3 0x80001f8880 \"u\" \"u\" NULL .1.3.6.1.6.3.10.1.1.3 0x0102 "
      ".1.3.6.1.6.3.10.1.2.4 0x0304 \"\"\n",
      &skipped);
  EXPECT_TRUE(users.empty());
  EXPECT_EQ(skipped, 1u);
}

TEST(NetSnmpUsers, QuotingAndEscapes) {
  auto users = parse(
      "createUser 'q user' SHA 'pass with \\'quote\\'' DES \"a\\\"b c d e f\"\n"
      "createUser esc SHA pass\\ word12\n"
      "createUser tabs\tSHA\tauthpass12\r\n");
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].name, "q user");
  EXPECT_EQ(users[0].auth_key.passphrase, "pass with 'quote'");
  EXPECT_EQ(users[0].priv_key.passphrase, "a\"b c d e f");
  EXPECT_EQ(users[1].auth_key.passphrase, "pass word12");
  EXPECT_EQ(users[2].name, "tabs");
  EXPECT_EQ(users[2].auth_key.passphrase, "authpass12");  // no '\r'
}

TEST(NetSnmpUsers, CaseInsensitiveDirectiveAndProtocols) {
  auto users = parse("CREATEUSER u sha-256 authpass12 aes-192\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].auth, auth_protocol::sha256);
  EXPECT_EQ(users[0].priv, priv_protocol::aes192);
}

TEST(NetSnmpUsers, ProtocolsBeyondNetSnmp) {
  auto users = parse(
      "createUser a SHA-224 authpass12 3DES privpass12\n"
      "createUser b SHA-384 authpass12 AES-192-C privpass12\n"
      "createUser c SHA-256 authpass12 AES-256-C\n");
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].auth, auth_protocol::sha224);
  EXPECT_EQ(users[0].priv, priv_protocol::des3);
  EXPECT_EQ(users[1].auth, auth_protocol::sha384);
  EXPECT_EQ(users[1].priv, priv_protocol::aes192_reeder);
  EXPECT_EQ(users[2].priv, priv_protocol::aes256_reeder);
}

TEST(NetSnmpUsers, KeepMasterKeyFlagIsAccepted) {
  auto users = parse("createUser -M -e 0x8000000001020304 u SHA authpass12\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "u");
  EXPECT_EQ(users[0].engine_ids.size(), 1u);
}

TEST(NetSnmpUsers, SameUserForSeveralEnginesIsOneUser) {
  auto users = parse(
      "createUser -e 0x8000000001020304 traps SHA authpass12 AES privpass12\n"
      "createUser -e 0x8000000001020305 traps SHA authpass12 AES privpass12\n"
      "createUser -e 0x8000000001020304 traps SHA authpass12 AES privpass12\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].origin, "snmptrapd.conf:1");
  ASSERT_EQ(users[0].engine_ids.size(), 2u);
  EXPECT_EQ(users[0].engine_ids[1], bytes("8000000001020305"));
}

// ---- errors ----

TEST(NetSnmpUsers, DuplicateUsers) {
  EXPECT_EQ(error("createUser dup SHA authpass12\n\ncreateUser dup SHA authpass12\n"),
            "snmptrapd.conf:3: createUser: user 'dup' is already defined at snmptrapd.conf:1; "
            "user names must be unique: remove or rename one of the lines");
  EXPECT_EQ(error("createUser -e 0x8000000001020304 dup SHA authpass12\n"
                  "createUser -e 0x8000000001020305 dup SHA otherpass12\n"),
            "snmptrapd.conf:2: createUser: user 'dup' is already defined at snmptrapd.conf:1 "
            "with other protocols or secrets; trapsink keeps one set of secrets per user name "
            "(lines for one user with different -e engine IDs must have the same protocols and "
            "passphrases or master keys, and then make one user pinned to those engine IDs): "
            "rename one of the users");
  // Localized keys are for one engine each: never folded.
  expect_message(error("createUser -e 0x8000000001020304 l MD5 -l "
                       "0x000102030405060708090a0b0c0d0e0f\ncreateUser -e 0x8000000001020305 l MD5 "
                       "-l 0x000102030405060708090a0b0c0d0e0f\n"),
                 "snmptrapd.conf:2: createUser: user 'l' is already defined at snmptrapd.conf:1",
                 {});
}

TEST(NetSnmpUsers, MalformedLines) {
  const std::string form =
      "createUser [-e ENGINEID] NAME [AUTHPROTOCOL AUTHPASS [PRIVPROTOCOL [PRIVPASS]]]";
  const std::string auth_names = "MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512";
  const std::string priv_names = "DES, 3DES, AES, AES-192, AES-256, AES-192-C, AES-256-C";
  const std::string hex_form =
      "it is not hex octets (two hex digits per octet, optionally \"0x\" first and ':' or "
      "spaces between octets)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"createUser", "no user name; the form is " + form},
      {"createUser -e", "-e needs an engine ID in hex, e.g. -e 0x8000000001020304"},
      {"createUser -e 0x01020304 bob",
       "-e '0x01020304': an engine ID is 5 to 32 octets (RFC 3411 SnmpEngineID), this one is 4"},
      {"createUser -e engine bob", "-e 'engine': " + hex_form},
      {"createUser -e 0x8000000001020304", "no user name; the form is " + form},
      {"createUser -x bob SHA authpass12",
       "only -e ENGINEID may come before the user name; the form is " + form},
      {"createUser \"\" SHA authpass12", "the user name is empty; a user name is 1 to 32 octets"},
      {"createUser " + std::string(33, 'n') + " SHA authpass12",
       "the user name is longer than 32 octets (usmUserName is 1 to 32 octets)"},
      {"createUser bob SHA-3 authpass12",
       "user 'bob': the word after the user name must be an authentication protocol (" +
           auth_names + ")"},
      {"createUser bob none",
       "user 'bob': the word after the user name must be an "
       "authentication protocol (" +
           auth_names + ")"},
      {"createUser bob SHA",
       "user 'bob': SHA needs an authentication passphrase (or -m or -l and a key in hex) after "
       "it"},
      {"createUser bob SHA short",
       "user 'bob': the authentication passphrase is shorter than 8 characters (Net-SNMP refuses "
       "it too; RFC 3414 §11.2 recommends at least 8)"},
      {"createUser bob SHA authpass12 AES tiny",
       "user 'bob': the privacy passphrase is shorter than 8 characters (Net-SNMP refuses it "
       "too; RFC 3414 §11.2 recommends at least 8)"},
      {"createUser bob SHA authpass12 pass AES",
       "user 'bob': the word after the authentication passphrase must be a privacy protocol (" +
           priv_names + "); quote a passphrase that contains spaces"},
      {"createUser bob SHA authpass12 AES privpass12 extra",
       "user 'bob': unexpected words after the privacy passphrase; quote a passphrase that "
       "contains spaces"},
      {"createUser bob SHA -m",
       "user 'bob': -m needs the authentication master key in hex after it"},
      {"createUser bob SHA authpass12 AES -l",
       "user 'bob': -l needs the privacy localized key in hex after it"},
      {"createUser bob SHA -l 0xzz",
       "user 'bob': the authentication localized key after -l: " + hex_form},
      {"createUser bob MD5 -m 0x0001020304050607080900010203040506070809",
       "user 'bob': the authentication master key must be 16 octets (32 hex digits) with MD5, "
       "not 20 octets"},
      {"createUser bob SHA authpass12 AES -l 0x0001",
       "user 'bob': the privacy localized key must be 20 or 16 octets (40 or 32 hex digits) with "
       "SHA and AES, not 2 octets"},
      {"createUser bob SHA authpass12 AES -m 0x00010203040506070809000102030405",
       "user 'bob': the privacy master key must be 20 octets (40 hex digits) with SHA and AES, "
       "not 16 octets"},
      {"createUser bob SHA \"authpass12",
       "a quoted word has no closing quote (a quote inside a passphrase is written \\\" or \\')"},
  };
  for (const auto& [line, why] : cases) {
    EXPECT_EQ(error("# users\n" + line + "\n"), "snmptrapd.conf:2: createUser: " + why) << line;
  }
}

TEST(NetSnmpUsers, SecretsNeverAppearInMessages) {
  const std::string secret = "Sup3rSecretPassphrase";
  const std::string hex_secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  for (const std::string& line : {
           "createUser bob " + secret,  // the protocol forgotten: the passphrase is in its place
           "createUser bob SHA " + secret + " " + secret,
           "createUser bob SHA " + secret + " AES " + secret + " " + secret,
           "createUser bob SHA \"" + secret,
           "createUser bob SHA -m 0x" + hex_secret,
           "createUser bob SHA -l 0x" + hex_secret + "zz",
           "createUser bob SHA " + secret + " AES -m 0x" + hex_secret,
           "createUser bob SHA " + secret + "\ncreateUser bob MD5 " + secret,
       }) {
    const std::string msg = error(line + "\n");
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
    EXPECT_EQ(msg.find(hex_secret), std::string::npos) << msg;
  }
}

// ---- files ----

using NetSnmpUsersFile = ConfigTest;

TEST_F(NetSnmpUsersFile, ReadsAFile) {
  const auto path =
      write("snmptrapd.conf", "createUser -e 0x8000000001020304 traptest SHA mypassword AES\n");
  std::size_t skipped = 7;
  auto users = read_netsnmp_users(path, &skipped);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].origin, path + ":1");
  EXPECT_EQ(skipped, 0u);
}

TEST_F(NetSnmpUsersFile, MissingFile) {
  const std::string path = (dir_ / "absent.conf").string();
  try {
    read_netsnmp_users(path);
    FAIL() << "accepted a missing file";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot read: No such file or directory");
  }
}

}  // namespace
}  // namespace trapsink::config::test
