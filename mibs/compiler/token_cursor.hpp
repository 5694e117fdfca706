#pragma once
// The parser's position in a module's tokens: looking ahead, consuming, failing with
// "expected X, found Y" at a line:column, and collecting warnings. Shared by value_parser (types,
// OID values, ranges) and the module parser.
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mibs/compiler/lexer.hpp"
#include "mibs/compiler/options.hpp"
#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs::compiler {

using tk = token::kind;

/// Stops the parse of one module; caught by the module parser, reported as an error.
struct parse_error : std::runtime_error {
  parse_error(const token& at, const std::string& what)
      : std::runtime_error(what), line(at.line), column(at.column) {}
  std::uint32_t line;
  std::uint32_t column;
};

/// The macros the parser knows (RFC 1212, 1215, 2578, 2579, 2580).
inline constexpr std::array macro_names{
    std::string_view{"OBJECT-TYPE"},        std::string_view{"OBJECT-IDENTITY"},
    std::string_view{"MODULE-IDENTITY"},    std::string_view{"NOTIFICATION-TYPE"},
    std::string_view{"TRAP-TYPE"},          std::string_view{"OBJECT-GROUP"},
    std::string_view{"NOTIFICATION-GROUP"}, std::string_view{"MODULE-COMPLIANCE"},
    std::string_view{"AGENT-CAPABILITIES"}, std::string_view{"TEXTUAL-CONVENTION"}};

inline constexpr std::array clause_names{
    std::string_view{"SYNTAX"},          std::string_view{"WRITE-SYNTAX"},
    std::string_view{"ACCESS"},          std::string_view{"MAX-ACCESS"},
    std::string_view{"MIN-ACCESS"},      std::string_view{"STATUS"},
    std::string_view{"DESCRIPTION"},     std::string_view{"REFERENCE"},
    std::string_view{"UNITS"},           std::string_view{"DISPLAY-HINT"},
    std::string_view{"CONTACT-INFO"},    std::string_view{"ORGANIZATION"},
    std::string_view{"LAST-UPDATED"},    std::string_view{"REVISION"},
    std::string_view{"PRODUCT-RELEASE"}, std::string_view{"INDEX"},
    std::string_view{"AUGMENTS"},        std::string_view{"DEFVAL"},
    std::string_view{"OBJECTS"},         std::string_view{"NOTIFICATIONS"},
    std::string_view{"VARIABLES"},       std::string_view{"ENTERPRISE"},
    std::string_view{"MODULE"},          std::string_view{"SUPPORTS"}};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view w) noexcept {
  for (auto s : set)
    if (s == w) return true;
  return false;
}

inline std::int64_t clamp_number(std::string_view text) noexcept {
  const bool negative = !text.empty() && text.front() == '-';
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range)
    return negative ? std::numeric_limits<std::int64_t>::min()
                    : std::numeric_limits<std::int64_t>::max();
  return v;
}

inline std::int64_t radix_value(std::string_view digits, int radix) noexcept {
  std::uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      continue;  // spaces inside the quotes
    }
    if (d >= radix) continue;
    if (v > (std::numeric_limits<std::uint64_t>::max() >> (radix == 16 ? 4 : 1)))
      return std::numeric_limits<std::int64_t>::max();
    v = v * static_cast<std::uint64_t>(radix) + static_cast<std::uint64_t>(d);
  }
  return v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(v);
}

/// A position in one module's tokens. Errors throw parse_error (caught per module); warnings
/// are collected in warnings_ and merged into the module's diagnostics by the module parser.
class token_cursor {
 public:
  token_cursor(const std::vector<token>& toks, std::size_t pos, const std::string& file,
               const leniency& opts)
      : t_(toks), pos_(pos), file_(file), opts_(opts) {}

 protected:
  const token& cur() const { return t_[pos_]; }
  const token& peek(std::size_t n = 1) const {
    return t_[pos_ + n < t_.size() ? pos_ + n : t_.size() - 1];
  }
  const token& next() {
    const token& r = t_[pos_];
    if (pos_ + 1 < t_.size()) ++pos_;
    return r;
  }
  static std::string describe(const token& x) {
    switch (x.type) {
      case tk::end:
        return "end of file";
      case tk::string:
        return "a string";
      case tk::bad_string:
        return "a string that never ends";
      default:
        return "'" + std::string(x.text) + "'";
    }
  }
  [[noreturn]] void fail(const std::string& what) const { throw parse_error(cur(), what); }
  [[noreturn]] void expected(const std::string& what) const {
    fail("expected " + what + ", found " + describe(cur()));
  }
  const token& expect(tk k, const char* what) {
    if (!cur().is(k)) expected(what);
    return next();
  }
  void expect_word(std::string_view w) {
    if (!cur().is_word(w)) expected("'" + std::string(w) + "'");
    next();
  }
  void warn(const token& at, std::string msg) {
    warnings_.push_back({file_, at.line, at.column, diagnostic::level::warning, std::move(msg)});
  }

  /// A descriptor (a value name), with the identifier leniencies.
  std::string descriptor(const char* what) {
    if (!cur().is(tk::word)) expected(what);
    const token& w = cur();
    if (!opts_.underscores && w.text.find('_') != std::string_view::npos)
      fail("identifier '" + std::string(w.text) + "' contains '_' (leniency underscores is off)");
    next();
    return std::string(w.text);
  }

  /// True when the current token starts a definition (`name OBJECT IDENTIFIER ::=`,
  /// `name MACRO-NAME`, `Name ::=`).
  bool starts_definition() const {
    const token& a = peek();
    if (a.is(tk::assign)) return true;
    if (a.is_word("OBJECT") && peek(2).is_word("IDENTIFIER")) return true;
    return a.is(tk::word) && (in(macro_names, a.text) || a.text == "MACRO");
  }

  /// Skips a balanced { ... } and returns its tokens' text joined by spaces.
  std::string skip_braces() {
    std::string text;
    int depth = 0;
    do {
      const token& x = cur();
      if (x.is(tk::end)) expected("'}'");
      if (x.is(tk::lbrace)) ++depth;
      if (x.is(tk::rbrace)) --depth;
      if (!text.empty() && !x.is(tk::comma) && !x.is(tk::rparen) && text.back() != '(')
        text.push_back(' ');
      if (x.is(tk::string)) {
        text += '"';
        text += x.text;
        text += '"';
      } else if (x.is(tk::hex_string) || x.is(tk::bin_string)) {
        text += '\'';
        text += x.text;
        text += x.is(tk::hex_string) ? "'H" : "'B";
      } else {
        text += x.text;
      }
      next();
    } while (depth > 0);
    return text;
  }

  const std::vector<token>& t_;
  std::size_t pos_;
  std::string file_;
  const leniency& opts_;
  std::vector<diagnostic> warnings_;
};

}  // namespace trapsink::mibs::compiler
