// The hand-written JSON writer and the octet-string rendering rules (docs/record.md).
#include "pipeline/record/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace trapsink::pipeline::json {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// 1 for every byte that must be escaped inside a JSON string (RFC 8259 §7).
constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr std::array<bool, 256> needs_escape = make_escape_table();

// Eight bytes at a time ("SWAR", word-parallel bit tricks): these tell exactly whether *any*
// byte of a 64-bit word has the property, which lets the common all-plain case skip the
// per-byte loop.
constexpr std::uint64_t ones = 0x0101010101010101ULL;
constexpr std::uint64_t highs = 0x8080808080808080ULL;

/// Eight bytes from p (unaligned).
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
/// Nonzero if some byte of x is below n (n <= 128).
constexpr std::uint64_t has_less(std::uint64_t x, std::uint8_t n) noexcept {
  return (x - ones * n) & ~x & highs;
}
/// Nonzero if some byte of x equals b.
constexpr std::uint64_t has_byte(std::uint64_t x, std::uint8_t b) noexcept {
  const std::uint64_t v = x ^ (ones * b);
  return (v - ones) & ~v & highs;
}
/// Nonzero if some byte of x needs escaping in a JSON string.
constexpr std::uint64_t has_escape(std::uint64_t x) noexcept {
  return has_less(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\');
}
/// Nonzero unless every byte of x is printable ASCII (0x20..0x7e).
constexpr std::uint64_t has_non_printable_ascii(std::uint64_t x) noexcept {
  return has_less(x, 0x20) | (x & highs) | has_byte(x, 0x7f);
}

/// Is b a UTF-8 continuation byte within [lo, hi]?
constexpr bool in_range(unsigned char b, unsigned char lo, unsigned char hi) noexcept {
  return b >= lo && b <= hi;
}

/// Two decimal digits of v (0..99) at p.
inline void put2(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

/// Decimal digits of v at p; returns the end. Sub-identifiers and small counters are mostly one
/// or two digits, so those skip std::to_chars.
inline char* put_u64(char* p, std::uint64_t v) noexcept {
  if (v < 10) {
    *p = static_cast<char>('0' + v);
    return p + 1;
  }
  if (v < 100) {
    put2(p, static_cast<unsigned>(v));
    return p + 2;
  }
  return std::to_chars(p, p + 20, v).ptr;
}

}  // namespace

bool is_printable_utf8(std::string_view octets) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(octets.data());
  const auto* end = p + octets.size();
  while (p < end) {
    if (end - p >= 8 && !has_non_printable_ascii(load8(reinterpret_cast<const char*>(p)))) {
      p += 8;  // eight printable ASCII characters
      continue;
    }
    const unsigned char b0 = *p;
    if (b0 < 0x80) {
      // ASCII: C0 controls other than TAB/LF/CR and DEL are not printable.
      if ((b0 < 0x20 && b0 != '\t' && b0 != '\n' && b0 != '\r') || b0 == 0x7f) return false;
      ++p;
      continue;
    }
    // RFC 3629 §4 (UTF8-2, UTF8-3, UTF8-4): the allowed second-byte range depends on the lead
    // byte, which is what excludes overlong forms, surrogates and code points above U+10FFFF.
    const std::ptrdiff_t left = end - p;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (left < 2 || !in_range(p[1], 0x80, 0xbf)) return false;
      // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
      if (b0 == 0xc2 && p[1] < 0xa0) return false;
      p += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (left < 3) return false;
      const unsigned char lo = b0 == 0xe0 ? 0xa0 : 0x80;  // E0: no overlongs
      const unsigned char hi = b0 == 0xed ? 0x9f : 0xbf;  // ED: no surrogates
      if (!in_range(p[1], lo, hi) || !in_range(p[2], 0x80, 0xbf)) return false;
      p += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (left < 4) return false;
      const unsigned char lo = b0 == 0xf0 ? 0x90 : 0x80;  // F0: no overlongs
      const unsigned char hi = b0 == 0xf4 ? 0x8f : 0xbf;  // F4: nothing above U+10FFFF
      if (!in_range(p[1], lo, hi) || !in_range(p[2], 0x80, 0xbf) || !in_range(p[3], 0x80, 0xbf))
        return false;
      p += 4;
    } else {
      return false;  // 80..C1 (stray continuation, overlong lead) or F5..FF
    }
  }
  return true;
}

