// The `kafka:` key: every option, librdkafka properties validated at configuration time.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;

TEST_F(ConfigTest, KafkaMapWithEveryKey) {
  auto o = load(R"(kafka:
  brokers: 127.0.0.1:9092,127.0.0.1:9093
  topic: "traps.v{version}"
  key: "{agent_address}"
  headers: false
  delivery_wait: 2s
  flush_timeout: 10s
  spool_dir: /var/lib/trapsink/spool
  spool_max_bytes: 104857600
  properties:
    compression.type: zstd
    linger.ms: 20
)");
  ASSERT_TRUE(o.kafka);
  EXPECT_EQ(o.kafka->brokers, "127.0.0.1:9092,127.0.0.1:9093");
  EXPECT_EQ(o.kafka->topic, "traps.v{version}");
  EXPECT_EQ(o.kafka->key, "{agent_address}");
  EXPECT_FALSE(o.kafka->headers);
  EXPECT_EQ(o.kafka->delivery_wait, 2s);
  EXPECT_EQ(o.kafka->flush_timeout, 10s);
  EXPECT_EQ(o.kafka->spool_dir, "/var/lib/trapsink/spool");
  EXPECT_EQ(o.kafka->spool_max_bytes, 104857600u);
  EXPECT_EQ(o.kafka->properties.at("compression.type"), "zstd");
  EXPECT_EQ(o.kafka->properties.at("linger.ms"), "20");
  validate(o);
  EXPECT_NE(describe(o).find("kafka: brokers 127.0.0.1:9092,127.0.0.1:9093 topic traps.v{version} "
                             "key {agent_address} spool /var/lib/trapsink/spool"),
            std::string::npos)
      << describe(o);
}

TEST_F(ConfigTest, KafkaErrorsNameTheProblem) {
  EXPECT_EQ(error("kafka:\n  topic: t\n"),
            at("2:3") + "kafka: the map needs 'brokers' (bootstrap servers, e.g. 127.0.0.1:9092)");
  // A property librdkafka refuses: the message names it and points at its value.
  expect_message(
      error("kafka:\n  brokers: b:1\n  properties:\n    linger.ms: 5\n    compression.type: zip\n"),
      at("5:23"), {"property 'compression.type'", "Invalid value \"zip\""});
  expect_message(error("kafka:\n  brokers: b:1\n  properties:\n    no.such.property: 1\n"),
                 at("4:23"), {"property 'no.such.property'"});
  expect_message(error("kafka:\n  brokers: b:1\n  properties:\n    acks: 1\n"), at("4:11"),
                 {"property 'acks' cannot be set to '1'"});
  EXPECT_NE(
      error("kafka:\n  brokers: b:1\n  partitions: 3\n").find("unknown key 'partitions' in kafka"),
      std::string::npos);
  EXPECT_NE(error("kafka: b:1\n").find("kafka: expected a map"), std::string::npos);
}

TEST_F(ConfigTest, KafkaAloneIsAnOutput) {
  auto o = load("jsonl: none\nkafka:\n  brokers: 127.0.0.1:9092\n");
  EXPECT_NO_THROW(validate(o));
  auto none = load("jsonl: none\n");
  EXPECT_THROW(validate(none), config_error);
}

}  // namespace
}  // namespace trapsink::config::test
