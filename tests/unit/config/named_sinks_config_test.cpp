// The `sinks:` list of named sink instances: parsing (the same keys as the top-level maps), the
// loader's refusals, validate()'s checks against the top-level sinks, check_outputs and describe.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;
using pipeline::sink_runner_options;
using pipeline::sinks::jsonl_options;
using pipeline::sinks::kafka_options;
using pipeline::sinks::sqlite_options;
using pipeline::sinks::sqlite_synchronous;

constexpr std::string_view every_type = R"(jsonl: none
sinks:
  - name: critical
    type: jsonl
    path: /var/log/trapsink/critical.jsonl
    rotate_size: 1048576
    rotate_interval: 1h
    keep: 3
    compress: true
    fsync: batch
    durable: true
  - name: store
    type: sqlite
    path: /var/lib/trapsink/store.db
    retention_age: 7d
    retention_rows: 1000
    synchronous: full
    queue_capacity: 100
    overflow: block
    block_timeout: 2s
  - name: alerts-bus.v2
    type: kafka
    brokers: 127.0.0.1:9092
    topic: alerts
    key: "{agent_address}"
    headers: false
    delivery_wait: 1s
    flush_timeout: 2s
    spool_dir: /var/lib/trapsink/alerts-spool
    spool_max_bytes: 2097152
    properties: {linger.ms: "7"}
    durable: false
routes:
  - match: {trap: ["1.3.6.1.6.3.1.1.5.3"]}
    sinks: [critical, alerts-bus.v2]
default_sinks: [store]
)";

TEST_F(ConfigTest, NamedSinksOfEveryType) {
  auto o = load(every_type);
  EXPECT_FALSE(o.jsonl);
  ASSERT_EQ(o.sinks.size(), 3u);

  EXPECT_EQ(o.sinks[0].name, "critical");
  EXPECT_EQ(receiver::type_name(o.sinks[0]), "jsonl");
  const auto& j = std::get<jsonl_options>(o.sinks[0].options);
  EXPECT_EQ(j.path, "/var/log/trapsink/critical.jsonl");
  EXPECT_EQ(j.rotate_size, 1048576u);
  EXPECT_EQ(j.rotate_interval, 1h);
  EXPECT_EQ(j.keep, 3u);
  EXPECT_TRUE(j.compress);
  EXPECT_EQ(j.fsync, jsonl_options::fsync_policy::batch);
  EXPECT_TRUE(o.sinks[0].settings.durable);
  EXPECT_FALSE(o.sinks[0].settings.queue_capacity);

  EXPECT_EQ(o.sinks[1].name, "store");
  EXPECT_EQ(receiver::type_name(o.sinks[1]), "sqlite");
  const auto& sq = std::get<sqlite_options>(o.sinks[1].options);
  EXPECT_EQ(sq.path, "/var/lib/trapsink/store.db");
  EXPECT_EQ(sq.retention_age, std::chrono::hours(24 * 7));
  EXPECT_EQ(sq.retention_rows, 1000u);
  EXPECT_EQ(sq.synchronous, sqlite_synchronous::full);
  EXPECT_EQ(o.sinks[1].settings.queue_capacity, 100u);
  EXPECT_EQ(o.sinks[1].settings.overflow, sink_runner_options::overflow_policy::block);
  EXPECT_EQ(o.sinks[1].settings.block_timeout, 2s);
  EXPECT_TRUE(o.sinks[1].settings.durable);  // sqlite's default

  EXPECT_EQ(o.sinks[2].name, "alerts-bus.v2");
  EXPECT_EQ(receiver::type_name(o.sinks[2]), "kafka");
  const auto& k = std::get<kafka_options>(o.sinks[2].options);
  EXPECT_EQ(k.brokers, "127.0.0.1:9092");
  EXPECT_EQ(k.topic, "alerts");
  EXPECT_EQ(k.key, "{agent_address}");
  EXPECT_FALSE(k.headers);
  EXPECT_EQ(k.delivery_wait, 1s);
  EXPECT_EQ(k.flush_timeout, 2s);
  EXPECT_EQ(k.spool_dir, "/var/lib/trapsink/alerts-spool");
  EXPECT_EQ(k.spool_max_bytes, 2097152u);
  EXPECT_EQ(k.properties.at("linger.ms"), "7");
  EXPECT_FALSE(o.sinks[2].settings.durable);

  // Where the file set the values checked later.
  EXPECT_EQ(o.origins.at("sinks.critical.name"), config_path() + ":3:11");
  EXPECT_EQ(o.origins.at("sinks.critical.path"), config_path() + ":5:11");
  EXPECT_EQ(o.origins.at("sinks.store.path"), config_path() + ":14:11");
  EXPECT_EQ(o.origins.at("sinks.alerts-bus.v2.spool_dir"), config_path() + ":29:16");

  validate(o);  // routes and default_sinks name them; they are the only outputs
  const std::string d = describe(o);
  for (const char* line : {
           "sink critical (jsonl): /var/log/trapsink/critical.jsonl (",
           "sink store (sqlite): /var/lib/trapsink/store.db (synchronous full; retention: ",
           "sink alerts-bus.v2 (kafka): brokers 127.0.0.1:9092 topic alerts key "
           "{agent_address} spool /var/lib/trapsink/alerts-spool\n",
           "sink critical: queue_capacity 65536 (global), overflow drop_newest, durable yes\n",
           "sink store: queue_capacity 100, overflow block (block_timeout 2s), durable yes\n",
           "sink alerts-bus.v2: queue_capacity 65536 (global), overflow drop_newest, durable no\n",
       }) {
    EXPECT_NE(d.find(line), std::string::npos) << "missing: " << line << "\n" << d;
  }
}

