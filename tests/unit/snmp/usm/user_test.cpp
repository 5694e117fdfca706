// USM user helpers: RFC 3411 SecurityLevel names.
#include "snmp/usm/user.hpp"

#include <gtest/gtest.h>

namespace trapsink::snmp::usm {
namespace {

TEST(UsmUser, SecurityLevelNamesParseBack) {
  for (auto l :
       {security_level::no_auth_no_priv, security_level::auth_no_priv, security_level::auth_priv}) {
    EXPECT_EQ(parse_security_level(name(l)), l) << name(l);
  }
}

TEST(UsmUser, SecurityLevelIsCaseInsensitiveAndTakesNetSnmpShortForms) {
  EXPECT_EQ(parse_security_level("NOAUTHNOPRIV"), security_level::no_auth_no_priv);
  EXPECT_EQ(parse_security_level("authnopriv"), security_level::auth_no_priv);
  EXPECT_EQ(parse_security_level("AuthPriv"), security_level::auth_priv);
  EXPECT_EQ(parse_security_level("noauth"), security_level::no_auth_no_priv);
  EXPECT_EQ(parse_security_level("auth"), security_level::auth_no_priv);
  EXPECT_EQ(parse_security_level("priv"), security_level::auth_priv);
  EXPECT_EQ(parse_security_level("PRIV"), security_level::auth_priv);
}

TEST(UsmUser, UnknownSecurityLevelsAreRejected) {
  for (const char* s : {"", "none", "authpriv ", " auth", "noauthpriv", "privacy", "3", "ap"}) {
    EXPECT_FALSE(parse_security_level(s).has_value()) << '"' << s << '"';
  }
}

TEST(UsmUser, MaxAndEffectiveMinLevel) {
  user_config u;
  EXPECT_EQ(u.max_level(), security_level::no_auth_no_priv);
  u.auth = auth_protocol::sha256;
  EXPECT_EQ(u.max_level(), security_level::auth_no_priv);
  u.priv = priv_protocol::aes128;
  EXPECT_EQ(u.max_level(), security_level::auth_priv);
  EXPECT_EQ(u.effective_min_level(), security_level::auth_priv);
  u.min_level = security_level::auth_no_priv;
  EXPECT_EQ(u.effective_min_level(), security_level::auth_no_priv);
}

}  // namespace
}  // namespace trapsink::snmp::usm
