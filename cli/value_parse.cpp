#include "cli/value_parse.hpp"

#include <algorithm>
#include <bit>
#include <boost/asio/ip/address_v4.hpp>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

#include "cli/snmp_run.hpp"
#include "core/hex.hpp"
#include "mibs/resolver/resolver.hpp"
#include "snmp/ber/writer.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;

namespace {

[[noreturn]] void bad(char type, std::string_view text, const char* what) {
  throw std::invalid_argument(std::string("value '") + std::string(text) + "' for type '" + type +
                              "': " + what);
}

template <typename T>
T number(char type, std::string_view text, const char* what) {
  T v{};
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) bad(type, text, what);
  return v;
}

/// What separates the bit numbers (or names) of a BITS value.
constexpr std::string_view bit_separators = " ,\t";

/// Call f with each word of text between runs of the separators.
template <typename F>
void for_each_word(std::string_view text, std::string_view separators, F f) {
  std::size_t i = 0;
  while ((i = text.find_first_not_of(separators, i)) != std::string_view::npos) {
    const auto j = std::min(text.find_first_of(separators, i), text.size());
    f(text.substr(i, j - i));
    i = j;
  }
}

/// Net-SNMP's opaque special types: Opaque wrapping 0x9f, the type, a length and the value.
msg::value opaque_special(std::uint8_t subtype, std::span<const std::byte> content) {
  std::string out;
  out.push_back(static_cast<char>(0x9f));
  out.push_back(static_cast<char>(subtype));
  out.push_back(static_cast<char>(content.size()));
  out.append(reinterpret_cast<const char*>(content.data()), content.size());
  return msg::value::opaque(std::move(out));
}

/// The content octets of a minimal INTEGER / unsigned encoding.
std::vector<std::byte> integer_content(std::int64_t v, bool is_unsigned, std::uint64_t u) {
  snmp::ber::writer w;
  if (is_unsigned) {
    w.write_unsigned(u, 0x46);
  } else {
    w.write_integer(v);
  }
  auto b = w.bytes();
  return {b.begin() + 2, b.end()};  // short tag and length: at most 9 content octets
}

}  // namespace

msg::value parse_typed_value(char type, std::string_view text, const varbind_formatter& names) {
  switch (type) {
    case 'i':
      return msg::value::integer(
          number<std::int32_t>(type, text, "not an INTEGER (-2147483648 to 2147483647)"));
    case 'u':
      return msg::value::gauge32(
          number<std::uint32_t>(type, text, "not an unsigned 32-bit number"));
    case 'c':
      return msg::value::counter32(
          number<std::uint32_t>(type, text, "not an unsigned 32-bit number"));
    case 'C':
      return msg::value::counter64(
          number<std::uint64_t>(type, text, "not an unsigned 64-bit number"));
    case 't':
      return msg::value::timeticks(
          number<std::uint32_t>(type, text, "not TimeTicks (0 to 4294967295)"));
    case 'a': {
      boost::system::error_code ec;
      auto a = boost::asio::ip::make_address_v4(std::string(text), ec);
      if (ec) bad(type, text, "not an IPv4 address (a.b.c.d)");
      const auto bytes = a.to_bytes();
      return msg::value::ip(std::string(reinterpret_cast<const char*>(bytes.data()), 4));
    }
    case 'o': {
      auto o = names.parse_oid(text);
      if (!o) bad(type, text, "not an OBJECT IDENTIFIER (numeric, e.g. .1.3.6.1.4.1)");
      return msg::value::object_id(std::move(*o));
    }
    case 's':
      return msg::value::octets(std::string(text));
    case 'x': {
      if (text.empty()) return msg::value::octets("");
      std::string why;
      auto b = core::parse_hex(text, why);
      if (!b) bad(type, text, why.c_str());
      return msg::value::octets(std::string(reinterpret_cast<const char*>(b->data()), b->size()));
    }
    case 'd': {
      std::string out;
      for_each_word(text, " .", [&](std::string_view w) {
        out.push_back(
            static_cast<char>(number<std::uint8_t>(type, w, "not decimal octets (0-255 each)")));
      });
      return msg::value::octets(std::move(out));
    }
    case 'b': {
      // BITS (RFC 2578 §7.1.4): bit 0 is the high bit of the first octet.
      std::string out;
      for_each_word(text, bit_separators, [&](std::string_view w) {
        const auto bit = number<std::uint16_t>(type, w, "not bit numbers");
        if (out.size() <= bit / 8u) out.resize(bit / 8u + 1, '\0');
        out[bit / 8u] =
            static_cast<char>(static_cast<unsigned char>(out[bit / 8u]) | (0x80u >> (bit % 8u)));
      });
      return msg::value::octets(std::move(out));
    }
    case 'n':
      return msg::value::null();
    case 'U':
      return opaque_special(
          0x7b, integer_content(
                    0, true, number<std::uint64_t>(type, text, "not an unsigned 64-bit number")));
    case 'I':
      return opaque_special(
          0x7a, integer_content(number<std::int64_t>(type, text, "not a 64-bit number"), false, 0));
    case 'F': {
      char* end = nullptr;
      const std::string s(text);
      const float f = std::strtof(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) bad(type, text, "not a float");
      const auto bits = std::bit_cast<std::uint32_t>(f);
      std::array<std::byte, 4> b{};
      for (int k = 0; k < 4; ++k)
        b[static_cast<std::size_t>(k)] = static_cast<std::byte>(bits >> (24 - 8 * k));
      return opaque_special(0x78, b);
    }
    case 'D': {
      char* end = nullptr;
      const std::string s(text);
      const double d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) bad(type, text, "not a double");
      const auto bits = std::bit_cast<std::uint64_t>(d);
      std::array<std::byte, 8> b{};
      for (int k = 0; k < 8; ++k)
        b[static_cast<std::size_t>(k)] = static_cast<std::byte>(bits >> (56 - 8 * k));
      return opaque_special(0x79, b);
    }
    case '=':
      bad(type, text, "the type from the MIB needs the object's OID (parse_value_for)");
    default:
      break;
  }
  throw std::invalid_argument(std::string("unknown type letter '") + type +
                              "' (i u c C t a o s x d b n U I F D)");
}