TEST_F(ConfigTest, NamedSinksDefaultsAndReplacement) {
  auto o = load(
      "sinks:\n  - {name: a, type: jsonl, path: a.jsonl}\n  - {name: b, type: sqlite, "
      "path: b.db}\n  - {name: c, type: kafka, brokers: \"k:9092\"}\n");
  ASSERT_EQ(o.sinks.size(), 3u);
  EXPECT_TRUE(o.jsonl);  // the top-level JSON lines stay on
  EXPECT_FALSE(o.sinks[0].settings.durable);
  EXPECT_EQ(std::get<jsonl_options>(o.sinks[0].options).rotate_size, 0u);
  EXPECT_TRUE(o.sinks[1].settings.durable);
  EXPECT_EQ(std::get<sqlite_options>(o.sinks[1].options).synchronous, sqlite_synchronous::normal);
  EXPECT_TRUE(o.sinks[2].settings.durable);
  EXPECT_EQ(std::get<kafka_options>(o.sinks[2].options).topic, "trapsink.events");
  validate(o);
  EXPECT_TRUE(load("sinks: []\n").sinks.empty());
}

TEST_F(ConfigTest, NamedSinkRefusals) {
  expect_message(error("sinks: {name: a}\n"), at("1:8"),
                 {"sinks: expected a list of sinks", "got a map"});
  expect_message(error("sinks: [a]\n"), at("1:9"),
                 {"sinks: each sink is a map {name: ..., type: jsonl, sqlite or kafka, ...}, not "
                  "a single value"});
  EXPECT_EQ(error("sinks:\n  - name: a\n    path: a.db\n"),
            at("2:5") + "sinks: a sink needs 'type' (jsonl, sqlite or kafka)");
  EXPECT_EQ(error("sinks:\n  - name: a\n    type: file\n"),
            at("3:11") + "type: 'file' is not jsonl, sqlite or kafka");
  EXPECT_EQ(error("sinks:\n  - type: sqlite\n    path: a.db\n"),
            at("2:5") + "sinks: a sink needs 'name' (what routes and default_sinks call it)");
  EXPECT_EQ(error("sinks:\n  - name: a\n    type: sqlite\n    path: a.db\n    rotate_size: 5\n"),
            at("5:5") +
                "unknown key 'rotate_size' in a sqlite sink (known keys: name, type, path, "
                "retention_age, retention_rows, synchronous, queue_capacity, overflow, "
                "block_timeout, durable)");
  EXPECT_EQ(error("sinks:\n  - name: a b\n    type: sqlite\n    path: a.db\n"),
            at("2:11") + "name: 'a b' is not a sink name; use letters, digits, '_', '.' and '-'");
  EXPECT_EQ(error("sinks:\n  - name: \"\"\n    type: sqlite\n    path: a.db\n"),
            at("2:11") + "name: '' is not a sink name; use letters, digits, '_', '.' and '-'");
  EXPECT_EQ(
      error("sinks:\n  - {name: a, type: sqlite, path: a.db}\n"
            "  - {name: a, type: jsonl, path: a.jsonl}\n"),
      at("3:12") + "name: sink 'a' is given twice (first on line 2); give each sink its own name");
  EXPECT_EQ(
      error("sinks:\n  - name: a\n    type: jsonl\n    rotate_size: 5\n"),
      at("2:5") + "sink 'a': a jsonl sink needs 'path' (the file, or \"-\" for standard output)");
  EXPECT_EQ(error("sinks:\n  - {name: a, type: jsonl, path: none}\n"),
            at("2:34") + "path: 'none' is not a file; to turn this sink off remove it from sinks");
  EXPECT_EQ(error("sinks:\n  - name: a\n    type: jsonl\n    path: \"-\"\n    compress: true\n"),
            at("5:5") +
                "compress: needs a file, but JSON lines go to standard output (path \"-\"); give "
                "a path, or remove compress");
  EXPECT_EQ(error("sinks:\n  - name: a\n    type: jsonl\n    path: a.jsonl\n    keep: 0\n"),
            at("5:11") + "keep: 0 is out of range; expected an integer from 1 to 1000");
  EXPECT_EQ(error("sinks:\n  - name: store\n    type: sqlite\n    retention_age: 1d\n"),
            at("2:5") +
                "sink 'store': the map needs 'path' (the database file, e.g. "
                "/var/lib/trapsink/events.db)");
  EXPECT_EQ(
      error("sinks:\n  - name: bus\n    type: kafka\n    topic: t\n"),
      at("2:5") + "sink 'bus': the map needs 'brokers' (bootstrap servers, e.g. 127.0.0.1:9092)");
  EXPECT_EQ(error("sinks:\n  - {name: a, type: sqlite, path: a.db, overflow: later}\n"),
            at("2:51") +
                "overflow: 'later' is not drop_newest or block (what a full queue does to a "
                "trap: refuse it at once, or wait up to block_timeout)");
}

