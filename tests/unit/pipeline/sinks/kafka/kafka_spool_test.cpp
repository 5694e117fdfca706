// The Kafka sink's disk spool: order, persistence across reopen, the size bound, torn tails.
#include "pipeline/sinks/kafka/kafka_spool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace trapsink::pipeline::sinks {
namespace {

namespace fs = std::filesystem;

class KafkaSpool : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "trapsink-spool-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  /// Message n: topic "t", key "k<n % 3>" (none for n % 5 == 0), two headers.
  static spooled_message msg(int n) {
    spooled_message m;
    m.topic = n % 2 == 0 ? "t" : "traps.v2c";
    if (n % 5 != 0) m.key = "k" + std::to_string(n % 3);
    m.timestamp_ms = 1'800'000'000'000 + n;
    m.headers = {{"trapsink-id", "id-" + std::to_string(n)}, {"empty", ""}};
    m.value = "{\"n\":" + std::to_string(n) + ",\"pad\":\"" + std::string(n % 50, 'x') + "\"}";
    return m;
  }
  static std::vector<spooled_message> msgs(int from, int to) {
    std::vector<spooled_message> v;
    for (int i = from; i < to; ++i) v.push_back(msg(i));
    return v;
  }
  /// Everything in the spool, consumed in rounds of `round` messages.
  static std::vector<spooled_message> drain(kafka_spool& s, std::size_t round = 7) {
    std::vector<spooled_message> all;
    for (;;) {
      spool_position next;
      auto part = s.peek(round, 1 << 20, next);
      if (part.empty()) break;
      all.insert(all.end(), part.begin(), part.end());
      s.consume(next);
    }
    return all;
  }
  fs::path dir_;
};

TEST_F(KafkaSpool, KeepsOrderAcrossSegments) {
  kafka_spool s(dir_ / "spool", 1 << 20, 4096);  // small segments: many files
  EXPECT_TRUE(s.empty());
  for (int i = 0; i < 200; i += 10) ASSERT_TRUE(s.append(msgs(i, i + 10)));
  EXPECT_FALSE(s.empty());
  EXPECT_GT(std::distance(fs::directory_iterator(dir_ / "spool"), fs::directory_iterator{}), 3);
  EXPECT_EQ(drain(s), msgs(0, 200));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.bytes(), 0u);
  // Drained: no segment files left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "spool"), fs::directory_iterator{}), 0);
  // And it works again afterwards.
  ASSERT_TRUE(s.append(msgs(500, 503)));
  EXPECT_EQ(drain(s), msgs(500, 503));
}

TEST_F(KafkaSpool, PeekWithoutConsumeReturnsTheSameMessages) {
  kafka_spool s(dir_, 1 << 20);
  ASSERT_TRUE(s.append(msgs(0, 20)));
  spool_position a, b;
  const auto first = s.peek(5, 1 << 20, a);
  const auto again = s.peek(5, 1 << 20, b);
  EXPECT_EQ(first, again);
  EXPECT_EQ(a, b);
  EXPECT_EQ(first, msgs(0, 5));
  s.consume(a);
  EXPECT_EQ(s.peek(100, 1 << 20, b), msgs(5, 20));
}

TEST_F(KafkaSpool, SurvivesReopenAtTheCursor) {
  {
    kafka_spool s(dir_, 1 << 20, 4096);
    ASSERT_TRUE(s.append(msgs(0, 100)));
    spool_position next;
    EXPECT_EQ(s.peek(30, 1 << 20, next), msgs(0, 30));
    s.consume(next);
  }
  kafka_spool s(dir_, 1 << 20, 4096);
  EXPECT_FALSE(s.empty());
  ASSERT_TRUE(s.append(msgs(100, 110)));
  EXPECT_EQ(drain(s), msgs(30, 110));
}

TEST_F(KafkaSpool, RefusesBeyondItsBound) {
  kafka_spool s(dir_, 8192);
  int n = 0;
  while (s.append(msgs(n, n + 1))) ++n;
  EXPECT_GT(n, 10);
  EXPECT_LE(s.bytes(), 8192u);
  const auto before = s.bytes();
  EXPECT_FALSE(s.append(msgs(0, 1)));
  EXPECT_EQ(s.bytes(), before);  // all or nothing
  spool_position next;
  EXPECT_EQ(s.peek(5, 1 << 20, next).size(), 5u);
  s.consume(next);
  EXPECT_TRUE(s.append(msgs(n, n + 1)));  // room again
  const auto all = drain(s);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n + 1 - 5));
  EXPECT_EQ(all.back(), msg(n));
}

TEST_F(KafkaSpool, CutsATornTailOnOpen) {
  {
    kafka_spool s(dir_, 1 << 20);
    ASSERT_TRUE(s.append(msgs(0, 10)));
  }
  // A crash in the middle of an append: half a frame at the end of the segment.
  fs::path seg;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() == ".seg") seg = e.path();
  }
  ASSERT_FALSE(seg.empty());
  const auto size = fs::file_size(seg);
  {
    std::ofstream out(seg, std::ios::binary | std::ios::app);
    const std::string torn("TSK1\x40\x00\x00\x00garbage", 15);
    out.write(torn.data(), static_cast<std::streamsize>(torn.size()));
  }
  kafka_spool s(dir_, 1 << 20);
  EXPECT_EQ(fs::file_size(seg), size);
  ASSERT_TRUE(s.append(msgs(10, 12)));
  EXPECT_EQ(drain(s), msgs(0, 12));
}

TEST_F(KafkaSpool, SkipsACorruptFrameAndCountsIt) {
  kafka_spool s(dir_, 1 << 20, 4096);
  ASSERT_TRUE(s.append(msgs(0, 5)));
  fs::path seg;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() == ".seg") seg = e.path();
  }
  {
    std::fstream f(seg, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(20);
    f.put('\x7f');  // inside the first frame's message: its checksum fails
  }
  spool_position next;
  EXPECT_TRUE(s.peek(100, 1 << 20, next).empty());
  EXPECT_EQ(s.corrupt_frames(), 1u);
  s.consume(next);
  EXPECT_TRUE(s.empty());
}

TEST_F(KafkaSpool, NamesTheDirectoryWhenItCannotBeCreated) {
  try {
    kafka_spool s(dir_ / "missing" / "spool", 1 << 20);
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "missing" / "spool").string()), std::string::npos)
        << e.what();
  }
}

TEST(Crc32, KnownAnswer) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32({reinterpret_cast<const unsigned char*>(s.data()), s.size()}), 0xCBF43926u);
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
