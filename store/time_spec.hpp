#pragma once
// Times as people type them in queries (`trapsink query --since 15m`, later the HTTP API):
// relative ("15m" ago) or absolute (RFC 3339, or a date with an optional time of day, UTC).
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trapsink::store {

/// A query argument that cannot be understood (a bad time, address, OID or format): the CLI
/// answers exit code 2. what() says what was wrong and what is accepted.
class usage_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Parse a point in time:
/// - relative, meaning that long before `now`: a whole or decimal number and a unit, `s`, `m`
///   (minutes), `h`, `d` (days) or `w` (weeks): "30s", "15m", "1.5h", "2d", "1w"; or "now";
/// - absolute, RFC 3339: "2026-11-21T17:29:03Z", "2026-11-21T17:29:03.123456+02:00";
/// - absolute, a date with an optional time of day in UTC, 'T' or a space between:
///   "2026-11-21", "2026-11-21 17:29", "2026-11-21 17:29:03" (an offset or `Z` may follow).
/// Throws usage_error naming the text and the accepted forms.
std::chrono::system_clock::time_point parse_time(std::string_view text,
                                                 std::chrono::system_clock::time_point now);

/// Microseconds since the Unix epoch (the unit of the `time` column).
std::int64_t to_micros(std::chrono::system_clock::time_point t) noexcept;

/// "2026-11-21 17:29:03.123" (UTC, milliseconds) for microseconds since the epoch.
std::string format_time_ms(std::int64_t micros);

}  // namespace trapsink::store
