// JSON-lines rotation against real files: by size and by time, files kept, gzip of rotated
// files, reopen after an external move (logrotate), and nothing lost or torn across files.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pipeline/sinks/jsonl/jsonl_sink.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline::sinks {
namespace {

namespace fs = std::filesystem;

class JsonlRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "trapsink-rotate-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "records.jsonl").string();
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
  static std::string gunzip(const fs::path& p) {
    gzFile f = gzopen(p.c_str(), "rb");
    EXPECT_NE(f, nullptr) << p;
    std::string out;
    char buf[4096];
    int n = 0;
    while (f != nullptr && (n = gzread(f, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<std::size_t>(n));
    if (f != nullptr) gzclose(f);
    return out;
  }
  /// Write records numbered from..to-1, one per batch.
  static void write_numbered(jsonl_sink& s, int from, int to) {
    for (int i = from; i < to; ++i) {
      auto r = samples::sample_v2c();
      r.id = std::to_string(i);
      std::vector<record_ptr> batch{std::make_shared<record>(r)};
      ASSERT_EQ(s.write(batch), write_result::ok);
    }
  }
  /// The ids of the lines in text, in order.
  static std::vector<int> ids(const std::string& text) {
    std::vector<int> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find("\"id\":\"") + 6;
      out.push_back(std::stoi(line.substr(at, line.find('"', at) - at)));
    }
    return out;
  }
  fs::path dir_;
  std::string path_;
};

std::size_t line_size() {
  auto r = samples::sample_v2c();
  r.id = "10";
  return to_json(r).size() + 1;
}

TEST_F(JsonlRotation, BySizeKeepsNFilesAndLosesNothingInBetween) {
  jsonl_options o;
  o.path = path_;
  o.rotate_size = 3 * line_size();  // rotate after every third line (ids 10..99 are 2 digits)
  o.keep = 2;
  {
    jsonl_sink s(o);
    write_numbered(s, 10, 20);  // 10 lines: 3 rotations, 1 line left in the current file
  }
  EXPECT_EQ(ids(slurp(path_)), (std::vector<int>{19}));
  EXPECT_EQ(ids(slurp(path_ + ".1")), (std::vector<int>{16, 17, 18}));
  EXPECT_EQ(ids(slurp(path_ + ".2")), (std::vector<int>{13, 14, 15}));
  EXPECT_FALSE(fs::exists(path_ + ".3"));  // 10, 11, 12 were rotated out (keep: 2)
}

TEST_F(JsonlRotation, CompressedRotatedFilesDecompressToTheLines) {
  jsonl_options o;
  o.path = path_;
  o.rotate_size = 2 * line_size();
  o.keep = 5;
  o.compress = true;
  {
    jsonl_sink s(o);
    write_numbered(s, 10, 15);
  }
  EXPECT_EQ(ids(slurp(path_)), (std::vector<int>{14}));
  EXPECT_EQ(ids(gunzip(path_ + ".1.gz")), (std::vector<int>{12, 13}));
  EXPECT_EQ(ids(gunzip(path_ + ".2.gz")), (std::vector<int>{10, 11}));
  EXPECT_FALSE(fs::exists(path_ + ".1"));  // the uncompressed copy is removed
}

TEST_F(JsonlRotation, ByTime) {
  jsonl_options o;
  o.path = path_;
  o.rotate_interval = std::chrono::seconds(1);
  jsonl_sink s(o);
  write_numbered(s, 10, 12);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write_numbered(s, 12, 13);  // the file is over a second old after this batch: rotated
  write_numbered(s, 13, 14);
  EXPECT_EQ(ids(slurp(path_ + ".1")), (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(ids(slurp(path_)), (std::vector<int>{13}));
}

TEST_F(JsonlRotation, ReopenAfterLogrotateMovedTheFile) {
  jsonl_options o;
  o.path = path_;
  o.fsync = jsonl_options::fsync_policy::batch;
  jsonl_sink s(o);
  write_numbered(s, 10, 12);
  fs::rename(path_, path_ + ".old");  // logrotate's move
  write_numbered(s, 12, 13);          // still the moved file: nothing reopened yet
  s.request_reopen();                 // SIGHUP while idle
  write_numbered(s, 13, 14);          // reopened before this batch: the new file
  write_numbered(s, 14, 15);
  EXPECT_EQ(ids(slurp(path_ + ".old")), (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(ids(slurp(path_)), (std::vector<int>{13, 14}));
}

TEST_F(JsonlRotation, ReopenAppendsToTheFileLogrotateCreated) {
  jsonl_options o;
  o.path = path_;
  jsonl_sink s(o);
  write_numbered(s, 10, 11);
  fs::rename(path_, path_ + ".1");        // logrotate: move ...
  std::ofstream(path_) << "# created\n";  // ... and `create`
  s.request_reopen();                     // postrotate: kill -HUP
  s.request_reopen();                     // a second signal changes nothing
  write_numbered(s, 11, 13);
  EXPECT_EQ(ids(slurp(path_ + ".1")), (std::vector<int>{10}));
  EXPECT_EQ(slurp(path_).substr(0, 10), "# created\n");
  EXPECT_EQ(ids(slurp(path_).substr(10)), (std::vector<int>{11, 12}));
}

TEST(JsonlFileOptions, Described) {
  jsonl_options o;
  EXPECT_EQ(describe_file_options(o), "no rotation; fsync never");
  o.rotate_size = 4096;
  o.keep = 2;
  o.compress = true;
  EXPECT_EQ(describe_file_options(o), "rotate at 4096 bytes, keep 2, gzip; fsync never");
  o.rotate_interval = std::chrono::hours(24);
  o.fsync = jsonl_options::fsync_policy::batch;
  EXPECT_EQ(describe_file_options(o),
            "rotate at 4096 bytes or every 1d, keep 2, gzip; fsync batch");
  o.rotate_size = 0;
  o.rotate_interval = std::chrono::seconds(90);
  EXPECT_EQ(describe_file_options(o), "rotate every 90s, keep 2, gzip; fsync batch");
  o.rotate_interval = std::chrono::minutes(30);
  EXPECT_EQ(describe_file_options(o), "rotate every 30m, keep 2, gzip; fsync batch");
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
