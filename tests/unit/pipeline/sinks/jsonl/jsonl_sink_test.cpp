// The JSON-lines sink against real files.
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "pipeline/sink_runner.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline::sinks {
namespace {

namespace fs = std::filesystem;

/// A fresh temporary directory, removed with its content at the end of the test.
class JsonlSink : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "trapsink-jsonl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

std::vector<record_ptr> batch_of(std::initializer_list<record> rs) {
  std::vector<record_ptr> out;
  for (const auto& r : rs) out.push_back(std::make_shared<record>(r));
  return out;
}

/// The file holds exactly n lines: samples::numbered(0) .. numbered(n-1), in order.
void expect_numbered_lines(const std::string& text, int n) {
  std::istringstream in(text);
  std::string line;
  int seen = 0;
  while (std::getline(in, line)) {
    auto r = samples::sample_v2c();
    r.id = std::to_string(seen++);
    ASSERT_EQ(line, to_json(r)) << "line " << seen;
  }
  EXPECT_EQ(seen, n);
}

TEST_F(JsonlSink, WritesOneExactLinePerRecord) {
  const auto path = dir_ / "out.jsonl";
  {
    jsonl_sink s({.path = path.string()});
    EXPECT_EQ(s.name(), "jsonl");
    const auto b1 = batch_of({samples::sample_v1(), samples::sample_v2c()});
    const auto b2 = batch_of({samples::sample_v2c()});
    EXPECT_EQ(s.write(b1), write_result::ok);
    // "sent" means in the file: visible before flush() or close.
    EXPECT_EQ(slurp(path),
              std::string(samples::sample_v1_json()) + "\n" + samples::sample_v2c_json() + "\n");
    EXPECT_EQ(s.write(b2), write_result::ok);
    s.flush();
  }
  EXPECT_EQ(slurp(path), std::string(samples::sample_v1_json()) + "\n" +
                             samples::sample_v2c_json() + "\n" + samples::sample_v2c_json() + "\n");
}

TEST_F(JsonlSink, SmallBufferSplitsWritesButNotLines) {
  const auto path = dir_ / "small.jsonl";
  {
    jsonl_sink s({.path = path.string(), .buffer_size = 16});
    std::vector<record_ptr> b;
    for (int i = 0; i < 50; ++i) b.push_back(samples::numbered(i));
    EXPECT_EQ(s.write(b), write_result::ok);
  }
  expect_numbered_lines(slurp(path), 50);
}

TEST_F(JsonlSink, AppendsToAnExistingFileAndCreatesWithMode0640) {
  const auto path = dir_ / "existing.jsonl";
  { std::ofstream(path) << "previous line\n"; }
  {
    jsonl_sink s({.path = path.string()});
    EXPECT_EQ(s.write(batch_of({samples::sample_v1()})), write_result::ok);
  }
  EXPECT_EQ(slurp(path), "previous line\n" + std::string(samples::sample_v1_json()) + "\n");

  const auto fresh = dir_ / "fresh.jsonl";
  const mode_t old_mask = ::umask(022);
  { jsonl_sink s({.path = fresh.string()}); }
  ::umask(old_mask);
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(fs::file_size(fresh), 0u);
}

TEST_F(JsonlSink, OpenFailureNamesThePathAndTheReason) {
  const auto path = (dir_ / "no-such-dir" / "x.jsonl").string();
  try {
    jsonl_sink s({.path = path});
    FAIL() << "expected an exception";
  } catch (const std::system_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
    EXPECT_EQ(e.code().value(), ENOENT);
  }
  EXPECT_THROW(jsonl_sink({.path = ""}), std::invalid_argument);
}

TEST_F(JsonlSink, DiskFullAnswersRetry) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  jsonl_sink s({.path = "/dev/full"});
  const auto b = batch_of({samples::sample_v1()});
  EXPECT_EQ(s.write(b), write_result::retry);
  EXPECT_EQ(s.write(b), write_result::retry);  // the runner's retry of the same batch
  s.flush();
}

TEST_F(JsonlSink, UnderARunnerEveryRecordReachesTheFile) {
  const auto path = dir_ / "runner.jsonl";
  core::metrics_registry metrics;
  {
    sink_runner runner(std::make_unique<jsonl_sink>(jsonl_options{.path = path.string()}), metrics,
                       {.max_batch = 32, .linger = std::chrono::milliseconds{1}});
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(runner.try_push(samples::numbered(i)));
    runner.stop(std::chrono::seconds{10});
  }
  expect_numbered_lines(slurp(path), 1000);
  EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"jsonl\"").value(), 1000u);
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