TEST_F(ConfigTest, NamedSinkNamesAgainstTheTopLevelSinks) {
  // Taken by a top-level sink that is on.
  EXPECT_EQ(validate_error(load("sqlite: a.db\nsinks:\n  - name: sqlite\n    type: sqlite\n"
                                "    path: b.db\n")),
            at("3:11") +
                "sinks: the name 'sqlite' is taken by the top-level 'sqlite' sink, which is on; "
                "give the named sink another name");
  EXPECT_EQ(validate_error(load("sinks:\n  - {name: jsonl, type: jsonl, path: j.jsonl}\n")),
            at("2:12") +
                "sinks: the name 'jsonl' is taken by the top-level 'jsonl' sink, which is on; "
                "give the named sink another name");
  // Free while that sink is off.
  auto o = load("jsonl: none\nsinks:\n  - {name: jsonl, type: jsonl, path: j.jsonl}\n");
  EXPECT_NO_THROW(validate(o));
  // Routes may name only sinks that are on.
  EXPECT_EQ(validate_error(load("sinks:\n  - {name: store, type: sqlite, path: a.db}\n"
                                "routes:\n  - {sinks: [stor]}\n")),
            "route 'route1' sends to sink 'stor', which is not on (on: jsonl, store)");
  EXPECT_EQ(validate_error(load("sinks:\n  - {name: store, type: sqlite, path: a.db}\n"
                                "default_sinks: [jsonl, kafka]\n")),
            "default_sinks sends to sink 'kafka', which is not on (on: jsonl, store)");
}