void writer::grow(std::size_t n) {
  const auto used = static_cast<std::size_t>(p_ - out_.data());
  // resize() zero-fills the new room, so take a bounded step (up to 1 KiB beyond the need)
  // while the capacity already held suffices, and grow geometrically beyond it.
  constexpr std::size_t step = 1024;
  std::size_t want = used + n;
  if (want <= out_.capacity()) {
    want = std::min(out_.capacity(), std::max(want, used + step));
  } else {
    want = std::max(want, 2 * used);
  }
  out_.resize(want);
  p_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void writer::escaped(std::string_view s) {
  reserve(s.size());
  const char* run = s.data();
  const char* end = s.data() + s.size();
  // The usual case: nothing to escape. Check eight bytes at a time, the last few padded with
  // spaces (plain), then copy the string in one go.
  {
    const char* q = run;
    while (end - q >= 8 && !has_escape(load8(q))) q += 8;
    std::uint64_t tail = ones * ' ';
    const auto left = static_cast<std::size_t>(end - q);
    if (left < 8) {
      std::memcpy(&tail, q, left);
      if (!has_escape(tail)) {
        std::memcpy(p_, run, s.size());
        p_ += s.size();
        return;
      }
    }
  }
  for (const char* q = run; q < end; ++q) {
    while (end - q >= 8 && !has_escape(load8(q))) q += 8;  // skip plain stretches
    if (q == end) break;
    const auto c = static_cast<unsigned char>(*q);
    if (!needs_escape[c]) continue;
    const auto n = static_cast<std::size_t>(q - run);
    std::memcpy(p_, run, n);
    p_ += n;
    reserve(6 + static_cast<std::size_t>(end - q));  // this escape + the rest unescaped
    *p_++ = '\\';
    if (c == '"' || c == '\\') {
      *p_++ = static_cast<char>(c);
    } else {
      *p_++ = 'u';
      *p_++ = '0';
      *p_++ = '0';
      *p_++ = hex_digits[c >> 4];
      *p_++ = hex_digits[c & 0xf];
    }
    run = q + 1;
  }
  const auto n = static_cast<std::size_t>(end - run);
  std::memcpy(p_, run, n);
  p_ += n;
}

void writer::string(std::string_view s) {
  put('"');
  escaped(s);
  put('"');
}

void writer::hex(std::string_view octets) {
  reserve(2 * octets.size());
  for (const char ch : octets) {
    const auto c = static_cast<unsigned char>(ch);
    *p_++ = hex_digits[c >> 4];
    *p_++ = hex_digits[c & 0xf];
  }
}

void writer::dotted_octets(std::string_view octets) {
  reserve(4 * octets.size());
  bool first = true;
  for (const char ch : octets) {
    if (!first) *p_++ = '.';
    first = false;
    p_ = put_u64(p_, static_cast<unsigned char>(ch));
  }
}

void writer::uint(std::uint64_t v) {
  reserve(20);
  p_ = put_u64(p_, v);
}

void writer::int64(std::int64_t v) {
  reserve(20);
  p_ = std::to_chars(p_, end_, v).ptr;
}

void writer::arcs(std::span<const std::uint32_t> arcs) {
  reserve(11 * arcs.size());  // up to 10 digits and a dot per arc
  bool first = true;
  for (const std::uint32_t a : arcs) {
    if (!first) *p_++ = '.';
    first = false;
    p_ = put_u64(p_, a);
  }
}

void writer::time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto day = floor<days>(us);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> tod{us - day};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    // Not representable in RFC 3339; never produced by a real clock.
    raw("\"0000-01-01T00:00:00.000000Z\"");
    return;
  }
  reserve(29);
  char* b = p_;
  std::memcpy(b, "\"YYYY-MM-DDTHH:MM:SS.ffffffZ\"", 29);
  const auto uy = static_cast<unsigned>(y);
  put2(b + 1, uy / 100);
  put2(b + 3, uy % 100);
  put2(b + 6, static_cast<unsigned>(ymd.month()));
  put2(b + 9, static_cast<unsigned>(ymd.day()));
  put2(b + 12, static_cast<unsigned>(tod.hours().count()));
  put2(b + 15, static_cast<unsigned>(tod.minutes().count()));
  put2(b + 18, static_cast<unsigned>(tod.seconds().count()));
  auto frac = static_cast<unsigned>(tod.subseconds().count());
  for (int i = 26; i >= 21; --i) {
    b[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  p_ += 29;
}

void append_string(std::string& out, std::string_view s) { writer(out).string(s); }
void append_hex(std::string& out, std::string_view octets) { writer(out).hex(octets); }
void append_dotted_octets(std::string& out, std::string_view octets) {
  writer(out).dotted_octets(octets);
}
void append_uint(std::string& out, std::uint64_t v) { writer(out).uint(v); }
void append_int(std::string& out, std::int64_t v) { writer(out).int64(v); }
void append_arcs(std::string& out, std::span<const std::uint32_t> arcs) { writer(out).arcs(arcs); }
void append_time(std::string& out, std::chrono::system_clock::time_point t) { writer(out).time(t); }

}  // namespace trapsink::pipeline::json
