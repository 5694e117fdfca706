// check_outputs(): the offline checks of check-config (directories, existing files, the Kafka
// spool directory), with the location where the configuration file set each path.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config_test_util.hpp"

namespace trapsink::config::test {
namespace {

TEST_F(ConfigTest, OutputsThatCanBeOpenedPassAndNothingIsCreated) {
  const std::string d = dir_.string();
  auto o = load("jsonl:\n  path: " + d + "/records.jsonl\n  rotate_size: 4096\nsqlite: " + d +
                "/events.db\nkafka:\n  brokers: 127.0.0.1:1\n  spool_dir: " + d + "/spool/\n");
  validate(o);
  EXPECT_EQ(check_outputs(o), std::vector<std::string>{});
  EXPECT_FALSE(std::filesystem::exists(dir_ / "records.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "events.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "spool"));
  // Standard output and an existing, writable file need nothing more.
  write("events.db", "");
  o = load("sqlite: " + d + "/events.db\n");
  EXPECT_EQ(check_outputs(o), std::vector<std::string>{});
}

TEST_F(ConfigTest, OutputProblemsNameTheKeyAndWhereItWasSet) {
  const std::string d = dir_.string();
  std::filesystem::create_directory(dir_ / "a-directory");
  write("a-file", "x");
  auto o = load("jsonl: " + d + "/a-directory\nsqlite:\n  path: " + d +
                "/a-file/events.db\nkafka:\n  brokers: 127.0.0.1:1\n  spool_dir: " + d +
                "/missing/spool\n");
  EXPECT_EQ(check_outputs(o),
            (std::vector<std::string>{
                at("1:8") + "jsonl.path: '" + d + "/a-directory' is a directory",
                at("3:9") + "sqlite.path: '" + d + "/a-file' is not a directory",
                at("6:14") + "kafka.spool_dir: the directory '" + d + "/missing' does not exist",
            }));
  // A path given by a flag (its origin removed) has no location.
  o.origins.clear();
  EXPECT_EQ(check_outputs(o)[0], "jsonl.path: '" + d + "/a-directory' is a directory");
}

}  // namespace
}  // namespace trapsink::config::test