TEST_F(ConfigTest, NamedSinksMayNotShareAFile) {
  const std::string d = dir_.string();
  EXPECT_EQ(validate_error(load("sinks:\n  - {name: a, type: sqlite, path: " + d +
                                "/x.db}\n  - {name: b, type: sqlite, path: " + d + "/./x.db}\n")),
            at("3:35") + "sink 'b': the SQLite database '" + d +
                "/./x.db' is also used by sink "
                "'a'; give each sink its own");
  EXPECT_EQ(
      validate_error(load("sqlite: " + d + "/x.db\nsinks:\n  - {name: b, type: sqlite, path: " + d +
                          "/x.db}\n")),
      at("3:35") + "sink 'b': the SQLite database '" + d +
          "/x.db' is also used by sink "
          "'sqlite'; give each sink its own");
  EXPECT_EQ(validate_error(load("jsonl: " + d +
                                "/r.jsonl\nsinks:\n  - {name: b, type: jsonl, path: " + d +
                                "/r.jsonl}\n")),
            at("3:34") + "sink 'b': the JSON-lines file '" + d +
                "/r.jsonl' is also used by sink "
                "'jsonl'; give each sink its own");
  // The default output is standard output: a second sink there is refused.
  EXPECT_EQ(validate_error(load("sinks:\n  - {name: b, type: jsonl, path: \"-\"}\n")),
            at("2:34") +
                "sink 'b': the JSON-lines file '-' is also used by sink 'jsonl'; give each sink "
                "its own (only one JSON-lines sink can write to standard output)");
  EXPECT_EQ(validate_error(load(
                "sinks:\n  - {name: a, type: kafka, brokers: \"k:1\", spool_dir: " + d +
                "/s}\n  - {name: b, type: kafka, brokers: \"k:1\", spool_dir: " + d + "/s/}\n")),
            at("3:55") + "sink 'b': the Kafka spool directory '" + d +
                "/s/' is also used by "
                "sink 'a'; give each sink its own");
  // A JSON-lines file and a database of the same name are different things.
  auto o = load("jsonl: " + d + "/x\nsinks:\n  - {name: b, type: sqlite, path: " + d + "/x}\n");
  EXPECT_NO_THROW(validate(o));
}

TEST_F(ConfigTest, NamedSinksCountForOutputAndDurableAcks) {
  // The only output.
  auto o = load("jsonl: none\nsinks:\n  - {name: a, type: jsonl, path: a.jsonl}\n");
  EXPECT_NO_THROW(validate(o));
  // inform_ack: durable counts their durable setting.
  o = load("jsonl: none\ninform_ack: durable\nsinks:\n  - {name: a, type: jsonl, path: a.jsonl}\n");
  EXPECT_EQ(validate_error(o),
            "inform_ack: durable, but no sink that is on (on: a) has durable: true; mark one "
            "durable, or use inform_ack: accepted");
  o = load(
      "jsonl: none\ninform_ack: durable\nsinks:\n  - {name: a, type: jsonl, path: a.jsonl, "
      "durable: true}\n");
  EXPECT_NO_THROW(validate(o));
  // Standard output cannot be durable.
  o = load("jsonl: j.jsonl\nsinks:\n  - {name: out, type: jsonl, path: \"-\", durable: true}\n");
  EXPECT_EQ(validate_error(o),
            at("3:50") +
                "sink 'out': durable: true needs a file: standard output cannot be made durable; "
                "give a path, or durable: false");
}

TEST_F(ConfigTest, NamedSinkOutputsAreChecked) {
  const std::string d = dir_.string();
  std::filesystem::create_directory(dir_ / "a-directory");
  auto o = load("sinks:\n  - {name: c, type: jsonl, path: " + d +
                "/a-directory}\n  - {name: s, type: sqlite, path: " + d +
                "/missing/s.db}\n  - {name: k, type: kafka, brokers: \"k:1\", spool_dir: " + d +
                "/missing/spool}\n  - {name: ok, type: jsonl, path: " + d + "/ok.jsonl}\n");
  validate(o);
  EXPECT_EQ(check_outputs(o),
            (std::vector<std::string>{
                at("2:34") + "sinks.c.path: '" + d + "/a-directory' is a directory",
                at("3:35") + "sinks.s.path: the directory '" + d + "/missing' does not exist",
                at("4:55") + "sinks.k.spool_dir: the directory '" + d + "/missing' does not exist",
            }));
}

}  // namespace
}  // namespace trapsink::config::test
