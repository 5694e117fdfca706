#pragma once
// Low-level pieces of the record encoder: a hand-written JSON writer that appends into a
// std::string (RFC 8259), and the octet-string rendering rules of docs/record.md (printable
// UTF-8 text or lowercase hex). The writer reserves room once per item and then writes through
// a raw pointer, so the encoder does no per-character capacity checks and no allocation beyond
// the growth of the output string. Nothing throws except std::bad_alloc from that growth.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace trapsink::pipeline::json {

/// True if `octets` is "printable UTF-8" as docs/record.md defines it:
/// - well-formed UTF-8 per RFC 3629 §4: no overlong forms, no surrogates (U+D800..U+DFFF),
///   nothing above U+10FFFF, no truncated or stray continuation bytes;
/// - no C0 control characters (U+0000..U+001F) except TAB (U+0009), LF (U+000A), CR (U+000D);
/// - no DEL (U+007F) and no C1 control characters (U+0080..U+009F).
/// The empty string is printable.
bool is_printable_utf8(std::string_view octets) noexcept;

/// Appends JSON text to a std::string. Construct it over the output, write, and let it go out of
/// scope (or call finish()): the string then holds exactly what was written after its previous
/// content. Do not touch the string while a writer is open on it.
class writer {
 public:
  /// Start appending to out.
  explicit writer(std::string& out) : out_(out) { p_ = end_ = out.data() + out.size(); }
  /// Calls finish().
  ~writer() { finish(); }
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Trim the string to what was written. Idempotent; the writer may be used again after it.
  void finish() {
    const auto used = static_cast<std::size_t>(p_ - out_.data());
    if (used != out_.size()) out_.resize(used);
    p_ = end_ = out_.data() + used;
  }

  /// Make room for at least n more characters.
  void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }

  /// One character.
  void put(char c) {
    reserve(1);
    *p_++ = c;
  }
  /// Characters written as they are (literal JSON, pre-encoded text).
  void raw(std::string_view s) {
    reserve(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  /// `"key":` (the key must not need escaping; keys are ours, never user data).
  void key(std::string_view k) {
    reserve(k.size() + 3);
    *p_++ = '"';
    std::memcpy(p_, k.data(), k.size());
    p_ += k.size();
    *p_++ = '"';
    *p_++ = ':';
  }

  /// A JSON string literal, quotes included. `"` and `\` are escaped as `\"` and `\\`; every
  /// control character U+0000..U+001F as `\u00XX` (lowercase hex); everything else, including
  /// non-ASCII UTF-8, passes through unchanged.
  void string(std::string_view s);
  /// The characters of s with string escaping, without quotes.
  void escaped(std::string_view s);
  /// The octets as lowercase hex with no separators ("00ff10"), without quotes.
  void hex(std::string_view octets);
  /// The octets dotted-decimal ("192.0.2.1" for four octets), without quotes.
  void dotted_octets(std::string_view octets);
  /// Dotted numeric sub-identifiers ("1.3.6.1"), without quotes; nothing for an empty list.
  void arcs(std::span<const std::uint32_t> arcs);
  /// A decimal number.
  void uint(std::uint64_t v);
  /// A decimal number, with '-' when negative.
  void int64(std::int64_t v);
  /// A quoted RFC 3339 UTC timestamp with microseconds: "2026-11-21T17:29:03.123456Z"
  /// (sub-microsecond digits are truncated).
  void time(std::chrono::system_clock::time_point t);

 private:
  void grow(std::size_t n);

  std::string& out_;
  char* p_;    ///< next character to write, inside out_
  char* end_;  ///< end of the room made so far (out_.data() + out_.size())
};

/// Writes the members of one JSON object, inserting the commas. Keys are written in the order
/// the caller calls the member functions, which is how docs/record.md fixes the key order.
class object_writer {
 public:
  /// Open an object (`{`); call close() to write the `}`.
  explicit object_writer(writer& w) : w_(w) { w_.put('{'); }

  /// Start a member: comma if needed, then `"key":`. The caller writes the value.
  writer& key(std::string_view k) {
    if (!first_) w_.put(',');
    first_ = false;
    w_.key(k);
    return w_;
  }
  /// A string member (escaped).
  void string(std::string_view k, std::string_view v) { key(k).string(v); }
  /// An unsigned number member.
  void uint(std::string_view k, std::uint64_t v) { key(k).uint(v); }
  /// A signed number member.
  void int64(std::string_view k, std::int64_t v) { key(k).int64(v); }
  /// A member whose value is literal JSON (null, true, false, or pre-encoded JSON).
  void raw(std::string_view k, std::string_view json) { key(k).raw(json); }
  /// Close the object (`}`).
  void close() { w_.put('}'); }

 private:
  writer& w_;
  bool first_ = true;
};

/// Append `s` as a JSON string literal (see writer::string).
void append_string(std::string& out, std::string_view s);
/// Append the octets as lowercase hex with no separators.
void append_hex(std::string& out, std::string_view octets);
/// Append the octets dotted-decimal.
void append_dotted_octets(std::string& out, std::string_view octets);
/// Append a decimal number.
void append_uint(std::string& out, std::uint64_t v);
/// Append a decimal number (with '-' when negative).
void append_int(std::string& out, std::int64_t v);
/// Append dotted numeric sub-identifiers; nothing for an empty list.
void append_arcs(std::string& out, std::span<const std::uint32_t> arcs);
/// Append the time as a quoted RFC 3339 UTC timestamp with microseconds.
void append_time(std::string& out, std::chrono::system_clock::time_point t);

}  // namespace trapsink::pipeline::json
