#pragma once
// TimeTicks (RFC 2578 §7.1.8, hundredths of a second) written as Net-SNMP writes them. The one
// implementation behind the resolver's rendering (records' `display`, named output) and the
// command-line tools' numeric output.
#include <cstdint>
#include <string>

namespace trapsink::mibs {

/// Which of Net-SNMP's forms.
enum class ticks_style : std::uint8_t {
  full,   ///< `(123456) 0:20:34.56`, `(8640000) 1 day, 0:00:00.00` (after `Timeticks: `)
  quick,  ///< -Oq: `0:0:20:34.56` (days:hours:minutes:seconds.hundredths)
};

/// Append ticks in the given style.
void append_time_ticks(std::uint64_t ticks, std::string& out,
                       ticks_style style = ticks_style::full);

}  // namespace trapsink::mibs
