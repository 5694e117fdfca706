#include "receiver/record_naming.hpp"

#include <array>
#include <cstring>

namespace trapsink::receiver {
namespace msg = snmp::message;
using snmp::ber::tag;

namespace {

using slice = pipeline::record_names::slice;

/// Replace every byte that is not part of well-formed UTF-8 with '?' (same length, so slices
/// stay valid): MIB text (UNITS, labels) from vendor files is not always UTF-8, and the record
/// is JSON.
void make_utf8(std::string& s) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  // ASCII, the usual case, eight octets at a time.
  while (i + 8 <= n) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & 0x8080808080808080ULL) != 0) break;
    i += 8;
  }
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80                 ? 1
                      : c >= 0xc2 && c <= 0xdf ? 2
                      : c >= 0xe0 && c <= 0xef ? 3
                      : c >= 0xf0 && c <= 0xf4 ? 4
                                               : 0;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0u) == 0x80u;
    }
    if (ok && len >= 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0) && !(c == 0xf0 && c1 < 0x90) &&
           !(c == 0xf4 && c1 >= 0x90);
    }
    if (!ok) {
      s[i] = '?';
      ++i;
      continue;
    }
    i += len;
  }
}

}  // namespace

mibs::value_view to_value_view(const msg::value& v) noexcept {
  mibs::value_view out;
  switch (v.type) {
    case tag::integer:
      out.kind = mibs::value_kind::integer;
      if (const auto* i = std::get_if<std::int32_t>(&v.data)) out.i = *i;
      break;
    case tag::octet_string:
    case tag::opaque:
    case tag::ip_address:
      out.kind = v.type == tag::octet_string ? mibs::value_kind::octet_string
                 : v.type == tag::opaque     ? mibs::value_kind::opaque
                                             : mibs::value_kind::ip_address;
      if (const auto* s = std::get_if<std::string>(&v.data)) out.octets = *s;
      break;
    case tag::object_identifier:
      out.kind = mibs::value_kind::object_identifier;
      if (const auto* o = std::get_if<snmp::ber::oid>(&v.data)) out.oid = o->arcs();
      break;
    case tag::counter32:
    case tag::gauge32:
    case tag::timeticks:
      out.kind = v.type == tag::counter32 ? mibs::value_kind::counter32
                 : v.type == tag::gauge32 ? mibs::value_kind::gauge32
                                          : mibs::value_kind::time_ticks;
      if (const auto* u = std::get_if<std::uint32_t>(&v.data)) out.u = *u;
      break;
    case tag::counter64:
      out.kind = mibs::value_kind::counter64;
      if (const auto* u = std::get_if<std::uint64_t>(&v.data)) out.u = *u;
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

void name_record(const mibs::resolver& names, pipeline::record& r) {
  // trap_name: trap_oid is dotted numeric; parse it without allocating.
  {
    std::array<std::uint32_t, 128> arcs;  // written before read
    std::size_t n = 0;
    std::uint64_t cur = 0;
    bool ok = !r.trap_oid.empty();
    bool digit = false;
    for (char c : r.trap_oid) {
      if (c == '.') {
        if (!digit || n == arcs.size()) {
          ok = false;
          break;
        }
        arcs[n++] = static_cast<std::uint32_t>(cur);
        cur = 0;
        digit = false;
      } else if (c >= '0' && c <= '9') {
        cur = cur * 10 + static_cast<unsigned>(c - '0');
        if (cur > 0xffffffffULL) {
          ok = false;
          break;
        }
        digit = true;
      } else {
        ok = false;
        break;
      }
    }
    if (ok && digit && n < arcs.size()) {
      arcs[n++] = static_cast<std::uint32_t>(cur);
      std::string name;
      if (names.append_name(std::span(arcs.data(), n), name)) r.trap_name = std::move(name);
    }
  }

  pipeline::record_names out;
  out.text.reserve(64 * r.varbinds.size());
  out.varbinds.resize(r.varbinds.size());
  out.index.reserve(r.varbinds.size());
  auto mark = [&out](std::size_t from) {
    return slice{static_cast<std::uint32_t>(from),
                 static_cast<std::uint32_t>(out.text.size() - from)};
  };
  for (std::size_t i = 0; i < r.varbinds.size(); ++i) {
    const auto& vb = r.varbinds[i];
    auto& nv = out.varbinds[i];
    const auto oid = vb.name.arcs();
    const mibs::oid_match m = names.lookup(oid);
    if (m.n == nullptr) continue;  // nothing named: stays numeric
    // The decoded index of a column instance.
    const bool column = m.n->kind == mibs::node_kind::column && m.matched < oid.size();
    const mibs::decoded_index index =
        column ? names.decode_index(*m.n, oid.subspan(m.matched)) : mibs::decoded_index{};
    std::size_t from = out.text.size();
    names.append_name(oid, m, column ? &index : nullptr, out.text);
    nv.name = mark(from);

    // The value, rendered by the object's syntax (only for an object with one: a varbind
    // naming an instance of a scalar or a column).
    const mibs::node* object = m.n->syntax.base != mibs::base_type::none ? m.n : nullptr;
    const mibs::value_view v = to_value_view(vb.val);
    if (v.kind == mibs::value_kind::integer) {
      const auto label = mibs::resolver::enum_label(object, v.i);
      if (!label.empty()) {
        from = out.text.size();
        out.text.append(label);
        nv.label = mark(from);
      }
    }
    from = out.text.size();
    names.append_display(object, v, out.text);
    nv.display = mark(from);

    if (column) {
      const auto& d = index;
      if (d.count > 0) {
        nv.index_first = static_cast<std::uint32_t>(out.index.size());
        nv.index_count = static_cast<std::uint32_t>(d.count);
        for (std::size_t k = 0; k < d.count; ++k) {
          pipeline::record_names::index_value iv;
          from = out.text.size();
          out.text.append(d.parts[k].object->name);
          iv.name = mark(from);
          from = out.text.size();
          names.append_index_value(d.parts[k], out.text);
          iv.value = mark(from);
          out.index.push_back(iv);
        }
      }
    }
  }
  make_utf8(out.text);
  r.names = std::move(out);
}

}  // namespace trapsink::receiver
