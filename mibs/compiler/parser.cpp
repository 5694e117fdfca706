#include "mibs/compiler/parser.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "mibs/compiler/lexer.hpp"

namespace trapsink::mibs::compiler {
namespace {

using tk = token::kind;

struct parse_error : std::runtime_error {
  parse_error(const token& at, const std::string& what)
      : std::runtime_error(what), line(at.line), column(at.column) {}
  std::uint32_t line;
  std::uint32_t column;
};

constexpr std::array macro_names{
    std::string_view{"OBJECT-TYPE"},        std::string_view{"OBJECT-IDENTITY"},
    std::string_view{"MODULE-IDENTITY"},    std::string_view{"NOTIFICATION-TYPE"},
    std::string_view{"TRAP-TYPE"},          std::string_view{"OBJECT-GROUP"},
    std::string_view{"NOTIFICATION-GROUP"}, std::string_view{"MODULE-COMPLIANCE"},
    std::string_view{"AGENT-CAPABILITIES"}, std::string_view{"TEXTUAL-CONVENTION"}};

constexpr std::array clause_names{
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

std::int64_t clamp_number(std::string_view text) noexcept {
  const bool negative = !text.empty() && text.front() == '-';
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range)
    return negative ? std::numeric_limits<std::int64_t>::min()
                    : std::numeric_limits<std::int64_t>::max();
  return v;
}

std::int64_t radix_value(std::string_view digits, int radix) noexcept {
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

std::optional<access> access_of(std::string_view w) {
  if (w == "not-accessible") return access::not_accessible;
  if (w == "accessible-for-notify") return access::accessible_for_notify;
  if (w == "read-only") return access::read_only;
  if (w == "read-write") return access::read_write;
  if (w == "read-create") return access::read_create;
  if (w == "write-only") return access::write_only;
  if (w == "not-implemented") return access::not_accessible;  // AGENT-CAPABILITIES variations
  return std::nullopt;
}

std::optional<status> status_of(std::string_view w) {
  if (w == "current") return status::current;
  if (w == "deprecated") return status::deprecated;
  if (w == "obsolete") return status::obsolete;
  if (w == "mandatory") return status::mandatory;
  if (w == "optional") return status::optional;
  return std::nullopt;
}

/// Parses one module, from its header to END, over a shared token vector.
class module_parser {
 public:
  module_parser(const std::vector<token>& toks, std::size_t pos, const std::string& file,
                const leniency& opts)
      : t_(toks), pos_(pos), opts_(opts) {
    m_.file = file;
  }

  /// Parses the module starting at the current position (its name). Returns the index just
  /// after it; on an error, the module is marked failed and the index is where parsing stopped.
  std::size_t run() {
    try {
      header();
      body();
    } catch (const parse_error& e) {
      m_.failed = true;
      add(diagnostic::level::error, e.line, e.column, e.what());
    }
    return pos_;
  }

  module_ast take() { return std::move(m_); }

 private:
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
  void add(diagnostic::level l, std::uint32_t line, std::uint32_t col, std::string msg) {
    m_.diagnostics.push_back({m_.file, line, col, l, std::move(msg)});
  }
  void warn(const token& at, std::string msg) {
    add(diagnostic::level::warning, at.line, at.column, std::move(msg));
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

  void header() {
    const token& name = cur();
    m_.name = std::string(name.text);
    m_.at = {name.line, name.column};
    next();
    expect_word("DEFINITIONS");
    while (!cur().is(tk::assign)) {
      if (cur().is(tk::end) || !cur().is(tk::word)) expected("'::='");
      next();  // IMPLICIT TAGS, EXPLICIT TAGS
    }
    next();
    expect_word("BEGIN");
  }

  void body() {
    if (cur().is_word("EXPORTS")) skip_to_semicolon();
    if (cur().is_word("IMPORTS")) imports();
    for (;;) {
      const token& x = cur();
      if (x.is_word("END")) {
        next();
        return;
      }
      if (x.is(tk::end)) {
        if (!opts_.missing_end) fail("module " + m_.name + " ends without END");
        warn(x, "module " + m_.name + " ends without END (leniency missing_end)");
        return;
      }
      if (x.is(tk::word) && peek().is_word("DEFINITIONS")) {
        // The next module starts: this one lacked its END.
        if (!opts_.missing_end) fail("module " + m_.name + " ends without END");
        warn(x, "module " + m_.name + " ends without END (leniency missing_end)");
        return;
      }
      if (x.is_word("IMPORTS") || x.is_word("EXPORTS")) {
        fail("IMPORTS and EXPORTS must come first in a module");
      }
      definition_();
    }
  }

  void skip_to_semicolon() {
    while (!cur().is(tk::semicolon)) {
      if (cur().is(tk::end)) expected("';'");
      next();
    }
    next();
  }

  void imports() {
    next();
    std::vector<std::string> pending;
    for (;;) {
      const token& x = cur();
      if (x.is(tk::semicolon)) {
        next();
        if (!pending.empty()) fail("imported symbols without FROM");
        return;
      }
      if (x.is(tk::end)) expected("';' to end IMPORTS");
      if (x.is_word("FROM")) {
        next();
        if (!cur().is(tk::word)) expected("a module name after FROM");
        import_ast imp;
        imp.module = std::string(cur().text);
        imp.at = {cur().line, cur().column};
        imp.symbols = std::move(pending);
        pending.clear();
        next();
        if (imp.module == "SNMPv2-SMI") m_.smiv2 = true;
        // An OID value after the module name (ASN.1 AssignedIdentifier) is skipped.
        if (cur().is(tk::lbrace)) skip_braces();
        m_.imports.push_back(std::move(imp));
        continue;
      }
      if (x.is(tk::word) && pending.empty() && !m_.imports.empty() && starts_definition()) {
        if (!opts_.imports_without_semicolon)
          fail("IMPORTS not ended by ';' (leniency imports_without_semicolon is off)");
        warn(x, "IMPORTS not ended by ';' (leniency imports_without_semicolon)");
        return;
      }
      if (x.is(tk::word)) {
        pending.emplace_back(x.text);
        next();
        if (cur().is(tk::comma)) {
          next();
          if ((cur().is_word("FROM") || cur().is(tk::semicolon)) && !opts_.trailing_commas)
            fail("trailing comma in IMPORTS (leniency trailing_commas is off)");
        }
        continue;
      }
      if (x.is(tk::comma)) {  // ",," or a leading comma
        if (!opts_.trailing_commas) expected("a symbol");
        next();
        continue;
      }
      expected("a symbol, FROM or ';' in IMPORTS");
    }
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
      if (!text.empty() && !x.is(tk::rbrace) && !x.is(tk::comma) && !x.is(tk::rparen) &&
          text.back() != '(')
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

  void skip_parens() {
    int depth = 0;
    do {
      const token& x = cur();
      if (x.is(tk::end)) expected("')'");
      if (x.is(tk::lparen)) ++depth;
      if (x.is(tk::rparen)) --depth;
      next();
    } while (depth > 0);
  }

  void definition_() {
    const token& name_tok = cur();
    if (!name_tok.is(tk::word)) expected("a definition");
    definition d;
    d.at = {name_tok.line, name_tok.column};
    const std::string_view name = name_tok.text;
    const bool upper = name.front() >= 'A' && name.front() <= 'Z';
    next();
    const token& k = cur();
    if (k.is_word("MACRO")) {
      // A macro definition (only in the SMI base modules): skipped to its END.
      next();
      expect(tk::assign, "'::='");
      while (!cur().is_word("END")) {
        if (cur().is(tk::end)) expected("END of MACRO " + std::string(name));
        next();
      }
      next();
      return;
    }
    d.name = std::string(name);
    if (!opts_.underscores && name.find('_') != std::string_view::npos)
      throw parse_error(name_tok,
                        "identifier '" + d.name + "' contains '_' (leniency underscores is off)");
    if (k.is(tk::assign)) {
      next();
      if (cur().is_word("TEXTUAL-CONVENTION")) {
        next();
        d.kind = definition_kind::textual_convention;
        clauses(d);
      } else {
        d.kind = definition_kind::type;
        d.syntax = syntax();
      }
      m_.definitions.push_back(std::move(d));
      return;
    }
    if (upper && !opts_.uppercase_identifiers)
      throw parse_error(name_tok, "value name '" + d.name +
                                      "' starts with an uppercase letter (leniency "
                                      "uppercase_identifiers is off)");
    if (k.is_word("OBJECT") && peek().is_word("IDENTIFIER")) {
      next();
      next();
      expect(tk::assign, "'::='");
      d.kind = definition_kind::value;
      d.oid = oid_value();
      m_.definitions.push_back(std::move(d));
      return;
    }
    if (k.is(tk::word) && in(macro_names, k.text) && !k.is_word("TEXTUAL-CONVENTION")) {
      const std::string_view macro = k.text;
      next();
      if (macro == "OBJECT-TYPE") d.kind = definition_kind::object_type;
      if (macro == "OBJECT-IDENTITY") d.kind = definition_kind::object_identity;
      if (macro == "MODULE-IDENTITY") d.kind = definition_kind::module_identity;
      if (macro == "NOTIFICATION-TYPE") d.kind = definition_kind::notification_type;
      if (macro == "TRAP-TYPE") d.kind = definition_kind::trap_type;
      if (macro == "OBJECT-GROUP") d.kind = definition_kind::object_group;
      if (macro == "NOTIFICATION-GROUP") d.kind = definition_kind::notification_group;
      if (macro == "MODULE-COMPLIANCE") d.kind = definition_kind::module_compliance;
      if (macro == "AGENT-CAPABILITIES") d.kind = definition_kind::agent_capabilities;
      clauses(d);
      if (d.kind == definition_kind::trap_type) {
        if (!cur().is(tk::number) || cur().text.front() == '-') expected("a trap number");
        d.trap_number = static_cast<std::uint32_t>(
            std::min<std::int64_t>(clamp_number(cur().text), 0xffffffff));
        next();
      } else {
        d.oid = oid_value();
      }
      m_.definitions.push_back(std::move(d));
      return;
    }
    if (k.is(tk::word) && peek().is(tk::assign)) {
      // `name Type ::= value` of another type (an INTEGER constant...): skipped.
      next();
      next();
      if (cur().is(tk::lbrace)) {
        skip_braces();
      } else {
        next();
      }
      return;
    }
    fail("unexpected " + describe(k) + " after '" + d.name + "'");
  }

  std::string text_of_string(const char* clause) {
    if (!cur().is(tk::string)) expected(std::string("a string after ") + clause);
    std::string s(cur().text);
    next();
    return s;
  }

  std::vector<std::string> name_list(const char* clause, bool allow_implied, bool* implied) {
    expect(tk::lbrace, "'{'");
    std::vector<std::string> names;
    for (;;) {
      if (cur().is(tk::rbrace)) {
        next();
        return names;
      }
      if (allow_implied && cur().is_word("IMPLIED")) {
        next();
        *implied = true;
      }
      if (!cur().is(tk::word)) expected(std::string("a name in ") + clause);
      std::string n(cur().text);
      next();
      // SMIv1 INDEX may name a type: OCTET STRING, OBJECT IDENTIFIER.
      if ((n == "OCTET" && cur().is_word("STRING")) ||
          (n == "OBJECT" && cur().is_word("IDENTIFIER"))) {
        n += ' ';
        n += cur().text;
        next();
      }
      names.push_back(std::move(n));
      if (cur().is(tk::comma)) {
        next();
        if (cur().is(tk::rbrace) && !opts_.trailing_commas)
          fail(std::string("trailing comma in ") + clause + " (leniency trailing_commas is off)");
      } else if (!cur().is(tk::rbrace)) {
        if (!opts_.missing_commas || !cur().is(tk::word))
          expected(std::string("',' or '}' in ") + clause);
        warn(cur(), std::string("missing ',' in ") + clause + " (leniency missing_commas)");
      }
    }
  }

  void clauses(definition& d) {
    const bool compliance = d.kind == definition_kind::module_compliance ||
                            d.kind == definition_kind::agent_capabilities;
    bool have_description = false;
    for (;;) {
      const token& c = cur();
      if (c.is(tk::assign)) {
        if (d.kind == definition_kind::textual_convention) {
          fail("'::=' inside a TEXTUAL-CONVENTION");
        }
        next();
        return;
      }
      if (!c.is(tk::word)) {
        if (d.kind == definition_kind::textual_convention && c.is(tk::end)) expected("SYNTAX");
        expected("a clause or '::='");
      }
      const std::string_view w = c.text;
      if (compliance && (w == "MODULE" || w == "SUPPORTS")) {
        // The per-module part of a compliance or capabilities statement: skipped to '::='.
        while (!cur().is(tk::assign)) {
          if (cur().is(tk::end)) expected("'::='");
          if (cur().is(tk::lbrace)) {
            skip_braces();
          } else {
            next();
          }
        }
        continue;
      }
      next();
      if (w == "SYNTAX") {
        d.syntax = syntax();
        if (d.kind == definition_kind::textual_convention) return;  // SYNTAX ends a TC
      } else if (w == "WRITE-SYNTAX") {
        (void)syntax();
      } else if (w == "ACCESS" || w == "MAX-ACCESS" || w == "MIN-ACCESS") {
        if (!cur().is(tk::word)) expected("an access value");
        const auto a = access_of(cur().text);
        if (!a) fail("unknown access '" + std::string(cur().text) + "'");
        if (!opts_.smi_mixing && ((w == "ACCESS") == m_.smiv2))
          fail(std::string(w) + " in an SMIv" + (m_.smiv2 ? "2" : "1") +
               " module (leniency smi_mixing is off)");
        if (w != "MIN-ACCESS") d.access_ = a;
        next();
      } else if (w == "STATUS") {
        if (!cur().is(tk::word)) expected("a status value");
        const auto s = status_of(cur().text);
        if (!s) fail("unknown status '" + std::string(cur().text) + "'");
        d.status_ = s;
        next();
      } else if (w == "DESCRIPTION") {
        auto s = text_of_string("DESCRIPTION");
        if (!have_description) d.description = std::move(s);
        have_description = true;
      } else if (w == "DISPLAY-HINT") {
        d.display_hint = text_of_string("DISPLAY-HINT");
      } else if (w == "UNITS") {
        d.units = text_of_string("UNITS");
      } else if (w == "REFERENCE" || w == "CONTACT-INFO" || w == "ORGANIZATION" ||
                 w == "LAST-UPDATED" || w == "REVISION" || w == "PRODUCT-RELEASE") {
        (void)text_of_string(std::string(w).c_str());
      } else if (w == "INDEX") {
        d.index = name_list("INDEX", true, &d.implied);
      } else if (w == "AUGMENTS") {
        bool unused = false;
        auto names = name_list("AUGMENTS", false, &unused);
        if (names.size() != 1) fail("AUGMENTS names one row");
        d.augments = std::move(names.front());
      } else if (w == "DEFVAL") {
        if (!cur().is(tk::lbrace)) expected("'{' after DEFVAL");
        auto text = skip_braces();  // "{ ... }": keep what is inside the outer braces
        const auto first = text.find_first_not_of("{ ");
        const auto last = text.find_last_not_of("} ");
        d.defval = first == std::string::npos || last < first
                       ? std::string()
                       : text.substr(first, last - first + 1);
      } else if (w == "OBJECTS" || w == "NOTIFICATIONS" || w == "VARIABLES") {
        bool unused = false;
        d.objects = name_list(std::string(w).c_str(), false, &unused);
      } else if (w == "ENTERPRISE") {
        if (cur().is(tk::lbrace)) {
          d.enterprise_oid = oid_value();
        } else {
          d.enterprise = descriptor("an enterprise name");
        }
      } else {
        if (!opts_.unknown_clauses) {
          --pos_;
          fail("unknown clause '" + std::string(w) + "' (leniency unknown_clauses is off)");
        }
        warn(t_[pos_ - 1], "unknown clause '" + std::string(w) + "' skipped");
        while (!cur().is(tk::assign) && !(cur().is(tk::word) && in(clause_names, cur().text))) {
          if (cur().is(tk::end)) expected("'::='");
          if (cur().is(tk::lbrace)) {
            skip_braces();
          } else {
            next();
          }
        }
      }
    }
  }

  std::vector<oid_component> oid_value() {
    expect(tk::lbrace, "'{' to start an OBJECT IDENTIFIER value");
    std::vector<oid_component> out;
    for (;;) {
      const token& x = cur();
      if (x.is(tk::rbrace)) {
        next();
        if (out.empty()) fail("empty OBJECT IDENTIFIER value");
        return out;
      }
      oid_component c;
      if (x.is(tk::number)) {
        if (x.text.front() == '-') fail("negative OID component");
        const auto v = clamp_number(x.text);
        if (v > 0xffffffffLL) fail("OID component " + std::string(x.text) + " exceeds 2^32-1");
        c.number = static_cast<std::uint32_t>(v);
        next();
      } else if (x.is(tk::word)) {
        c.name = std::string(x.text);
        next();
        if (cur().is(tk::dot) && peek().is(tk::word)) {  // Module.name
          next();
          c.name = std::string(cur().text);
          next();
        }
        if (cur().is(tk::lparen)) {
          next();
          if (!cur().is(tk::number) || cur().text.front() == '-') expected("a number");
          const auto v = clamp_number(cur().text);
          if (v > 0xffffffffLL)
            fail("OID component " + std::string(cur().text) + " exceeds 2^32-1");
          c.number = static_cast<std::uint32_t>(v);
          next();
          expect(tk::rparen, "')'");
        }
      } else {
        expected("an OID component or '}'");
      }
      out.push_back(std::move(c));
    }
  }

  std::int64_t constraint_value() {
    const token& x = cur();
    std::int64_t v = 0;
    if (x.is(tk::number)) {
      v = clamp_number(x.text);
    } else if (x.is(tk::hex_string)) {
      v = radix_value(x.text, 16);
    } else if (x.is(tk::bin_string)) {
      v = radix_value(x.text, 2);
    } else if (x.is_word("MIN")) {
      v = std::numeric_limits<std::int64_t>::min();
    } else if (x.is_word("MAX")) {
      v = std::numeric_limits<std::int64_t>::max();
    } else {
      expected("a number in a range");
    }
    next();
    return v;
  }

  /// (a..b | c) — the current token is the '('.
  std::vector<range> ranges() {
    expect(tk::lparen, "'('");
    std::vector<range> out;
    for (;;) {
      range r;
      r.min = constraint_value();
      r.max = r.min;
      if (cur().is(tk::range)) {
        next();
        r.max = constraint_value();
      }
      out.push_back(r);
      if (cur().is(tk::pipe)) {
        next();
        continue;
      }
      expect(tk::rparen, "'|' or ')' in a range");
      return out;
    }
  }

  syntax_ast syntax() {
    syntax_ast s;
    if (cur().is(tk::lbracket)) {
      while (!cur().is(tk::rbracket)) {
        if (cur().is(tk::end)) expected("']'");
        next();
      }
      next();
      if (cur().is_word("IMPLICIT") || cur().is_word("EXPLICIT")) next();
      s.application_tag = true;
    }
    const token& x = cur();
    if (!x.is(tk::word)) expected("a type");
    if (x.is_word("SEQUENCE")) {
      next();
      if (cur().is_word("OF")) {
        next();
        s.kind = syntax_ast::form::sequence_of;
        if (!cur().is(tk::word)) expected("a row type after SEQUENCE OF");
        s.name = std::string(cur().text);
        next();
      } else {
        s.kind = syntax_ast::form::sequence;
        if (!cur().is(tk::lbrace)) expected("'{' or OF after SEQUENCE");
        skip_braces();
      }
      return s;
    }
    if (x.is_word("CHOICE")) {
      next();
      s.kind = syntax_ast::form::choice;
      if (!cur().is(tk::lbrace)) expected("'{' after CHOICE");
      skip_braces();
      return s;
    }
    if (x.is_word("INTEGER")) {
      s.kind = syntax_ast::form::integer;
      next();
    } else if (x.is_word("OCTET")) {
      next();
      expect_word("STRING");
      s.kind = syntax_ast::form::octet_string;
    } else if (x.is_word("OBJECT")) {
      next();
      expect_word("IDENTIFIER");
      s.kind = syntax_ast::form::object_identifier;
    } else if (x.is_word("BITS")) {
      s.kind = syntax_ast::form::bits;
      next();
    } else {
      s.kind = syntax_ast::form::reference;
      s.name = std::string(x.text);
      next();
      if (cur().is(tk::dot) && peek().is(tk::word)) {  // Module.Type
        next();
        s.name = std::string(cur().text);
        next();
      }
    }
    if (cur().is(tk::lbrace)) s.enums = named_numbers();
    if (cur().is(tk::lparen)) {
      if (peek().is_word("SIZE")) {
        next();
        next();
        s.ranges = ranges();
        expect(tk::rparen, "')' after SIZE");
      } else {
        s.ranges = ranges();
      }
    }
    return s;
  }

  std::vector<named_number> named_numbers() {
    next();  // {
    std::vector<named_number> out;
    for (;;) {
      if (cur().is(tk::rbrace)) {
        next();
        return out;
      }
      named_number n;
      n.label = descriptor("a label");
      expect(tk::lparen, "'(' after a label");
      if (!cur().is(tk::number)) expected("a number");
      n.value = clamp_number(cur().text);
      next();
      expect(tk::rparen, "')'");
      out.push_back(std::move(n));
      if (cur().is(tk::comma)) {
        next();
        if (cur().is(tk::rbrace) && !opts_.trailing_commas)
          fail("trailing comma in an enumeration (leniency trailing_commas is off)");
      } else if (!cur().is(tk::rbrace)) {
        if (!opts_.missing_commas || !cur().is(tk::word)) expected("',' or '}' in an enumeration");
        warn(cur(), "missing ',' in an enumeration (leniency missing_commas)");
      }
    }
  }

  const std::vector<token>& t_;
  std::size_t pos_;
  const leniency& opts_;
  module_ast m_;
};

/// The index of the next module header (`NAME DEFINITIONS`) at or after from, or npos.
std::size_t next_header(const std::vector<token>& t, std::size_t from) {
  for (std::size_t i = from; i + 1 < t.size(); ++i)
    if (t[i].is(tk::word) && t[i + 1].is_word("DEFINITIONS")) {
      // The header continues with ::= (possibly after IMPLICIT TAGS) and BEGIN.
      std::size_t j = i + 2;
      while (j < t.size() && t[j].is(tk::word) && j < i + 6) ++j;
      if (j + 1 < t.size() && t[j].is(tk::assign) && t[j + 1].is_word("BEGIN")) return i;
    }
  return std::string::npos;
}

}  // namespace

std::vector<module_ast> parse_modules(std::string_view text, const std::string& file,
                                      const leniency& options) {
  const auto toks = tokenize(text);
  std::vector<module_ast> out;
  std::size_t pos = next_header(toks, 0);
  while (pos != std::string::npos) {
    module_parser p(toks, pos, file, options);
    const std::size_t stop = p.run();
    auto m = p.take();
    const bool failed = m.failed;
    out.push_back(std::move(m));
    pos = next_header(toks, failed ? std::max(stop, pos + 1) : stop);
  }
  return out;
}

std::vector<std::string> scan_module_names(std::string_view text) {
  const auto toks = tokenize(text);
  std::vector<std::string> names;
  for (std::size_t pos = next_header(toks, 0); pos != std::string::npos;
       pos = next_header(toks, pos + 2))
    names.emplace_back(toks[pos].text);
  return names;
}

}  // namespace trapsink::mibs::compiler
