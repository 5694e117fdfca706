// Query times: relative and absolute forms, and the errors for everything else.
#include "store/time_spec.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace trapsink::store {
namespace {

using namespace std::chrono;

/// 2026-11-21T17:29:03.123456Z
const system_clock::time_point now =
    sys_days{year{2026} / 11 / 21} + 17h + 29min + 3s + microseconds{123456};

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0,
                             int us = 0) {
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

TEST(TimeSpec, Relative) {
  EXPECT_EQ(parse_time("30s", now), now - 30s);
  EXPECT_EQ(parse_time("15m", now), now - 15min);
  EXPECT_EQ(parse_time("15min", now), now - 15min);
  EXPECT_EQ(parse_time("1h", now), now - 1h);
  EXPECT_EQ(parse_time("1.5h", now), now - 90min);
  EXPECT_EQ(parse_time("2d", now), now - 48h);
  EXPECT_EQ(parse_time("1w", now), now - 168h);
  EXPECT_EQ(parse_time(" 0s ", now), now);
  EXPECT_EQ(parse_time("now", now), now);
}

TEST(TimeSpec, Absolute) {
  EXPECT_EQ(parse_time("2026-11-21", now), utc(2026, 11, 21));
  EXPECT_EQ(parse_time("2026-11-21 17:29", now), utc(2026, 11, 21, 17, 29));
  EXPECT_EQ(parse_time("2026-11-21 17:29:03", now), utc(2026, 11, 21, 17, 29, 3));
  EXPECT_EQ(parse_time("2026-11-21T17:29:03Z", now), utc(2026, 11, 21, 17, 29, 3));
  EXPECT_EQ(parse_time("2026-11-21T17:29:03.123456Z", now), now);
  EXPECT_EQ(parse_time("2026-11-21T17:29:03.5Z", now), utc(2026, 11, 21, 17, 29, 3, 500000));
  EXPECT_EQ(parse_time("2026-11-21T17:29:03.1234567Z", now), now);  // beyond µs: cut
  EXPECT_EQ(parse_time("2026-11-21T19:29:03+02:00", now), utc(2026, 11, 21, 17, 29, 3));
  EXPECT_EQ(parse_time("2026-11-21T12:29:03-0500", now), utc(2026, 11, 21, 17, 29, 3));
  EXPECT_EQ(parse_time("2024-02-29", now), utc(2024, 2, 29));
}

TEST(TimeSpec, ErrorsNameTheTextAndTheForms) {
  for (const char* bad :
       {"", "15x", "yesterday", "-5m", "2026-13-01", "2026-02-30", "2026-11-21 25:00",
        "2026-11-21T17", "2026-11-21 17:29 UTC", "21.11.2026", "2026-11-21T17:29:03+2", "m"}) {
    try {
      parse_time(bad, now);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const usage_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("is not a time"), std::string::npos) << what;
      EXPECT_NE(what.find("15m"), std::string::npos) << what;  // the forms are listed
    }
  }
}

TEST(TimeSpec, MicrosAndDisplay) {
  EXPECT_EQ(to_micros(now), 1'795'282'143'123'456);
  EXPECT_EQ(format_time_ms(1'795'282'143'123'456), "2026-11-21 17:29:03.123");
  EXPECT_EQ(format_time_ms(0), "1970-01-01 00:00:00.000");
}

}  // namespace
}  // namespace trapsink::store
