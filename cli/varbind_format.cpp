#include "cli/varbind_format.hpp"

#include <fmt/format.h>

#include "mibs/resolver/time_ticks.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;
using snmp::ber::tag;

std::string varbind_formatter::line(const msg::varbind& vb, const output_flags& f) const {
  if (f.value_only) return value(vb, f);
  std::string out = name(vb.name, f);
  out += f.quick ? " " : " = ";
  out += value(vb, f);
  return out;
}

std::optional<snmp::ber::oid> numeric_formatter::parse_oid(std::string_view text) const {
  return snmp::ber::oid::parse(text);
}

std::string numeric_formatter::name(const snmp::ber::oid& o, const output_flags& /*f*/) const {
  std::string out;
  for (auto arc : o.arcs()) {
    out += '.';
    out += std::to_string(arc);
  }
  return out;
}

std::string format_hex(std::string_view octets) {
  std::string out;
  out.reserve(octets.size() * 3 + octets.size() / 16);
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i > 0 && i % 16 == 0) out += '\n';
    out += fmt::format("{:02X} ", static_cast<unsigned char>(octets[i]));
  }
  return out;
}

bool looks_printable(std::string_view octets) {
  for (char ch : octets) {
    const auto c = static_cast<unsigned char>(ch);
    const bool print = c >= 0x20 && c < 0x7f;
    const bool space = c == ' ' || (c >= '\t' && c <= '\r');
    if (!print && !space) return false;
  }
  return true;
}

namespace {

/// Net-SNMP's quoted string: '"' and '\' escaped with a backslash.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string numeric_formatter::value(const msg::varbind& vb, const output_flags& f) const {
  const bool quick = f.quick || f.quick_equals;
  const auto& v = vb.val;
  auto typed = [&](const char* type, std::string body) {
    return quick ? body : std::string(type) + ": " + body;
  };
  auto u32 = [&] {
    const auto* p = std::get_if<std::uint32_t>(&v.data);
    return p != nullptr ? *p : 0U;
  };
  switch (v.type) {
    case tag::integer: {
      const auto* p = std::get_if<std::int32_t>(&v.data);
      return typed("INTEGER", std::to_string(p != nullptr ? *p : 0));
    }
    case tag::octet_string: {
      const auto* p = std::get_if<std::string>(&v.data);
      const std::string_view s = p != nullptr ? std::string_view(*p) : std::string_view();
      if (s.empty()) return "\"\"";
      if (looks_printable(s)) return typed("STRING", quoted(s));
      return quick ? "\"" + format_hex(s) + "\"" : "Hex-STRING: " + format_hex(s);
    }
    case tag::object_identifier: {
      const auto* p = std::get_if<snmp::ber::oid>(&v.data);
      return typed("OID", p != nullptr ? name(*p, f) : std::string(".0.0"));
    }
    case tag::ip_address: {
      const auto* p = std::get_if<std::string>(&v.data);
      std::string text;
      if (p != nullptr && p->size() == 4) {
        text = fmt::format("{}.{}.{}.{}", static_cast<unsigned char>((*p)[0]),
                           static_cast<unsigned char>((*p)[1]), static_cast<unsigned char>((*p)[2]),
                           static_cast<unsigned char>((*p)[3]));
      }
      return typed("IpAddress", text);
    }
    case tag::counter32:
      return typed("Counter32", std::to_string(u32()));
    case tag::gauge32:
      return typed("Gauge32", std::to_string(u32()));
    case tag::timeticks: {
      if (f.raw_ticks) return std::to_string(u32());
      std::string out = quick ? "" : "Timeticks: ";
      mibs::append_time_ticks(u32(), out,
                              quick ? mibs::ticks_style::quick : mibs::ticks_style::full);
      return out;
    }
    case tag::counter64: {
      const auto* p = std::get_if<std::uint64_t>(&v.data);
      return typed("Counter64", std::to_string(p != nullptr ? *p : 0));
    }
    case tag::opaque: {
      const auto* p = std::get_if<std::string>(&v.data);
      return typed("OPAQUE", format_hex(p != nullptr ? *p : std::string()));
    }
    case tag::null:
      return quick ? "" : "NULL";
    case tag::no_such_object:
      return "No Such Object available on this agent at this OID";
    case tag::no_such_instance:
      return "No Such Instance currently exists at this OID";
    case tag::end_of_mib_view:
      return "No more variables left in this MIB View (It is past the end of the MIB tree)";
    default:
      break;
  }
  return "Wrong Type (unknown tag)";
}

}  // namespace trapsink::cli
