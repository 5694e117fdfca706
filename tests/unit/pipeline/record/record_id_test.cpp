// Record ids: ULIDs (https://github.com/ulid/spec), unique and monotonic within the process.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {
namespace {

constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The 48-bit millisecond timestamp in the first ten characters of a ULID.
std::uint64_t ulid_ms(const std::string& id) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 10; ++i) v = (v << 5) | crockford.find(id[i]);
  return v;
}

TEST(RecordId, FormatIs26CrockfordCharacters) {
  const auto id = make_record_id(std::chrono::system_clock::now());
  ASSERT_EQ(id.size(), 26u);
  for (const char c : id) EXPECT_NE(crockford.find(c), std::string_view::npos) << id;
  EXPECT_LE(id[0], '7');  // 128 bits in 130: the first character carries 3 bits
}

TEST(RecordId, EncodesTheMillisecondTimestamp) {
  using namespace std::chrono;
  // 2250-01-01T00:00:00.123Z = 8835955200123 ms: later than any other test's time, so the
  // timestamp is used as is whatever order the tests run in (system_clock ends in 2262).
  const auto t = sys_days{year{2250} / 1 / 1} + milliseconds{123};
  const auto id = make_record_id(t);
  EXPECT_EQ(ulid_ms(id),
            static_cast<std::uint64_t>(duration_cast<milliseconds>(t.time_since_epoch()).count()));
  EXPECT_EQ(id.substr(0, 10), "08153ZH43V");  // 8835955200123 in Crockford base32
}

TEST(RecordId, TenThousandUniqueAndStrictlyIncreasing) {
  // All within very few milliseconds: exercises the monotonic increment of the random part.
  const auto now = std::chrono::system_clock::now() + std::chrono::hours{24 * 365 * 10};
  std::vector<std::string> ids;
  ids.reserve(10000);
  for (int i = 0; i < 10000; ++i) ids.push_back(make_record_id(now));
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(ulid_ms(ids.front()), ulid_ms(ids.back()));  // same millisecond throughout
}

TEST(RecordId, ASlightlyEarlierTimeNeverGoesBackwards) {
  const auto later = std::chrono::system_clock::now() + std::chrono::hours{24 * 365 * 11};
  const auto a = make_record_id(later);
  const auto b = make_record_id(later - std::chrono::milliseconds{500});
  EXPECT_LT(a, b);
  EXPECT_EQ(ulid_ms(a), ulid_ms(b));
}

TEST(RecordId, AClockStepBackRestartsAtTheNewTime) {
  using namespace std::chrono;
  const auto later = system_clock::now() + hours{24 * 365 * 12};
  const auto a = make_record_id(later);
  const auto b = make_record_id(later - seconds{10});
  EXPECT_EQ(ulid_ms(a) - ulid_ms(b), 10000u);
}

TEST(RecordId, UniqueAcrossThreads) {
  constexpr int threads = 4;
  constexpr int per_thread = 5000;
  std::vector<std::vector<std::string>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&got, t] {
      for (int i = 0; i < per_thread; ++i) {
        got[t].push_back(make_record_id(std::chrono::system_clock::now()));
      }
    });
  }
  for (auto& th : pool) th.join();
  std::set<std::string> all;
  for (const auto& v : got) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));  // monotonic within each thread too
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
}

}  // namespace
}  // namespace trapsink::pipeline
