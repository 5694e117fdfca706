// The `jsonl:` map (rotation, keep, compress, fsync), the queue keys every sink map takes
// (queue_capacity, overflow, block_timeout, durable) and `inform_ack`.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;
using overflow = pipeline::sink_runner_options::overflow_policy;
using fsync_policy = pipeline::sinks::jsonl_options::fsync_policy;

TEST_F(ConfigTest, JsonlMapWithEveryKey) {
  auto o = load(R"(jsonl:
  path: /var/log/trapsink/records.jsonl
  rotate_size: 104857600
  rotate_interval: 1d
  keep: 3
  compress: yes
  fsync: batch
  queue_capacity: 1000
  overflow: block
  block_timeout: 250ms
  durable: true
)");
  ASSERT_TRUE(o.jsonl);
  EXPECT_EQ(o.jsonl->path, "/var/log/trapsink/records.jsonl");
  EXPECT_EQ(o.jsonl->rotate_size, 104857600u);
  EXPECT_EQ(o.jsonl->rotate_interval, std::chrono::hours(24));
  EXPECT_EQ(o.jsonl->keep, 3u);
  EXPECT_TRUE(o.jsonl->compress);
  EXPECT_EQ(o.jsonl->fsync, fsync_policy::batch);
  EXPECT_EQ(o.jsonl_settings.queue_capacity, std::optional<std::size_t>(1000));
  EXPECT_EQ(o.jsonl_settings.overflow, overflow::block);
  EXPECT_EQ(o.jsonl_settings.block_timeout, 250ms);
  EXPECT_TRUE(o.jsonl_settings.durable);
  EXPECT_EQ(o.origins.at("jsonl.path"), config_path() + ":2:9");
  EXPECT_EQ(o.origins.at("jsonl.rotate_size"), config_path() + ":3:16");
  validate(o);
  const std::string text = describe(o);
  EXPECT_NE(text.find("jsonl: /var/log/trapsink/records.jsonl (rotate at 104857600 bytes or "
                      "every 1d, keep 3, gzip; fsync batch)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sink jsonl: queue_capacity 1000, overflow block (block_timeout 0.25s), "
                      "durable yes\n"),
            std::string::npos)
      << text;
}

TEST_F(ConfigTest, JsonlMapDefaults) {
  auto o = load("jsonl:\n  path: out.jsonl\n");
  ASSERT_TRUE(o.jsonl);
  const pipeline::sinks::jsonl_options d;
  EXPECT_EQ(o.jsonl->path, "out.jsonl");
  EXPECT_EQ(o.jsonl->rotate_size, 0u);
  EXPECT_EQ(o.jsonl->rotate_interval, 0s);
  EXPECT_EQ(o.jsonl->keep, d.keep);
  EXPECT_FALSE(o.jsonl->compress);
  EXPECT_EQ(o.jsonl->fsync, fsync_policy::never);
  EXPECT_FALSE(o.jsonl_settings.queue_capacity);
  EXPECT_EQ(o.jsonl_settings.overflow, overflow::drop_newest);
  EXPECT_EQ(o.jsonl_settings.block_timeout, 1000ms);
  EXPECT_FALSE(o.jsonl_settings.durable);
  // Without a path the map is for standard output.
  o = load("jsonl: {queue_capacity: 10}\n");
  EXPECT_EQ(o.jsonl->path, "-");
  EXPECT_EQ(o.jsonl_settings.queue_capacity, std::optional<std::size_t>(10));
  EXPECT_NE(describe(o).find("jsonl: - (standard output)\n"), std::string::npos) << describe(o);
  EXPECT_NE(describe(o).find("sink jsonl: queue_capacity 10, overflow drop_newest, durable no\n"),
            std::string::npos)
      << describe(o);
  o = load("jsonl: {path: x.jsonl, rotate_interval: 0, rotate_size: 0}\n");
  EXPECT_NE(describe(o).find("jsonl: x.jsonl (no rotation; fsync never)\n"), std::string::npos)
      << describe(o);
  EXPECT_EQ(load("jsonl: {path: x.jsonl, rotate_interval: 90}\n").jsonl->rotate_interval, 90s);
  EXPECT_EQ(load("jsonl: {path: x.jsonl, rotate_interval: 1.9s}\n").jsonl->rotate_interval, 1s);
  EXPECT_EQ(load("jsonl: {path: x.jsonl, keep: 1}\n").jsonl->keep, 1u);
  EXPECT_EQ(load("jsonl: {path: x.jsonl, keep: 1000}\n").jsonl->keep, 1000u);
  EXPECT_EQ(load("jsonl: {path: x.jsonl, rotate_size: 1}\n").jsonl->rotate_size, 1u);
}

