#include "mibs/compiler/parser.hpp"

#include <algorithm>
#include <stdexcept>

#include "mibs/compiler/lexer.hpp"
#include "mibs/compiler/value_parser.hpp"

namespace trapsink::mibs::compiler {
namespace {

using tk = token::kind;

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
/// One module, from its header to END: the module structure, IMPORTS and the clauses of each
/// definition (the values and types inside them are value_parser's).
class module_parser : public value_parser {
 public:
  module_parser(const std::vector<token>& toks, std::size_t pos, const std::string& file,
                const leniency& opts)
      : value_parser(toks, pos, file, opts) {
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
      m_.diagnostics.push_back({m_.file, e.line, e.column, diagnostic::level::error, e.what()});
    }
    m_.diagnostics.insert(m_.diagnostics.begin(), warnings_.begin(), warnings_.end());
    std::stable_sort(m_.diagnostics.begin(), m_.diagnostics.end(),
                     [](const diagnostic& a, const diagnostic& b) {
                       return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    return pos_;
  }

  module_ast take() { return std::move(m_); }

 private:
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
        // "{ x }" -> "x", "{ { a, b } }" -> "{ a, b }": what is inside the outer braces.
        const auto text = skip_braces();
        d.defval = text.size() > 4 ? text.substr(2, text.size() - 4) : std::string();
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
    pos = next_header(toks, failed ? pos + 1 : stop);
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
