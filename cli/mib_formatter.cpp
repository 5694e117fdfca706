#include "cli/mib_formatter.hpp"

#include <cstdlib>
#include <filesystem>

#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"
#include "receiver/record_naming.hpp"

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
  r_->append_typed_value(m.n, receiver::to_value_view(vb.val), out);
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
