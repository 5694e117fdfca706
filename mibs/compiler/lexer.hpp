#pragma once
// The MIB lexer: the subset of ASN.1 that MIB modules use (RFC 1155 §3.2, RFC 2578 §3), with
// line:column positions for diagnostics.
//
// `--` starts a comment that ends at the end of the line or at the next `--`; strings may span
// lines; 'xx'H and 'bb'B are hex and binary strings; numbers may be negative and larger than 64
// bits (the parser clamps them). Never throws: a character that fits no token becomes a
// token::kind::other that the parser reports.
#include <cstdint>
#include <string_view>
#include <vector>

namespace trapsink::mibs::compiler {

struct token {
  enum class kind : std::uint8_t {
    end,         ///< end of input (always the last token)
    word,        ///< identifier or keyword: letters, digits, single hyphens, underscores
    number,      ///< decimal digits, with a leading '-' when negative
    string,      ///< "..." (text without the quotes, "" kept as written)
    hex_string,  ///< 'xx'H (text between the quotes)
    bin_string,  ///< 'bb'B (text between the quotes)
    assign,      ///< ::=
    range,       ///< ..
    lbrace,
    rbrace,
    lparen,
    rparen,
    lbracket,
    rbracket,
    comma,
    semicolon,
    pipe,
    dot,
    colon,
    other,       ///< any other character (one)
    bad_string,  ///< a string or '..' quote that never ends
  };
  kind type = kind::end;
  std::string_view text;
  std::uint32_t line = 1;
  std::uint32_t column = 1;

  bool is(kind k) const noexcept { return type == k; }
  bool is_word(std::string_view w) const noexcept { return type == kind::word && text == w; }
};

/// Splits text into tokens; the result always ends with a token::kind::end. The tokens point
/// into text, which must outlive them.
std::vector<token> tokenize(std::string_view text);

}  // namespace trapsink::mibs::compiler
