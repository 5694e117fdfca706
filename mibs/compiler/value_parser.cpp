#include "mibs/compiler/value_parser.hpp"

namespace trapsink::mibs::compiler {

std::vector<oid_component> value_parser::oid_value() {
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
    } else if (x.is(tk::word) && !x.is_word("END") && !starts_definition()) {
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
        if (v > 0xffffffffLL) fail("OID component " + std::string(cur().text) + " exceeds 2^32-1");
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

std::int64_t value_parser::constraint_value() {
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
std::vector<range> value_parser::ranges() {
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

syntax_ast value_parser::syntax() {
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

std::vector<named_number> value_parser::named_numbers() {
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

}  // namespace trapsink::mibs::compiler