namespace {

/// An enumeration label or named bit of object as its number; nullopt when none is called so.
std::optional<std::int64_t> label_value(const mibs::node& object, std::string_view label) {
  for (const auto& e : object.syntax.enums) {
    if (e.label == label) return e.value;
  }
  return std::nullopt;
}

}  // namespace

msg::value parse_value_for(const snmp::ber::oid& target, char type, std::string_view text,
                           const varbind_formatter& names) {
  if (type != '=') return parse_typed_value(type, text, names);
  const auto* r = names.mib_resolver();
  if (r == nullptr)
    bad(type, text, "the type from the MIB needs MIBs (they are off); give a type letter");
  const auto* object = r->lookup(target.arcs()).n;
  // An OID assignment below an object (DISMAN-EVENT-MIB's sysUpTimeInstance, sysUpTime.0)
  // takes the object's SYNTAX.
  while (object != nullptr && object->syntax.base == mibs::base_type::none &&
         object->kind == mibs::node_kind::oid) {
    object = r->parent(*object);
  }
  if (object == nullptr || object->syntax.base == mibs::base_type::none) {
    throw std::invalid_argument("value '" + std::string(text) +
                                "' for type '=': " + r->name(target.arcs()) +
                                " has no SYNTAX in the MIBs; give a type letter");
  }
  using mibs::base_type;
  switch (object->syntax.base) {
    case base_type::integer32: {
      if (auto v = label_value(*object, text)) {
        return msg::value::integer(static_cast<std::int32_t>(*v));
      }
      if (object->syntax.enums.empty()) return parse_typed_value('i', text, names);
      try {
        return parse_typed_value('i', text, names);
      } catch (const std::invalid_argument&) {
        std::string what = "not a number or a label of " + object->name + " (";
        for (const auto& e : object->syntax.enums) {
          if (what.back() != '(') what += ", ";
          what += e.label;
        }
        bad(type, text, (what + ")").c_str());
      }
    }
    case base_type::bits: {
      // Bit names become their numbers; 'b' does the rest.
      std::string numbers;
      for_each_word(text, bit_separators, [&](std::string_view w) {
        const auto v = label_value(*object, w);
        numbers += v ? std::to_string(*v) : std::string(w);
        numbers += ' ';
      });
      return parse_typed_value('b', numbers, names);
    }
    default:
      break;
  }
  // The other syntaxes are one type letter each.
  static constexpr std::pair<base_type, char> letters[] = {
      {base_type::unsigned32, 'u'},   {base_type::counter32, 'c'},
      {base_type::counter64, 'C'},    {base_type::time_ticks, 't'},
      {base_type::octet_string, 's'}, {base_type::object_identifier, 'o'},
      {base_type::ip_address, 'a'}};
  for (const auto& [base, letter] : letters) {
    if (base == object->syntax.base) return parse_typed_value(letter, text, names);
  }
  throw std::invalid_argument(
      "value '" + std::string(text) + "' for type '=': the SYNTAX of " + object->name + " (" +
      std::string(mibs::to_string(object->syntax.base)) + ") has no type letter; give one");
}

msg::varbind parse_varbind(const varbind_formatter& names, const std::string& oid,
                           const std::string& type, const std::string& value) {
  if (type.size() != 1) throw std::invalid_argument(oid + ": Bad object type: " + type);
  auto name = oid_arg(names, oid);
  auto v = parse_value_for(name, type[0], value, names);
  return {std::move(name), std::move(v)};
}

}  // namespace trapsink::cli
