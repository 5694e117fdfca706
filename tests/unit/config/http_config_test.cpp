// The `http:` key: listen, token, token_file, limits; a non-loopback address needs a token.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

TEST_F(ConfigTest, HttpMapWithEveryKey) {
  {
    std::ofstream f(dir_ / "http.token");
    f << "t0k-en\n";
  }
  auto o = load(R"(http:
  listen: "[::]:9100"
  token_file: http.token
  max_connections: 8
  max_stream_clients: 2
)");
  ASSERT_TRUE(o.http);
  EXPECT_EQ(o.http->listen.to_string(), "[::]:9100");
  EXPECT_EQ(o.http->token_file, (dir_ / "http.token").string());  // relative to the file
  EXPECT_EQ(o.http->max_connections, 8u);
  EXPECT_EQ(o.http->max_stream_clients, 2u);
  validate(o);
  EXPECT_EQ(o.http->token, "t0k-en");  // read by validate, without the newline
  EXPECT_NE(describe(o).find("http: http://[::]:9100/ (bearer token required)"), std::string::npos)
      << describe(o);
  EXPECT_EQ(describe(o).find("t0k-en"), std::string::npos);
}

TEST_F(ConfigTest, HttpDefaultsAndOff) {
  auto o = load("http: {}\n");
  ASSERT_TRUE(o.http);
  EXPECT_EQ(o.http->listen.to_string(), "127.0.0.1:8162");
  EXPECT_TRUE(o.http->token.empty());
  validate(o);
  EXPECT_NE(describe(o).find("http: http://127.0.0.1:8162/ (no token)"), std::string::npos);
  auto off = load("listen: [udp:127.0.0.1:1162]\n");
  EXPECT_FALSE(off.http);
  validate(off);
  EXPECT_NE(describe(off).find("http: off"), std::string::npos);
}

TEST_F(ConfigTest, HttpNonLoopbackWithoutATokenIsRefused) {
  auto o = load("http:\n  listen: 0.0.0.0:8162\n");
  expect_message(
      validate_error(o), at("2:3"),
      {"http: listen 0.0.0.0:8162 is not a loopback address", "token_file", "listen on 127.0.0.1"});
  o = load("http:\n  listen: 0.0.0.0:8162\n  token: abc\n");
  validate(o);
}

TEST_F(ConfigTest, HttpErrorsHaveTheirLocation) {
  expect_message(error("http: 8162\n"), at("1:7"), {"http: expected a map"});
  expect_message(error("http:\n  listen: host.example:80\n"), at("2:11"),
                 {"http.listen:", "not an IP address"});
  expect_message(error("http:\n  lisen: 127.0.0.1:1\n"), at("2:3"),
                 {"unknown key 'lisen' in http", "did you mean 'listen'?"});
  expect_message(error("http:\n  token: 'a b'\n"), at("2:10"), {"http.token:", "space"});
  expect_message(error("http:\n  token: a\n  token_file: t\n"), at("2:3"),
                 {"give token or token_file, not both"});
  expect_message(error("http:\n  max_connections: 0\n"), at("2:20"), {"max_connections"});
  auto o = load("http:\n  token_file: /nonexistent/http.token\n");
  expect_message(validate_error(o), at("2:3"), {"cannot read the HTTP token file"});
}

}  // namespace
}  // namespace trapsink::config::test