TEST_F(ConfigTest, JsonlMapErrorsHaveTheirLocation) {
  expect_message(error("jsonl:\n  path: \"-\"\n  rotate_size: 1000\n"), at("3:3"),
                 {"rotate_size: needs a file", "standard output (path \"-\")"});
  expect_message(error("jsonl:\n  rotate_interval: 1h\n"), at("2:3"),
                 {"rotate_interval: needs a file"});
  expect_message(error("jsonl:\n  compress: true\n"), at("2:3"), {"compress: needs a file"});
  expect_message(error("jsonl:\n  keep: 2\n"), at("2:3"), {"keep: needs a file"});
  expect_message(error("jsonl:\n  fsync: batch\n"), at("2:3"), {"fsync: needs a file"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  keep: 0\n"), at("3:9"),
                 {"keep: 0 is out of range; expected an integer from 1 to 1000"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  keep: 1001\n"), at("3:9"),
                 {"keep: 1001 is out of range"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  rotate_size: 100MiB\n"), at("3:16"),
                 {"rotate_size: '100MiB' is not an integer"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  rotate_size: -1\n"), at("3:16"),
                 {"rotate_size: '-1' is not an integer"});
  expect_message(
      error("jsonl:\n  path: x.jsonl\n  rotate_interval: 500ms\n"), at("3:20"),
      {"rotate_interval: 500ms is shorter than a second; give 0 (never) or at least 1s"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  rotate_interval: 400d\n"), at("3:20"),
                 {"rotate_interval: 400d is longer than 366d"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  rotate_interval: daily\n"), at("3:20"),
                 {"rotate_interval: 'daily' is not a duration"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  compress: gzip\n"), at("3:13"),
                 {"compress: expected true or false, got 'gzip'"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  fsync: always\n"), at("3:10"),
                 {"fsync: 'always' is not never or batch"});
  expect_message(error("jsonl:\n  path: \"\"\n"), at("2:9"), {"path: give a file path"});
  expect_message(error("jsonl:\n  path: none\n"), at("2:9"),
                 {"to turn JSON lines off write 'jsonl: none'"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  rotate: 1d\n"), at("3:3"),
                 {"unknown key 'rotate' in jsonl", "known keys: path, rotate_size"});
  expect_message(error("jsonl:\n  path: x.jsonl\n  path: y.jsonl\n"), at("3:3"),
                 {"'path' in jsonl is given twice (first on line 2)"});
}

TEST_F(ConfigTest, QueueKeysInEverySinkMap) {
  auto o = load(R"(sqlite:
  path: events.db
  queue_capacity: 8
  overflow: BLOCK
  block_timeout: 2s
  durable: false
kafka:
  brokers: 127.0.0.1:9092
  queue_capacity: 67108864
  overflow: drop_newest
  block_timeout: 0
queue_capacity: 500
)");
  EXPECT_EQ(o.sqlite_settings.queue_capacity, std::optional<std::size_t>(8));
  EXPECT_EQ(o.sqlite_settings.overflow, overflow::block);
  EXPECT_EQ(o.sqlite_settings.block_timeout, 2s);
  EXPECT_FALSE(o.sqlite_settings.durable);
  EXPECT_EQ(o.kafka_settings.queue_capacity, std::optional<std::size_t>(67108864));
  EXPECT_EQ(o.kafka_settings.overflow, overflow::drop_newest);
  EXPECT_EQ(o.kafka_settings.block_timeout, 0ms);
  EXPECT_TRUE(o.kafka_settings.durable);  // the default for kafka
  EXPECT_FALSE(o.jsonl_settings.queue_capacity);
  validate(o);
  const std::string text = describe(o);
  EXPECT_NE(text.find("sink jsonl: queue_capacity 500 (global), overflow drop_newest, durable no\n"
                      "sink sqlite: queue_capacity 8, overflow block (block_timeout 2s), "
                      "durable no\n"
                      "sink kafka: queue_capacity 67108864, overflow drop_newest, durable yes\n"
                      "inform_ack: accepted\n"),
            std::string::npos)
      << text;

  // What run_server builds from them.
  auto r = receiver::make_runner_options(o.sqlite_settings, o.queue_capacity);
  EXPECT_EQ(r.queue_capacity, 8u);
  EXPECT_EQ(r.overflow, overflow::block);
  EXPECT_EQ(r.block_timeout, 2s);
  r = receiver::make_runner_options(o.jsonl_settings, o.queue_capacity);
  EXPECT_EQ(r.queue_capacity, 500u);
  EXPECT_EQ(r.overflow, overflow::drop_newest);

  // The defaults: sqlite and kafka are durable, jsonl is not.
  const auto d = receiver::default_server_options();
  EXPECT_FALSE(d.jsonl_settings.durable);
  EXPECT_TRUE(d.sqlite_settings.durable);
  EXPECT_TRUE(d.kafka_settings.durable);
  EXPECT_EQ(d.inform_ack, receiver::inform_ack_mode::accepted);
}

TEST_F(ConfigTest, QueueKeyErrorsHaveTheirLocation) {
  expect_message(error("sqlite:\n  path: x.db\n  queue_capacity: 0\n"), at("3:19"),
                 {"queue_capacity: 0 is out of range; expected an integer from 1 to 67108864"});
  expect_message(error("sqlite:\n  path: x.db\n  queue_capacity: 67108865\n"), at("3:19"),
                 {"queue_capacity: 67108865 is out of range"});
  expect_message(error("sqlite:\n  path: x.db\n  overflow: drop_oldest\n"), at("3:13"),
                 {"overflow: 'drop_oldest' is not drop_newest or block"});
  expect_message(error("kafka:\n  brokers: b:1\n  block_timeout: 61s\n"), at("3:18"),
                 {"block_timeout: 61s is longer than 60s"});
  expect_message(error("kafka:\n  brokers: b:1\n  block_timeout: soon\n"), at("3:18"),
                 {"block_timeout: 'soon' is not a duration"});
  expect_message(error("kafka:\n  brokers: b:1\n  durable: maybe\n"), at("3:12"),
                 {"durable: expected true or false, got 'maybe'"});
  expect_message(error("jsonl:\n  overflow: [block]\n"), at("2:13"),
                 {"overflow: expected a string, got a list"});
  expect_message(error("sqlite:\n  path: x.db\n  overflo: block\n"), at("3:3"),
                 {"unknown key 'overflo' in sqlite; did you mean 'overflow'?"});
}

TEST_F(ConfigTest, InformAck) {
  EXPECT_EQ(load("inform_ack: durable\nsqlite: x.db\n").inform_ack,
            receiver::inform_ack_mode::durable);
  EXPECT_EQ(load("inform_ack: Accepted\n").inform_ack, receiver::inform_ack_mode::accepted);
  expect_message(error("inform_ack: always\n"), at("1:13"),
                 {"inform_ack: 'always' is not accepted or durable"});
  // durable needs a durable sink that is on: sqlite is durable by default, jsonl is not.
  auto o = load("inform_ack: durable\nsqlite: x.db\n");
  EXPECT_NO_THROW(validate(o));
  EXPECT_NE(describe(o).find("inform_ack: durable\n"), std::string::npos) << describe(o);
  EXPECT_EQ(validate_error(load("inform_ack: durable\n")),
            "inform_ack: durable, but no sink that is on (on: jsonl) has durable: true; mark one "
            "durable, or use inform_ack: accepted");
  auto durable_file = load("inform_ack: durable\njsonl: {path: x.jsonl, durable: true}\n");
  EXPECT_NO_THROW(validate(durable_file));
  EXPECT_NE(validate_error(load("inform_ack: durable\nsqlite: {path: x.db, durable: false}\n"))
                .find("no sink that is on (on: jsonl, sqlite) has durable: true"),
            std::string::npos);
}

TEST_F(ConfigTest, StandardOutputCannotBeDurable) {
  EXPECT_EQ(validate_error(load("jsonl:\n  path: \"-\"\n  durable: true\n")),
            at("3:12") +
                "jsonl: durable: true needs a file: standard output cannot be made durable; "
                "give a path, or durable: false");
}

TEST_F(ConfigTest, JsonlStandardOutputFromAFlagMeetsRotation) {
  // The file rotates; `--jsonl -` then points the output at standard output.
  auto o = load("jsonl:\n  path: out.jsonl\n  rotate_size: 4096\n");
  o.jsonl->path = "-";
  o.origins.erase("jsonl.path");
  EXPECT_EQ(validate_error(o), at("3:16") +
                                   "jsonl: rotate_size needs a file, but JSON lines go to "
                                   "standard output (--jsonl -); give --jsonl FILE, or remove "
                                   "rotate_size");
}

}  // namespace
}  // namespace trapsink::config::test
