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

/// The value of a varbind for target: type '=' takes the type from the SYNTAX of the object
/// target names in the MIB (Net-SNMP's '=' of snmpset(1)): INTEGER (an enumeration label or a
/// number), Unsigned32/Gauge32, Counter32, Counter64, TimeTicks, IpAddress, OBJECT IDENTIFIER,
/// OCTET STRING (the text), BITS (bit names or numbers); any other letter as
/// parse_typed_value. Throws std::invalid_argument when MIBs are off, the object has no SYNTAX
/// or the text does not fit it.
snmp::message::value parse_value_for(const snmp::ber::oid& target, char type, std::string_view text,
                                     const varbind_formatter& names);

/// One `OID TYPE VALUE` triplet of snmpset(1) / snmptrap(1). Throws std::invalid_argument
/// naming the OID, the type or the value.
snmp::message::varbind parse_varbind(const varbind_formatter& names, const std::string& oid,
                                     const std::string& type, const std::string& value);

}  // namespace trapsink::cli
