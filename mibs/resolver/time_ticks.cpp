#include "mibs/resolver/time_ticks.hpp"

#include <fmt/format.h>

#include <iterator>

namespace trapsink::mibs {

void append_time_ticks(std::uint64_t ticks, std::string& out, ticks_style style) {
  const std::uint64_t centi = ticks % 100;
  std::uint64_t secs = ticks / 100;
  const std::uint64_t days = secs / 86400;
  secs %= 86400;
  const std::uint64_t hours = secs / 3600;
  secs %= 3600;
  const std::uint64_t minutes = secs / 60;
  secs %= 60;
  auto it = std::back_inserter(out);
  if (style == ticks_style::quick) {
    fmt::format_to(it, "{}:{}:{:02}:{:02}.{:02}", days, hours, minutes, secs, centi);
  } else if (days == 0) {
    fmt::format_to(it, "({}) {}:{:02}:{:02}.{:02}", ticks, hours, minutes, secs, centi);
  } else {
    fmt::format_to(it, "({}) {} {}, {}:{:02}:{:02}.{:02}", ticks, days, days == 1 ? "day" : "days",
                   hours, minutes, secs, centi);
  }
}

}  // namespace trapsink::mibs
