#include "http/http_options.hpp"

#include <gtest/gtest.h>

namespace trapsink::http {
namespace {

TEST(HttpOptions, ParsesEndpoints) {
  EXPECT_EQ(parse_http_endpoint("127.0.0.1:8162").to_string(), "127.0.0.1:8162");
  EXPECT_EQ(parse_http_endpoint("[::1]:9000").to_string(), "[::1]:9000");
  EXPECT_EQ(parse_http_endpoint("0.0.0.0").to_string(), "0.0.0.0:8162");
  EXPECT_EQ(parse_http_endpoint("::1").to_string(), "[::1]:8162");
  EXPECT_EQ(parse_http_endpoint(":0").to_string(), "127.0.0.1:0");
  for (const char* bad :
       {"localhost:8162", "127.0.0.1:", "127.0.0.1:65536", "[::1", "[::1]x", "1.2.3.4:http"}) {
    EXPECT_THROW(parse_http_endpoint(bad), http_config_error) << bad;
  }
}

TEST(HttpOptions, NonLoopbackNeedsAToken) {
  http_options o;
  EXPECT_NO_THROW(validate(o));
  o.listen = parse_http_endpoint("[::1]:1");
  EXPECT_TRUE(o.listen.loopback());
  o.listen = parse_http_endpoint("127.3.2.1:1");
  EXPECT_TRUE(o.listen.loopback());
  o.listen = parse_http_endpoint("0.0.0.0:8162");
  EXPECT_FALSE(o.listen.loopback());
  try {
    validate(o);
    FAIL() << "accepted 0.0.0.0 without a token";
  } catch (const http_config_error& e) {
    EXPECT_NE(std::string(e.what()).find("token_file"), std::string::npos) << e.what();
  }
  o.token = "abc";
  EXPECT_NO_THROW(validate(o));
  o.token = "a b";
  EXPECT_THROW(validate(o), http_config_error);
}

TEST(HttpOptions, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", "secre"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal("", ""));
  // A presented value that repeats the token is not the token.
  EXPECT_FALSE(constant_time_equal("ab", "abab"));
}

}  // namespace
}  // namespace trapsink::http
