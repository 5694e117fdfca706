#include "cli/mib_formatter.hpp"

#include <cstdlib>
#include <filesystem>

#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;
using snmp::ber::tag;

namespace {

mibs::name_style style_of(const output_flags& f) {
  if (f.numeric) return mibs::name_style::numeric;
  if (f.full) return mibs::name_style::full;
  if (f.suffix) return mibs::name_style::label;
  return mibs::name_style::module;
}

mibs::value_view view_of(const msg::value& v) {
  mibs::value_view out;
  switch (v.type) {
    case tag::integer:
      out.kind = mibs::value_kind::integer;
      if (const auto* p = std::get_if<std::int32_t>(&v.data)) out.i = *p;
      break;
    case tag::octet_string:
    case tag::ip_address:
    case tag::opaque:
      out.kind = v.type == tag::octet_string ? mibs::value_kind::octet_string
                 : v.type == tag::ip_address ? mibs::value_kind::ip_address
                                             : mibs::value_kind::opaque;
      if (const auto* p = std::get_if<std::string>(&v.data)) out.octets = *p;
      break;
    case tag::object_identifier:
      out.kind = mibs::value_kind::object_identifier;
      if (const auto* p = std::get_if<snmp::ber::oid>(&v.data)) out.oid = p->arcs();
      break;
    case tag::counter32:
    case tag::gauge32:
    case tag::timeticks:
      out.kind = v.type == tag::counter32 ? mibs::value_kind::counter32
                 : v.type == tag::gauge32 ? mibs::value_kind::gauge32
                                          : mibs::value_kind::time_ticks;
      if (const auto* p = std::get_if<std::uint32_t>(&v.data)) out.u = *p;
      break;
    case tag::counter64:
      out.kind = mibs::value_kind::counter64;
      if (const auto* p = std::get_if<std::uint64_t>(&v.data)) out.u = *p;
      break;
    case tag::no_such_object:
      out.kind = mibs::value_kind::no_such_object;
      break;
    case tag::no_such_instance:
      out.kind = mibs::value_kind::no_such_instance;
      break;
    case tag::end_of_mib_view:
      out.kind = mibs::value_kind::end_of_mib_view;
      break;
    default:
      out.kind = mibs::value_kind::null;
      break;
  }
  return out;
}

}  // namespace

std::optional<snmp::ber::oid> mib_formatter::parse_oid(std::string_view text) const {
  if (auto o = snmp::ber::oid::parse(text); o && !text.empty() && text.front() == '.') return o;
  auto arcs = r_->parse(text);
  if (!arcs) return snmp::ber::oid::parse(text);
  return snmp::ber::oid(std::move(*arcs));
}

std::string mib_formatter::name(const snmp::ber::oid& o, const output_flags& f) const {
  std::string out;
  r_->append_name(o.arcs(), out, style_of(f));
  return out;
}

std::string mib_formatter::value(const msg::varbind& vb, const output_flags& f) const {
  const auto m = r_->lookup(vb.name.arcs());
  const bool quick = f.quick || f.quick_equals;
  if (vb.val.type == tag::timeticks && (quick || f.raw_ticks)) return numeric_.value(vb, f);
  if (vb.val.type == tag::object_identifier && style_of(f) != mibs::name_style::module) {
    // An OID value is named in the style of the varbind names (-On, -Os, -Of), as Net-SNMP.
    const auto* o = std::get_if<snmp::ber::oid>(&vb.val.data);
    const std::string text = o != nullptr ? name(*o, f) : std::string(".0.0");
    return quick ? text : "OID: " + text;
  }
  std::string out;
  r_->append_typed_value(m.n, view_of(vb.val), out);
  if (quick) {
    // Net-SNMP's quick print drops the "TYPE: " prefix and keeps the rest.
    const auto colon = out.find(": ");
    if (colon != std::string::npos && out.compare(0, 2, "No") != 0) out.erase(0, colon + 2);
  }
  return out;
}

const varbind_formatter& formatter_for(const snmp_args& args) {
  static const numeric_formatter numeric;
  bool off = false;
  for (const auto& m : args.mib_modules) off = off || m.empty();
  if (args.mib_modules.empty()) {
    const char* env = std::getenv("MIBS");
    off = env != nullptr && *env == '\0';
  }
  if (off) return numeric;
  static std::shared_ptr<const varbind_formatter> loaded;
  if (!loaded) {
    try {
      std::optional<std::filesystem::path> path;
      if (!args.mib_dirs.empty()) path = args.mib_dirs.back();
      if (!path) path = mibs::bundled_index_path();
      if (!path) return numeric;
      loaded = std::make_shared<mib_formatter>(mibs::load_resolver(*path));
    } catch (const std::exception&) {
      return numeric;
    }
  }
  return *loaded;
}

}  // namespace trapsink::cli
