// resolver::parse: every name form an operator types, into an OID (Net-SNMP's syntax).
#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "mibs/resolver/resolver.hpp"

namespace trapsink::mibs {
namespace {

constexpr std::size_t max_arcs = 128;  // RFC 2578 §3.5

struct token {
  enum class kind : std::uint8_t { label, number, quoted } k = kind::label;
  std::string text;  ///< label text, or the unescaped quoted string
  std::uint32_t number = 0;
  char quote = 0;  ///< '"' or '\'' for quoted
};

bool is_label_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_unsigned_base(base_type b) noexcept {
  return b == base_type::integer32 || b == base_type::unsigned32 || b == base_type::counter32 ||
         b == base_type::time_ticks || b == base_type::counter64;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool to_number(std::string_view s, std::uint32_t& v) noexcept {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// A quoted string starting at s[i] (the quote); i ends after the closing quote.
bool read_quoted(std::string_view s, std::size_t& i, token& t, std::string& error) {
  t.k = token::kind::quoted;
  t.quote = s[i++];
  while (i < s.size() && s[i] != t.quote) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    t.text.push_back(s[i++]);
  }
  if (i >= s.size()) {
    error = "unterminated quoted string";
    return false;
  }
  ++i;
  return true;
}

/// Split the object part ("ifDescr.7", "x.\"a\".3", "x[ipv4][\"1.2.3.4\"]") into tokens.
bool tokenize(std::string_view s, std::vector<token>& out, std::string& error) {
  std::size_t i = 0;
  bool need_token = true;  // after a '.' (or at the start) a token must follow
  while (i < s.size()) {
    token t;
    const char c = s[i];
    if (c == '[') {
      const std::size_t start = ++i;
      std::size_t depth_end = s.find(']', start);
      // A quoted value may hold ']'.
      if (start < s.size() && (s[start] == '"' || s[start] == '\'')) {
        std::size_t j = start;
        if (!read_quoted(s, j, t, error)) return false;
        if (j >= s.size() || s[j] != ']') {
          error = "expected ']' after a quoted index value";
          return false;
        }
        i = j + 1;
      } else {
        if (depth_end == std::string_view::npos) {
          error = "unterminated '['";
          return false;
        }
        const std::string_view inner = s.substr(start, depth_end - start);
        if (inner.empty()) {
          error = "empty '[]'";
          return false;
        }
        if (all_digits(inner)) {
          t.k = token::kind::number;
          if (!to_number(inner, t.number)) {
            error = "sub-identifier out of range: " + std::string(inner);
            return false;
          }
        } else {
          t.k = token::kind::label;
          t.text = std::string(inner);
        }
        i = depth_end + 1;
      }
      out.push_back(std::move(t));
      need_token = false;
      if (i < s.size() && s[i] == '.') {
        ++i;
        need_token = true;
      }
      continue;
    }
    if (!need_token) {
      error = "expected '.' or '[' before '" + std::string(s.substr(i, 1)) + "'";
      return false;
    }
    if (c == '"' || c == '\'') {
      if (!read_quoted(s, i, t, error)) return false;
    } else if (is_label_char(c)) {
      const std::size_t start = i;
      while (i < s.size() && is_label_char(s[i])) ++i;
      const std::string_view word = s.substr(start, i - start);
      if (all_digits(word)) {
        t.k = token::kind::number;
        if (!to_number(word, t.number)) {
          error = "sub-identifier out of range: " + std::string(word);
          return false;
        }
      } else {
        t.k = token::kind::label;
        t.text = std::string(word);
      }
    } else {
      error = "unexpected character '" + std::string(1, c) + "'";
      return false;
    }
    out.push_back(std::move(t));
    need_token = false;
    if (i < s.size()) {
      if (s[i] == '.') {
        ++i;
        need_token = true;
        if (i == s.size()) {
          error = "trailing '.'";
          return false;
        }
      } else if (s[i] != '[') {
        error = "unexpected character '" + std::string(1, s[i]) + "'";
        return false;
      }
    }
  }
  if (out.empty()) {
    error = "empty name";
    return false;
  }
  return true;
}

bool parse_ipv4(std::string_view s, std::string& out) {
  std::array<char, 16> buf{};
  if (s.size() >= buf.size()) return false;
  std::memcpy(buf.data(), s.data(), s.size());
  std::array<unsigned char, 4> a{};
  if (::inet_pton(AF_INET, buf.data(), a.data()) != 1) return false;
  out.assign(reinterpret_cast<const char*>(a.data()), a.size());
  return true;
}

bool parse_ipv6(std::string_view s, std::string& out) {
  std::array<char, 64> buf{};
  if (s.size() < buf.size()) {
    std::memcpy(buf.data(), s.data(), s.size());
    std::array<unsigned char, 16> a{};
    if (::inet_pton(AF_INET6, buf.data(), a.data()) == 1) {
      out.assign(reinterpret_cast<const char*>(a.data()), a.size());
      return true;
    }
  }
  // Net-SNMP's own form: sixteen hex octets separated by ':'.
  out.clear();
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find(':', i);
    if (j == std::string_view::npos) j = s.size();
    const std::string_view part = s.substr(i, j - i);
    unsigned v = 0;
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v, 16);
    if (part.empty() || part.size() > 2 || r.ptr != part.data() + part.size()) return false;
    out.push_back(static_cast<char>(v));
    i = j + 1;
  }
  return out.size() == 16;
}

/// "addr%zone": the address part parsed by f, the zone as four octets.
template <class F>
bool parse_zoned(std::string_view s, F f, std::string& out) {
  const auto pct = s.rfind('%');
  if (pct == std::string_view::npos) return false;
  std::uint32_t zone = 0;
  if (!f(s.substr(0, pct), out) || !to_number(s.substr(pct + 1), zone)) return false;
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((zone >> shift) & 0xff));
  return true;
}

}  // namespace

