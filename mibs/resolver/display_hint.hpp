#pragma once
// DISPLAY-HINT rendering (RFC 2579 §3.1), as Net-SNMP prints hinted values.
//
// Both functions append to `out` and return true when the hint applied. On a malformed hint or a
// value that does not fit it they return false and leave `out` as it was: the caller falls back
// (append_hex for octets, plain decimal for integers). They never throw except std::bad_alloc.
#include <cstdint>
#include <string>
#include <string_view>

namespace trapsink::mibs {

/// Render `octets` under an octet-string hint such as "255a", "1x:", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"
/// or "*1x:/". Formats: d (decimal), x (lowercase hex, no padding, as Net-SNMP), o (octal),
/// a (ASCII), t (UTF-8). Returns false for a malformed hint, a numeric field wider than 8 octets,
/// or text (a/t) that is not printable UTF-8.
bool append_octets_hinted(std::string_view hint, std::string_view octets, std::string& out);

/// Render `v` under an integer hint: "d", "d-N" (N implied decimal places), "x", "o", "b".
/// Returns false for any other hint.
bool append_integer_hinted(std::string_view hint, std::int64_t v, std::string& out);

/// Octets as Net-SNMP's Hex-STRING: uppercase pairs separated by one space ("00 1B 21").
void append_hex(std::string_view octets, std::string& out);

/// True when the octets are well-formed UTF-8 (RFC 3629) without C0 controls other than TAB, LF
/// and CR, DEL or C1 controls: the rule the record uses for text (docs/record.md).
bool is_printable_text(std::string_view octets) noexcept;

}  // namespace trapsink::mibs
