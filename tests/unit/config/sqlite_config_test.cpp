// The `sqlite:` key, `jsonl: none`, and the check that some output is on.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

using namespace std::chrono_literals;
using pipeline::sinks::sqlite_synchronous;

TEST_F(ConfigTest, SqliteMapWithEveryKey) {
  auto o = load(R"(sqlite:
  path: /var/lib/trapsink/events.db
  retention_age: 30d
  retention_rows: 5000000
  synchronous: FULL
)");
  ASSERT_TRUE(o.sqlite);
  EXPECT_EQ(o.sqlite->path, "/var/lib/trapsink/events.db");
  EXPECT_EQ(o.sqlite->retention_age, std::chrono::hours(24 * 30));
  EXPECT_EQ(o.sqlite->retention_rows, 5000000u);
  EXPECT_EQ(o.sqlite->synchronous, sqlite_synchronous::full);
  ASSERT_TRUE(o.jsonl);  // the SQLite store does not turn JSON lines off
  EXPECT_EQ(o.jsonl->path, "-");
  validate(o);
  EXPECT_NE(describe(o).find("sqlite: /var/lib/trapsink/events.db (synchronous full; retention: "
                             "delete events older than 30d or beyond 5000000 events)"),
            std::string::npos)
      << describe(o);
}

TEST_F(ConfigTest, SqlitePathAloneAndDefaults) {
  auto o = load("sqlite: events.db\n");
  ASSERT_TRUE(o.sqlite);
  EXPECT_EQ(o.sqlite->path, "events.db");
  EXPECT_EQ(o.sqlite->retention_age, 0ms);  // kept forever
  EXPECT_EQ(o.sqlite->retention_rows, 0u);
  EXPECT_EQ(o.sqlite->synchronous, sqlite_synchronous::normal);
  o = load("sqlite: {path: x.db, retention_age: 12h}\n");
  EXPECT_EQ(o.sqlite->retention_age, 12h);
  EXPECT_FALSE(load("listen: [udp:0.0.0.0:162]\n").sqlite);
}

TEST_F(ConfigTest, SqliteErrorsHaveTheirLocation) {
  expect_message(error("sqlite:\n  retention_age: 1d\n"), at("2:3"),
                 {"sqlite: the map needs 'path'"});
  expect_message(error("sqlite:\n  path: x.db\n  retention: 1d\n"), at("3:3"),
                 {"unknown key 'retention' in sqlite", "known keys: path, retention_age"});
  expect_message(error("sqlite:\n  path: x.db\n  retention_age: 30 days\n"), at("3:18"),
                 {"retention_age:", "has an unknown unit", "30d (days)"});
  expect_message(error("sqlite:\n  path: x.db\n  retention_age: 40000d\n"), at("3:18"),
                 {"longer than 100 years"});
  expect_message(error("sqlite:\n  path: x.db\n  retention_rows: -5\n"), at("3:19"),
                 {"retention_rows:", "not an integer"});
  expect_message(error("sqlite:\n  path: x.db\n  synchronous: off\n"), at("3:16"),
                 {"synchronous: 'off' is not normal or full"});
  expect_message(error("sqlite: [a.db]\n"), at("1:9"), {"expected a database path or a map"});
  expect_message(error("sqlite: \"\"\n"), at("1:9"), {"the database path is empty"});
}

TEST_F(ConfigTest, JsonlNoneNeedsAnotherOutput) {
  auto o = load("jsonl: none\nsqlite: x.db\n");
  EXPECT_FALSE(o.jsonl);
  validate(o);
  EXPECT_NE(describe(o).find("jsonl: none (off)"), std::string::npos) << describe(o);
  o = load("jsonl: none\n");
  try {
    validate(o);
    FAIL() << "no output accepted";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("no output"), std::string::npos) << e.what();
  }
}

TEST_F(ConfigTest, DurationsTakeDays) {
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_EQ(load("inform_dedup_window: 1d\n").inform_dedup_window, 24h);
}

}  // namespace
}  // namespace trapsink::config::test
