#include "mibs/resolver/display_hint.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <iterator>

namespace trapsink::mibs {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// One octet-format specification of RFC 2579 §3.1.
struct octet_spec {
  bool star = false;  ///< repeat indicator: the first octet of the group is a repeat count
  std::uint32_t width = 0;
  char format = 0;  ///< d x o a t
  char separator = 0;
  char terminator = 0;
};

/// Parse the specification at hint[pos...]; false if malformed.
bool parse_spec(std::string_view hint, std::size_t& pos, octet_spec& s) {
  s = octet_spec{};
  if (pos < hint.size() && hint[pos] == '*') {
    s.star = true;
    ++pos;
  }
  if (pos >= hint.size() || !is_digit(hint[pos])) return false;  // the length is mandatory
  while (pos < hint.size() && is_digit(hint[pos])) {
    s.width = s.width * 10 + static_cast<std::uint32_t>(hint[pos] - '0');
    if (s.width > 65535) return false;
    ++pos;
  }
  if (pos >= hint.size()) return false;
  s.format = hint[pos++];
  switch (s.format) {
    case 'd':
    case 'x':
    case 'o':
      if (s.width == 0 || s.width > 8) return false;  // a number of at most 64 bits
      break;
    case 'a':
    case 't':
      if (s.width == 0) return false;  // would never consume an octet
      break;
    default:
      return false;
  }
  auto is_marker = [&](std::size_t p) {
    return p < hint.size() && !is_digit(hint[p]) && hint[p] != '*';
  };
  if (is_marker(pos)) s.separator = hint[pos++];
  if (s.star && is_marker(pos)) s.terminator = hint[pos++];
  return true;
}

void append_number(std::uint64_t v, char format, std::string& out) {
  switch (format) {
    case 'x':
      fmt::format_to(std::back_inserter(out), "{:x}", v);
      break;
    case 'o':
      fmt::format_to(std::back_inserter(out), "{:o}", v);
      break;
    default:
      fmt::format_to(std::back_inserter(out), "{}", v);
      break;
  }
}

}  // namespace

bool is_printable_text(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;  // continuation byte, C0, C1, F5..FF
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;  // UTF-16 surrogates
    if (cp >= 0x80 && cp <= 0x9f) return false;      // C1 controls
    i += len;
  }
  return true;
}

void append_hex(std::string_view octets, std::string& out) {
  static constexpr char digits[] = "0123456789ABCDEF";
  out.reserve(out.size() + octets.size() * 3);
  bool first = true;
  for (char ch : octets) {
    const auto b = static_cast<unsigned char>(ch);
    if (!first) out.push_back(' ');
    first = false;
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
}

bool append_octets_hinted(std::string_view hint, std::string_view octets, std::string& out) {
  // Check the whole hint first, so that a malformed tail is refused even when the value ends
  // before it is reached.
  {
    std::size_t p = 0;
    octet_spec s;
    if (hint.empty()) return false;
    while (p < hint.size()) {
      if (!parse_spec(hint, p, s)) return false;
    }
  }
  const std::size_t mark = out.size();
  std::size_t hp = 0;
  std::size_t pos = 0;
  const std::size_t n = octets.size();
  octet_spec cur;
  while (pos < n) {
    // RFC 2579 §3.1: the last specification is reused until the value is exhausted.
    if (hp < hint.size()) parse_spec(hint, hp, cur);
    std::uint32_t repeat = 1;
    if (cur.star) repeat = static_cast<unsigned char>(octets[pos++]);
    for (std::uint32_t r = 0; r < repeat && pos < n; ++r) {
      const std::size_t take = std::min<std::size_t>(cur.width, n - pos);
      const std::string_view field = octets.substr(pos, take);
      if (cur.format == 'a' || cur.format == 't') {
        if (!is_printable_text(field)) {
          out.resize(mark);
          return false;
        }
        out.append(field);
      } else {
        std::uint64_t v = 0;
        for (char ch : field) v = (v << 8) | static_cast<unsigned char>(ch);
        append_number(v, cur.format, out);
      }
      pos += take;
      if (pos < n) {
        if (r + 1 == repeat && cur.terminator != 0) {
          // the terminator replaces the separator after the group's last item
        } else if (cur.separator != 0) {
          out.push_back(cur.separator);
        }
      }
    }
    if (cur.terminator != 0 && pos < n) out.push_back(cur.terminator);
  }
  return true;
}

bool append_integer_hinted(std::string_view hint, std::int64_t v, std::string& out) {
  if (hint.empty()) return false;
  const char f = hint[0];
  if (hint.size() > 1 && f != 'd') return false;
  const bool negative = v < 0;
  const std::uint64_t mag = negative ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(v)
                                     : static_cast<std::uint64_t>(v);
  switch (f) {
    case 'x':
    case 'o':
      if (negative) out.push_back('-');
      append_number(mag, f, out);
      return true;
    case 'b': {
      if (negative) out.push_back('-');
      fmt::format_to(std::back_inserter(out), "{:b}", mag);
      return true;
    }
    case 'd':
      break;
    default:
      return false;
  }
  // "d" or "d-N": N implied decimal places (RFC 2579 §3.1).
  std::uint32_t places = 0;
  if (hint.size() > 1) {
    if (hint[1] != '-' || hint.size() < 3 || hint.size() > 4) return false;
    for (std::size_t i = 2; i < hint.size(); ++i) {
      if (!is_digit(hint[i])) return false;
      places = places * 10 + static_cast<std::uint32_t>(hint[i] - '0');
    }
  }
  std::array<char, 24> buf{};
  const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), mag).ptr;
  const std::string_view digits(buf.data(), static_cast<std::size_t>(end - buf.data()));
  if (negative) out.push_back('-');
  if (places == 0) {
    out.append(digits);
  } else if (digits.size() <= places) {
    out.append("0.");
    out.append(places - digits.size(), '0');
    out.append(digits);
  } else {
    out.append(digits.substr(0, digits.size() - places));
    out.push_back('.');
    out.append(digits.substr(digits.size() - places));
  }
  return true;
}

}  // namespace trapsink::mibs