std::optional<std::vector<std::uint32_t>> resolver::parse(std::string_view text,
                                                          std::string* error) const {
  std::string err;
  auto fail = [&](std::string msg) -> std::optional<std::vector<std::uint32_t>> {
    if (error != nullptr) *error = std::move(msg);
    return std::nullopt;
  };
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return fail("empty name");

  // MODULE:: prefix (before any '.', quote or bracket).
  std::string_view module;
  {
    const auto colons = text.find("::");
    const auto stop = text.find_first_of(".\"'[");
    if (colons != std::string_view::npos && (stop == std::string_view::npos || colons < stop)) {
      module = text.substr(0, colons);
      text.remove_prefix(colons + 2);
      if (module.empty()) return fail("empty module name before '::'");
      if (module_index_.find(module) == module_index_.end()) {
        return fail("unknown module '" + std::string(module) + "'");
      }
      if (text.empty()) return fail("nothing after '" + std::string(module) + "::'");
    }
  }
  bool from_root = false;
  if (text.front() == '.') {
    if (!module.empty()) return fail("a name after '::' cannot start with '.'");
    from_root = true;
    text.remove_prefix(1);
  }
  std::vector<token> tokens;
  if (!tokenize(text, tokens, err)) return fail(std::move(err));

  std::vector<std::uint32_t> arcs;
  const node* cur = nullptr;
  std::size_t t = 0;
  if (!from_root && tokens[0].k == token::kind::label) {
    cur = find(module, tokens[0].text);
    if (cur == nullptr) {
      return fail(module.empty()
                      ? "unknown object name '" + tokens[0].text + "'"
                      : "'" + tokens[0].text + "' not found (module " + std::string(module) + ")");
    }
    arcs = cur->oid;
    t = 1;
  } else if (tokens[0].k == token::kind::quoted) {
    return fail("a name cannot start with a quoted string");
  } else if (!module.empty()) {
    return fail("expected an object name after '" + std::string(module) + "::'");
  }

  // Walk down by labels and numbers until a column: the rest is its instance (index values).
  for (; t < tokens.size(); ++t) {
    if (cur != nullptr && cur->kind == node_kind::column && row_of(*cur) != nullptr) break;
    const token& tk = tokens[t];
    if (tk.k == token::kind::quoted) {
      return fail("unexpected quoted string \"" + tk.text + "\" (not after a table column)");
    }
    if (tk.k == token::kind::label) {
      const node* child = find_child(arcs, tk.text);
      if (child == nullptr) {
        return fail("no '" + tk.text + "' under " +
                    (cur != nullptr ? cur->name
                     : arcs.empty() ? "the root"
                                    : "that sub-identifier"));
      }
      cur = child;
      arcs = cur->oid;
    } else {
      arcs.push_back(tk.number);
      cur = find(arcs);
    }
  }
  if (t < tokens.size()) {
    // Index values, encoded by the row's INDEX clause (RFC 2578 §7.7).
    const node* row = row_of(*cur);
    const auto items = index_of(*row);
    bool implied = row->implied;
    for (const node* r = row;
         r->index.empty() && r->augments && r->augments->node != node_ref::npos;) {
      r = &set_.nodes[r->augments->node];
      implied = r->implied;
      if (!r->index.empty()) break;
    }
    std::int64_t address_type = -1;
    for (std::size_t k = 0; k < items.size() && t < tokens.size(); ++k) {
      const token& tk = tokens[t];
      if (items[k].node == node_ref::npos) break;
      const node& obj = set_.nodes[items[k].node];
      const type_info& syn = obj.syntax;
      const bool last = k + 1 == items.size();
      if (tk.k == token::kind::number && !is_unsigned_base(syn.base)) break;  // raw arcs
      switch (syn.base) {
        case base_type::integer32:
        case base_type::unsigned32:
        case base_type::counter32:
        case base_type::counter64:
        case base_type::time_ticks: {
          std::int64_t v = 0;
          if (tk.k == token::kind::number) {
            v = tk.number;
          } else {
            bool found = false;
            for (const auto& e : syn.enums) {
              if (e.label == tk.text) {
                v = e.value;
                found = true;
              }
            }
            if (!found || v < 0 || v > 0xffffffffLL) {
              return fail("'" + tk.text + "' is not a value of " + obj.name);
            }
          }
          if (syn.tc_name == "InetAddressType") address_type = v;
          arcs.push_back(static_cast<std::uint32_t>(v));
          ++t;
          break;
        }
        case base_type::ip_address: {
          std::string a;
          if (!parse_ipv4(tk.text, a)) {
            return fail("'" + tk.text + "' is not an IPv4 address (" + obj.name + ")");
          }
          for (char c : a) arcs.push_back(static_cast<unsigned char>(c));
          ++t;
          break;
        }
        case base_type::octet_string:
        case base_type::opaque:
        case base_type::bits: {
          std::string bytes = tk.text;
          if (syn.tc_name == "InetAddress") {
            std::string a;
            bool ok = true;
            switch (address_type) {
              case 1:
                ok = parse_ipv4(tk.text, a);
                break;
              case 2:
                ok = parse_ipv6(tk.text, a);
                break;
              case 3:
                ok = parse_zoned(tk.text, parse_ipv4, a);
                break;
              case 4:
                ok = parse_zoned(tk.text, parse_ipv6, a);
                break;
              default:
                a = tk.text;
                break;
            }
            if (!ok)
              return fail("'" + tk.text + "' does not fit the address type (" + obj.name + ")");
            bytes = std::move(a);
          }
          const bool fixed = syn.ranges.size() == 1 && syn.ranges[0].min == syn.ranges[0].max;
          if (fixed && static_cast<std::int64_t>(bytes.size()) != syn.ranges[0].min) {
            return fail("'" + tk.text + "' must be " + std::to_string(syn.ranges[0].min) +
                        " octets (" + obj.name + ")");
          }
          if (bytes.size() > 255) return fail("index string longer than 255 octets");
          if (!(last && implied) && !fixed)
            arcs.push_back(static_cast<std::uint32_t>(bytes.size()));
          for (char c : bytes) arcs.push_back(static_cast<unsigned char>(c));
          ++t;
          break;
        }
        case base_type::object_identifier: {
          std::string sub_error;
          auto sub = parse(tk.text, &sub_error);
          if (!sub) return fail("index value '" + tk.text + "': " + sub_error);
          if (!(last && implied)) arcs.push_back(static_cast<std::uint32_t>(sub->size()));
          arcs.insert(arcs.end(), sub->begin(), sub->end());
          ++t;
          break;
        }
        default:
          return fail("cannot encode an index value of " + obj.name);
      }
      if (arcs.size() > max_arcs) return fail("more than 128 sub-identifiers");
    }
    // Whatever is left must be plain sub-identifiers.
    for (; t < tokens.size(); ++t) {
      if (tokens[t].k != token::kind::number) {
        return fail("unexpected index value '" + tokens[t].text + "' after the INDEX of " +
                    cur->name);
      }
      arcs.push_back(tokens[t].number);
    }
  }
  if (arcs.size() > max_arcs) return fail("more than 128 sub-identifiers");
  if (arcs.empty()) return fail("empty name");
  return arcs;
}

}  // namespace trapsink::mibs
