#include "receiver/record_naming.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

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

namespace {

/// The part of naming that depends only on a varbind's OID, not on its value: the lookup, the
/// name with its decoded index, and the index components as (name, value) text. A receive
/// thread sees the same varbind OIDs again and again (the same objects of the same devices),
/// so it keeps what it rendered for them (naming_memo below) and renders only the value.
struct oid_naming {
  const mibs::node* node = nullptr;  ///< the longest named prefix; null: nothing named
  std::string text;                  ///< the name, then each index name and value
  std::uint32_t name_size = 0;
  std::vector<std::pair<slice, slice>> index;  ///< offsets into text
};

/// Fill `out` for `oid` from the resolver (what a memo miss does).
void render_oid(const mibs::resolver& names, std::span<const std::uint32_t> oid, oid_naming& out) {
  out.text.clear();
  out.index.clear();
  out.name_size = 0;
  const mibs::oid_match m = names.lookup(oid);
  out.node = m.n;
  if (m.n == nullptr) return;
  const bool column = m.n->kind == mibs::node_kind::column && m.matched < oid.size();
  const mibs::decoded_index index =
      column ? names.decode_index(*m.n, oid.subspan(m.matched)) : mibs::decoded_index{};
  names.append_name(oid, m, column ? &index : nullptr, out.text);
  out.name_size = static_cast<std::uint32_t>(out.text.size());
  if (!column) return;
  for (std::size_t k = 0; k < index.count; ++k) {
    const auto at = static_cast<std::uint32_t>(out.text.size());
    out.text.append(index.parts[k].object->name);
    const slice name{at, static_cast<std::uint32_t>(out.text.size() - at)};
    const auto v = static_cast<std::uint32_t>(out.text.size());
    names.append_index_value(index.parts[k], out.text);
    out.index.emplace_back(name, slice{v, static_cast<std::uint32_t>(out.text.size() - v)});
  }
}

/// A receive thread's memo of oid_naming by OID: direct-mapped, 256 slots, OIDs up to 32 arcs
/// (longer ones are rendered every time). Valid for one resolver: a reloaded index (another
/// resolver object) empties it. Holding a weak_ptr keeps the old resolver's control block, so
/// a new resolver can never be mistaken for the old one.
class naming_memo {
 public:
  static constexpr std::size_t slots = 256;
  static constexpr std::size_t max_arcs = 32;

  /// The naming of `oid`, from the memo or rendered now (and kept).
  const oid_naming& get(const std::shared_ptr<const mibs::resolver>& names,
                        std::span<const std::uint32_t> oid) {
    if (owner_.owner_before(names) || names.owner_before(owner_) || entries_.empty()) {
      entries_.assign(slots, entry{});
      owner_ = names;
    }
    if (oid.size() > max_arcs || oid.empty()) {
      render_oid(*names, oid, scratch_);
      return scratch_;
    }
    std::uint64_t h = 0xcbf29ce484222325ULL ^ oid.size();
    for (const auto a : oid) h = (h ^ a) * 0x100000001b3ULL;
    entry& e = entries_[(h ^ (h >> 29)) & (slots - 1)];
    if (e.size != oid.size() || !std::equal(oid.begin(), oid.end(), e.arcs.begin())) {
      e.size = 0;  // empty until rendered (render_oid may throw std::bad_alloc)
      render_oid(*names, oid, e.naming);
      e.size = static_cast<std::uint32_t>(oid.size());
      std::copy(oid.begin(), oid.end(), e.arcs.begin());
    }
    return e.naming;
  }

 private:
  struct entry {
    std::uint32_t size = 0;  ///< arcs of the key; 0: empty
    std::array<std::uint32_t, max_arcs> arcs{};
    oid_naming naming;
  };
  std::weak_ptr<const mibs::resolver> owner_;
  std::vector<entry> entries_;
  oid_naming scratch_;
};

/// trap_name: trap_oid is dotted numeric; parse it without allocating. `oid_naming_of(oid)`
/// gives the name (memoised or not): the resolver's name when a prefix of the OID is named.
template <typename OidNaming>
void name_trap(pipeline::record& r, OidNaming&& oid_naming_of) {
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
    const oid_naming& on = oid_naming_of(std::span<const std::uint32_t>(arcs.data(), n));
    if (on.node != nullptr) r.trap_name = std::string(on.text, 0, on.name_size);
  }
}

/// Name r's varbinds; `oid_naming_of(oid)` gives the OID-dependent part (memoised or not).
template <typename OidNaming>
void name_varbinds(const mibs::resolver& names, pipeline::record& r, OidNaming&& oid_naming_of) {
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
    const oid_naming& on = oid_naming_of(vb.name.arcs());
    if (on.node == nullptr) continue;  // nothing named: stays numeric
    // The text in the order of the entries (name, label, display, index), as make_utf8 sees it.
    nv.name = slice{static_cast<std::uint32_t>(out.text.size()), on.name_size};
    out.text.append(std::string_view(on.text).substr(0, on.name_size));

    // The value, rendered by the object's syntax (only for an object with one: a varbind
    // naming an instance of a scalar or a column).
    const mibs::node* object = on.node->syntax.base != mibs::base_type::none ? on.node : nullptr;
    const mibs::value_view v = to_value_view(vb.val);
    if (v.kind == mibs::value_kind::integer) {
      const auto label = mibs::resolver::enum_label(object, v.i);
      if (!label.empty()) {
        const std::size_t from = out.text.size();
        out.text.append(label);
        nv.label = mark(from);
      }
    }
    const std::size_t from = out.text.size();
    names.append_display(object, v, out.text);
    nv.display = mark(from);

    if (!on.index.empty()) {
      // The index text follows the name in on.text: shift its offsets to where it lands.
      const auto base = static_cast<std::uint32_t>(out.text.size()) - on.name_size;
      out.text.append(std::string_view(on.text).substr(on.name_size));
      nv.index_first = static_cast<std::uint32_t>(out.index.size());
      nv.index_count = static_cast<std::uint32_t>(on.index.size());
      for (const auto& [name, value] : on.index) {
        out.index.push_back(
            {slice{base + name.offset, name.size}, slice{base + value.offset, value.size}});
      }
    }
  }
  make_utf8(out.text);
  r.names = std::move(out);
}

}  // namespace

void name_record(const mibs::resolver& names, pipeline::record& r) {
  oid_naming scratch;
  const auto render = [&](std::span<const std::uint32_t> oid) -> const oid_naming& {
    render_oid(names, oid, scratch);
    return scratch;
  };
  name_trap(r, render);
  name_varbinds(names, r, render);
}

void name_record(const std::shared_ptr<const mibs::resolver>& names, pipeline::record& r) {
  thread_local naming_memo memo;
  const auto memoised = [&](std::span<const std::uint32_t> oid) -> const oid_naming& {
    return memo.get(names, oid);
  };
  name_trap(r, memoised);
  name_varbinds(*names, r, memoised);
}

}  // namespace trapsink::receiver
