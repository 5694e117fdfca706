#include "mibs/compiler/lexer.hpp"

namespace trapsink::mibs::compiler {
namespace {

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

class lexer {
 public:
  explicit lexer(std::string_view text) : text_(text) {}

  std::vector<token> run() {
    std::vector<token> out;
    out.reserve(text_.size() / 6 + 1);
    for (;;) {
      skip_space_and_comments();
      token t;
      t.line = line_;
      t.column = col_;
      if (pos_ >= text_.size()) {
        out.push_back(t);
        return out;
      }
      const std::size_t start = pos_;
      const char c = text_[pos_];
      if (is_alpha(c) || c == '_') {
        advance();
        while (pos_ < text_.size()) {
          const char d = text_[pos_];
          if (is_alpha(d) || is_digit(d) || d == '_') {
            advance();
          } else if (d == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '-') {
            advance();
          } else {
            break;
          }
        }
        t.type = token::kind::word;
        t.text = text_.substr(start, pos_ - start);
      } else if (is_digit(c) || (c == '-' && peek(1) >= '0' && peek(1) <= '9')) {
        advance();
        while (pos_ < text_.size() && is_digit(text_[pos_])) advance();
        t.type = token::kind::number;
        t.text = text_.substr(start, pos_ - start);
      } else if (c == '"') {
        advance();
        const std::size_t body = pos_;
        for (;;) {
          if (pos_ >= text_.size()) {
            t.type = token::kind::bad_string;
            break;
          }
          if (text_[pos_] == '"') {
            if (peek(1) == '"') {
              advance();
              advance();
              continue;
            }
            t.type = token::kind::string;
            t.text = text_.substr(body, pos_ - body);
            advance();
            break;
          }
          advance();
        }
      } else if (c == '\'') {
        advance();
        const std::size_t body = pos_;
        while (pos_ < text_.size() && text_[pos_] != '\'') advance();
        if (pos_ >= text_.size()) {
          t.type = token::kind::bad_string;
        } else {
          t.text = text_.substr(body, pos_ - body);
          advance();
          const char k = peek(0);
          if (k == 'H' || k == 'h') {
            t.type = token::kind::hex_string;
            advance();
          } else if (k == 'B' || k == 'b') {
            t.type = token::kind::bin_string;
            advance();
          } else {
            t.type = token::kind::other;  // a quote without its H or B
          }
        }
      } else if (c == ':' && peek(1) == ':' && peek(2) == '=') {
        advance(3);
        t.type = token::kind::assign;
        t.text = text_.substr(start, 3);
      } else if (c == '.' && peek(1) == '.') {
        advance(2);
        t.type = token::kind::range;
        t.text = text_.substr(start, 2);
      } else {
        advance();
        t.text = text_.substr(start, 1);
        switch (c) {
          case '{':
            t.type = token::kind::lbrace;
            break;
          case '}':
            t.type = token::kind::rbrace;
            break;
          case '(':
            t.type = token::kind::lparen;
            break;
          case ')':
            t.type = token::kind::rparen;
            break;
          case '[':
            t.type = token::kind::lbracket;
            break;
          case ']':
            t.type = token::kind::rbracket;
            break;
          case ',':
            t.type = token::kind::comma;
            break;
          case ';':
            t.type = token::kind::semicolon;
            break;
          case '|':
            t.type = token::kind::pipe;
            break;
          case '.':
            t.type = token::kind::dot;
            break;
          case ':':
            t.type = token::kind::colon;
            break;
          default:
            t.type = token::kind::other;
            break;
        }
      }
      out.push_back(t);
      if (t.type == token::kind::bad_string) {
        token e;
        e.line = line_;
        e.column = col_;
        out.push_back(e);
        return out;
      }
    }
  }

 private:
  char peek(std::size_t ahead) const noexcept {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance(std::size_t n = 1) noexcept {
    for (std::size_t i = 0; i < n && pos_ < text_.size(); ++i) {
      if (text_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
      ++pos_;
    }
  }
  void skip_space_and_comments() noexcept {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance();
      } else if (c == '-' && peek(1) == '-') {
        advance(2);
        // To the end of the line or the next "--".
        while (pos_ < text_.size() && text_[pos_] != '\n') {
          if (text_[pos_] == '-' && peek(1) == '-') {
            advance(2);
            break;
          }
          advance();
        }
      } else {
        break;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

}  // namespace

std::vector<token> tokenize(std::string_view text) { return lexer(text).run(); }

}  // namespace trapsink::mibs::compiler
