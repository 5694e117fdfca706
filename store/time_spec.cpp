// Query times (store/time_spec.hpp).
#include "store/time_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace trapsink::store {
namespace {

using namespace std::chrono;

[[noreturn]] void bad_time(std::string_view text, std::string_view why) {
  throw usage_error(fmt::format(
      "'{}' is not a time{}: give a relative time (30s, 15m, 1h, 2d, 1w: that long ago) or a "
      "date and time in UTC (2026-11-21, \"2026-11-21 17:29\", 2026-11-21T17:29:03Z, "
      "2026-11-21T19:29:03+02:00)",
      text, why));
}

/// A relative time ("15m"), or nullopt when the text is not one.
std::optional<milliseconds> relative(std::string_view s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  const std::string_view unit(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr));
  double factor = 0;
  if (unit == "s") {
    factor = 1e3;
  } else if (unit == "m" || unit == "min") {
    factor = 60e3;
  } else if (unit == "h") {
    factor = 3600e3;
  } else if (unit == "d") {
    factor = 86400e3;
  } else if (unit == "w") {
    factor = 7 * 86400e3;
  } else {
    return std::nullopt;
  }
  const double ms = value * factor;
  if (ms > 1e13) return std::nullopt;  // more than ~300 years
  return milliseconds(std::llround(ms));
}

/// Exactly n digits at s[pos..]; advances pos.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

/// An absolute time (see parse_time), or throws for text that starts like a date but is wrong.
system_clock::time_point absolute(std::string_view text) {
  std::size_t pos = 0;
  const auto y = digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) bad_time(text, "");
  const auto mo = digits(text, pos, 2);
  if (!mo || !expect(text, pos, '-')) bad_time(text, " (the date is YYYY-MM-DD)");
  const auto d = digits(text, pos, 2);
  if (!d) bad_time(text, " (the date is YYYY-MM-DD)");
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) bad_time(text, " (no such date)");
  microseconds tod{0};
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    const auto h = digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) bad_time(text, " (the time of day is HH:MM[:SS])");
    const auto mi = digits(text, pos, 2);
    if (!mi) bad_time(text, " (the time of day is HH:MM[:SS])");
    int sec = 0;
    if (expect(text, pos, ':')) {
      const auto se = digits(text, pos, 2);
      if (!se) bad_time(text, " (the time of day is HH:MM[:SS])");
      sec = *se;
    }
    if (*h > 23 || *mi > 59 || sec > 60) bad_time(text, " (no such time of day)");
    std::int64_t frac = 0;
    if (expect(text, pos, '.')) {
      std::size_t n = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (n < 6) frac = frac * 10 + (text[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) bad_time(text, " (digits must follow the '.')");
      for (std::size_t i = n; i < 6; ++i) frac *= 10;
    }
    tod = hours{*h} + minutes{*mi} + seconds{std::min(sec, 59)} + microseconds{frac};
  }
  minutes offset{0};
  if (pos < text.size()) {
    const char c = text[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      const auto oh = digits(text, pos, 2);
      expect(text, pos, ':');
      const auto om = digits(text, pos, 2);
      if (!oh || !om || *oh > 23 || *om > 59) bad_time(text, " (the offset is +HH:MM or -HH:MM)");
      offset = hours{*oh} + minutes{*om};
      if (c == '-') offset = -offset;
    }
  }
  if (pos != text.size()) bad_time(text, "");
  return sys_days{ymd} + tod - offset;
}

}  // namespace

system_clock::time_point parse_time(std::string_view text, system_clock::time_point now) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) bad_time(text, " (it is empty)");
  if (text == "now") return now;
  if (auto rel = relative(text)) return now - duration_cast<system_clock::duration>(*rel);
  // A date starts with four digits and '-'; anything else is neither form.
  if (text.size() < 5 || text[4] != '-') bad_time(text, "");
  return absolute(text);
}

std::int64_t to_micros(system_clock::time_point t) noexcept {
  return duration_cast<microseconds>(t.time_since_epoch()).count();
}

std::string format_time_ms(std::int64_t micros) {
  const std::int64_t secs = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  const auto ms = static_cast<int>((micros - secs * 1'000'000) / 1000);
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace trapsink::store
