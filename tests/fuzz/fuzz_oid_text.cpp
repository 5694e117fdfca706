// libFuzzer target: OID text (names an operator types) and instance suffixes, through a resolver
// built from the unit tests' MIB set (IF-MIB, TCP-MIB InetAddress pairs, IMPLIED, fixed-size,
// OID indexes...). Input byte 0 selects the surface:
//   even: the rest is text for resolver::parse; what parses is named in every style, and the
//         numeric form must parse back to the same OID;
//   odd:  the rest is read as sub-identifiers (two bytes each) appended to a table column's
//         OID and named, decoded and rendered.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mibs/resolver/resolver.hpp"
#include "tests/unit/mibs/test_mib_set.hpp"

namespace {
const trapsink::mibs::resolver& names() {
  static const trapsink::mibs::resolver r(trapsink::mibs::testing::sample_set());
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trapsink::mibs;
  if (size == 0) return 0;
  const resolver& r = names();
  std::string out;
  if ((data[0] & 1) == 0) {
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string error;
    const auto oid = r.parse(text, &error);
    if (!oid) {
      if (error.empty()) std::abort();
      return 0;
    }
    if (oid->empty() || oid->size() > 128) std::abort();
    for (auto style : {name_style::module, name_style::full, name_style::label}) {
      out.clear();
      r.append_name(*oid, out, style);
    }
    out.clear();
    r.append_name(*oid, out, name_style::numeric);
    const auto back = r.parse(out);
    if (!back || *back != *oid) std::abort();
    return 0;
  }
  // Columns with every kind of INDEX.
  static const std::vector<std::vector<std::uint32_t>> columns{
      {1, 3, 6, 1, 2, 1, 2, 2, 1, 8},     {1, 3, 6, 1, 2, 1, 6, 19, 1, 7},
      {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3}, {1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3},
      {1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 2}, {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6},
      {1, 3, 6, 1, 2, 1, 4, 20, 1, 1},    {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1}};
  std::vector<std::uint32_t> oid = columns[(data[0] >> 1) % columns.size()];
  for (std::size_t i = 1; i + 1 < size && oid.size() < 128; i += 2) {
    // Small arcs most of the time, so that strings and addresses decode.
    const std::uint32_t a = data[i];
    oid.push_back((data[i + 1] & 0x80) != 0 ? a * 0x01010101u : a);
  }
  r.append_name(oid, out);
  const oid_match m = r.lookup(oid);
  if (m.n != nullptr) {
    const auto d = r.decode_index(*m.n, std::span(oid).subspan(m.matched));
    for (std::size_t k = 0; k < d.count; ++k) {
      r.append_index_in_name(d.parts[k], out);
      r.append_index_value(d.parts[k], out);
    }
    value_view v;
    v.kind = value_kind::octet_string;
    v.octets = std::string_view(reinterpret_cast<const char*>(data), size);
    r.append_typed_value(m.n, v, out);
    v.kind = value_kind::integer;
    v.i = static_cast<std::int64_t>(size) - 64;
    r.append_display(m.n, v, out);
  }
  return 0;
}
