#pragma once
// Values given on the command line with Net-SNMP's type letters (snmpset(1), snmptrap(1)):
//   i INTEGER   u Unsigned32/Gauge32   c Counter32   C Counter64   t TimeTicks   a IpAddress
//   o OBJECT IDENTIFIER   s STRING   x hex STRING   d decimal STRING   b BITS   n NULL
//   U, I, F, D: unsigned/signed 64-bit integer, float, double in an Opaque (Net-SNMP's
//   opaque special types, encoded as Net-SNMP encodes them)
#include <string_view>

#include "cli/varbind_format.hpp"
#include "snmp/message/value.hpp"

namespace trapsink::cli {

/// Parse text as the type letter says. Throws std::invalid_argument naming the letter, the
/// text and what it accepts.
snmp::message::value parse_typed_value(char type, std::string_view text,
                                       const varbind_formatter& names);

}  // namespace trapsink::cli
