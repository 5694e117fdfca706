// The Kafka sink's topic and key templates.
#include "pipeline/sinks/kafka/message_template.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline::sinks {
namespace {

TEST(MessageTemplate, ExpandsEveryPlaceholder) {
  const auto r = samples::sample_v2c();
  EXPECT_EQ(message_template("{source}", "t").expand(r), "192.0.2.10");
  EXPECT_EQ(message_template("{agent_address}", "t").expand(r), "192.0.2.10");
  EXPECT_EQ(message_template("{trap_oid}", "t").expand(r), "1.3.6.1.6.3.1.1.5.3");
  EXPECT_EQ(message_template("{version}/{pdu}", "t").expand(r), "2c/trap");
  EXPECT_EQ(message_template("traps.v{version}", "t").expand(r), "traps.v2c");
  const auto v1 = samples::sample_v1();
  EXPECT_EQ(message_template("{source}|{agent_address}", "t").expand(v1), "198.51.100.7|192.0.2.1");
}

TEST(MessageTemplate, TrapNameFallsBackToTheOid) {
  auto r = samples::sample_v2c();
  const message_template t("{trap_name}", "t");
  EXPECT_EQ(t.expand(r), "1.3.6.1.6.3.1.1.5.3");
  r.trap_name = "IF-MIB::linkDown";
  EXPECT_EQ(t.expand(r), "IF-MIB::linkDown");
}

TEST(MessageTemplate, StaticEmptyAndEscapes) {
  const auto r = samples::sample_v2c();
  const message_template s("trapsink.events", "t");
  EXPECT_TRUE(s.is_static());
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s.expand(r), "trapsink.events");
  const message_template e("", "t");
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(e.expand(r), "");
  const message_template b("{{{version}}}", "t");
  EXPECT_FALSE(b.is_static());
  EXPECT_EQ(b.expand(r), "{2c}");
}

TEST(MessageTemplate, RejectsUnknownPlaceholdersAndStrayBraces) {
  try {
    message_template("traps.{sorce}", "kafka topic");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("kafka topic 'traps.{sorce}': unknown placeholder "
                                         "'{sorce}'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(message_template("{source", "k"), std::invalid_argument);
  EXPECT_THROW(message_template("source}", "k"), std::invalid_argument);
}

TEST(TopicName, Validity) {
  EXPECT_TRUE(is_valid_topic_name("trapsink.events"));
  EXPECT_TRUE(is_valid_topic_name("a-b_c.9"));
  EXPECT_FALSE(is_valid_topic_name(""));
  EXPECT_FALSE(is_valid_topic_name("."));
  EXPECT_FALSE(is_valid_topic_name(".."));
  EXPECT_FALSE(is_valid_topic_name("traps/v2c"));
  EXPECT_FALSE(is_valid_topic_name("tr aps"));
  EXPECT_TRUE(is_valid_topic_name(std::string(249, 'a')));
  EXPECT_FALSE(is_valid_topic_name(std::string(250, 'a')));
}

TEST(TopicName, Sanitize) {
  std::string a = "traps.2001:db8::1";
  sanitize_topic_name(a);
  EXPECT_EQ(a, "traps.2001_db8__1");
  std::string b = "IF-MIB::linkDown";
  sanitize_topic_name(b);
  EXPECT_EQ(b, "IF-MIB__linkDown");
  std::string c;
  sanitize_topic_name(c);
  EXPECT_EQ(c, "_");
  std::string d = "..";
  sanitize_topic_name(d);
  EXPECT_EQ(d, "_..");
  std::string e(300, 'x');
  sanitize_topic_name(e);
  EXPECT_EQ(e.size(), 249u);
  EXPECT_TRUE(is_valid_topic_name(a) && is_valid_topic_name(b) && is_valid_topic_name(c) &&
              is_valid_topic_name(d) && is_valid_topic_name(e));
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
