// user, group, log_format, log_file, log_level (docs/configuration.md#user-group,
// #log_format-log_file-log_level).
#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using ServiceConfigTest = ConfigTest;

TEST_F(ServiceConfigTest, KeysAreRead) {
  const auto o = load(
      "user: root\ngroup: \"0\"\nlog_format: json\nlog_file: /tmp/t.log\n"
      "log_level: debug\n");
  EXPECT_EQ(o.user, "root");
  EXPECT_EQ(o.group, "0");
  EXPECT_EQ(o.logging.format, "json");
  EXPECT_EQ(o.logging.file, "/tmp/t.log");
  EXPECT_EQ(o.logging.level, "debug");
  const auto d = load("listen: [udp:127.0.0.1:0]\n");
  EXPECT_EQ(d.user, "");
  EXPECT_FALSE(d.logging.format.has_value());
  EXPECT_FALSE(d.logging.file.has_value());
  EXPECT_FALSE(d.logging.level.has_value());
}

TEST_F(ServiceConfigTest, BadValuesNameTheKey) {
  expect_message(error("log_format: xml\n"), at("1:13"), {"log_format: 'xml' is not text or json"});
  expect_message(error("log_level: loud\n"), at("1:12"), {"log_level: 'loud' is not trace"});
  expect_message(error("user: \"\"\n"), at("1:7"), {"user: give a name or a number"});
}

TEST_F(ServiceConfigTest, ValidateLooksTheAccountsUp) {
  auto o = load("user: no-such-user-trapsink-test\n");
  EXPECT_NE(validate_error(o).find("user 'no-such-user-trapsink-test': no such user"),
            std::string::npos);
  o = load("group: root\n");
  EXPECT_EQ(validate_error(o), "group: 'root' needs user: (or --user) too");
  o = load("user: root\ngroup: no-such-group-trapsink-test\n");
  EXPECT_EQ(validate_error(o), "group 'no-such-group-trapsink-test': no such group");
  o = load("user: root\n");
  EXPECT_NO_THROW(validate(o));
}

}  // namespace
}  // namespace trapsink::config::test
