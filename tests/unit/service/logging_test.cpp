// JSON-lines logs to a file: one object a line with ts, level, logger and msg, text escaped
// (quotes, backslashes, control characters; invalid UTF-8 replaced), the file reopened after a
// rename.
#include "service/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace trapsink::service {
namespace {

std::vector<nlohmann::json> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(Logging, JsonLinesToAFileAreEscapedAndReopened) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("trapsink-log-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "t.log";
  log_settings s;
  s.format = "json";
  s.file = path.string();
  s.level = "info";
  apply_logging(s);
  EXPECT_EQ(log_file_path(), path.string());
  spdlog::debug("not logged at info");
  spdlog::warn("quote \" backslash \\ newline \n tab \t ctl \x01 z\xc3\xbcrich");
  spdlog::info("bad utf-8: \xff\xfe end");

  std::filesystem::rename(path, dir / "t.log.1");
  reopen_log_file();
  spdlog::error("after the reopen");

  const auto old_lines = read_lines(dir / "t.log.1");
  ASSERT_EQ(old_lines.size(), 2U);
  const std::regex ts(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  for (const auto& j : old_lines) {
    ASSERT_EQ(j.size(), 4U) << j.dump();
    EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(), ts)) << j.dump();
    EXPECT_EQ(j["logger"], "trapsink");
  }
  EXPECT_EQ(old_lines[0]["level"], "warn");
  EXPECT_EQ(old_lines[0]["msg"], "quote \" backslash \\ newline \n tab \t ctl \x01 z\xc3\xbcrich");
  EXPECT_EQ(old_lines[1]["level"], "info");
  EXPECT_EQ(old_lines[1]["msg"], "bad utf-8: ?? end");
  const auto new_lines = read_lines(path);
  ASSERT_EQ(new_lines.size(), 2U);
  EXPECT_EQ(new_lines[0]["msg"], "SIGHUP: reopened the log file " + path.string());
  EXPECT_EQ(new_lines[1]["level"], "error");
  EXPECT_EQ(new_lines[1]["msg"], "after the reopen");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read);

  // Back to text on standard error; an unopenable file is refused with its path.
  log_settings back;
  back.format = "text";
  back.file = "-";
  apply_logging(back);
  EXPECT_EQ(log_file_path(), "");
  log_settings bad;
  bad.file = (dir / "missing" / "x.log").string();
  try {
    apply_logging(bad);
    FAIL() << "an unopenable log file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "log_file: cannot open '" + bad.file.value() + "': No such file or directory");
  }
  log_settings wrong;
  wrong.format = "xml";
  EXPECT_THROW(apply_logging(wrong), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trapsink::service
