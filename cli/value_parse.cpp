#include "cli/value_parse.hpp"

#include <bit>
#include <boost/asio/ip/address_v4.hpp>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/hex.hpp"
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
      std::size_t i = 0;
      while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '.')) ++i;
        if (i == text.size()) break;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != '.') ++j;
        out.push_back(static_cast<char>(
            number<std::uint8_t>(type, text.substr(i, j - i), "not decimal octets (0-255 each)")));
        i = j;
      }
      return msg::value::octets(std::move(out));
    }
    case 'b': {
      // BITS (RFC 2578 §7.1.4): bit 0 is the high bit of the first octet.
      std::string out;
      std::size_t i = 0;
      while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
        if (i == text.size()) break;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != '\t') ++j;
        const auto bit = number<std::uint16_t>(type, text.substr(i, j - i), "not bit numbers");
        if (out.size() <= bit / 8u) out.resize(bit / 8u + 1, '\0');
        out[bit / 8u] =
            static_cast<char>(static_cast<unsigned char>(out[bit / 8u]) | (0x80u >> (bit % 8u)));
        i = j;
      }
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
      bad(type, text, "the type from the MIB needs MIB support; give the type letter");
    default:
      break;
  }
  throw std::invalid_argument(std::string("unknown type letter '") + type +
                              "' (i u c C t a o s x d b n U I F D)");
}

}  // namespace trapsink::cli
