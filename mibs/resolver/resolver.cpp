#include "mibs/resolver/resolver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <numeric>

#include "mibs/resolver/display_hint.hpp"

namespace trapsink::mibs {
namespace {

constexpr std::uint32_t npos = node_ref::npos;

bool is_prefix(std::span<const std::uint32_t> prefix, std::span<const std::uint32_t> of) noexcept {
  return prefix.size() <= of.size() && std::equal(prefix.begin(), prefix.end(), of.begin());
}

inline bool less(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const std::uint32_t* pa = a.data();
  const std::uint32_t* pb = b.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (pa[i] != pb[i]) return pa[i] < pb[i];
  }
  return a.size() < b.size();
}

void append_uint(std::uint64_t v, std::string& out) {
  std::array<char, 24> buf{};
  const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr;
  out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

void append_int(std::int64_t v, std::string& out) {
  std::array<char, 24> buf{};
  const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr;
  out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

void append_arcs(std::span<const std::uint32_t> arcs, std::string& out, bool leading_dot) {
  bool first = !leading_dot;
  for (auto a : arcs) {
    if (!first) out.push_back('.');
    first = false;
    append_uint(a, out);
  }
}

void append_dotted_octets(std::span<const std::uint32_t> arcs, std::string& out) {
  append_arcs(arcs, out, false);
}

/// The built-in roots every OID tree has (Net-SNMP names them without MIBs too).
struct root {
  std::uint32_t arc;
  const char* name;
};
constexpr std::array<root, 3> roots{{{0, "ccitt"}, {1, "iso"}, {2, "joint-iso-ccitt"}}};

/// Copy up to 255 single-octet arcs into buf; false if an arc is above 255.
bool arcs_to_octets(std::span<const std::uint32_t> arcs, std::array<char, 256>& buf,
                    std::string_view& out) noexcept {
  if (arcs.size() > buf.size()) return false;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (arcs[i] > 255) return false;
    buf[i] = static_cast<char>(static_cast<unsigned char>(arcs[i]));
  }
  out = std::string_view(buf.data(), arcs.size());
  return true;
}

bool is_ascii_print(std::uint32_t c) noexcept { return c >= 0x20 && c < 0x7f; }

/// InetAddressType values (INET-ADDRESS-MIB, RFC 4001).
enum : std::int64_t { inet_ipv4 = 1, inet_ipv6 = 2, inet_ipv4z = 3, inet_ipv6z = 4, inet_dns = 16 };

/// True when the wire type fits the object's declared base type.
bool fits(base_type b, value_kind k) noexcept {
  switch (b) {
    case base_type::integer32:
      return k == value_kind::integer;
    case base_type::unsigned32:
      return k == value_kind::gauge32;
    case base_type::counter32:
      return k == value_kind::counter32;
    case base_type::counter64:
      return k == value_kind::counter64;
    case base_type::time_ticks:
      return k == value_kind::time_ticks;
    case base_type::octet_string:
    case base_type::bits:
      return k == value_kind::octet_string;
    case base_type::object_identifier:
      return k == value_kind::object_identifier;
    case base_type::ip_address:
      return k == value_kind::ip_address;
    case base_type::opaque:
      return k == value_kind::opaque;
    default:
      return false;
  }
}

std::string_view type_name_of(base_type b) noexcept {
  switch (b) {
    case base_type::integer32:
      return "INTEGER";
    case base_type::unsigned32:
      return "Gauge32";
    case base_type::counter32:
      return "Counter32";
    case base_type::counter64:
      return "Counter64";
    case base_type::time_ticks:
      return "Timeticks";
    case base_type::octet_string:
      return "OCTET STRING";
    case base_type::bits:
      return "BITS";
    case base_type::object_identifier:
      return "OBJECT IDENTIFIER";
    case base_type::ip_address:
      return "IpAddress";
    case base_type::opaque:
      return "Opaque";
    default:
      return "?";
  }
}

/// Net-SNMP's test for quoting a string value: every octet printable or white space (C locale).
bool netsnmp_printable(std::string_view s) noexcept {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(is_ascii_print(c) || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')) {
      return false;
    }
  }
  return true;
}

}  // namespace

resolver::resolver(mib_set set) : set_(std::move(set)) {
  auto& nodes = set_.nodes;
  // The built-in roots, when the compiled set does not define them.
  std::uint32_t builtin_module = npos;
  for (const auto& r : roots) {
    const bool present = std::any_of(nodes.begin(), nodes.end(), [&](const node& n) {
      return n.oid.size() == 1 && n.oid[0] == r.arc;
    });
    if (present) continue;
    if (builtin_module == npos) {
      builtin_module = static_cast<std::uint32_t>(set_.modules.size());
      set_.modules.push_back(module_info{});  // name "": the roots print without a module
    }
    node n;
    n.oid = {r.arc};
    n.name = r.name;
    n.module = builtin_module;
    nodes.push_back(std::move(n));
  }
  // Sort by oid (the contract says sorted; the roots were appended) keeping the first of equal
  // oids, and remap every node_ref.
  const std::size_t count = nodes.size();
  std::vector<std::uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  const auto by_oid = [&](std::uint32_t a, std::uint32_t b) {
    return less(nodes[a].oid, nodes[b].oid);
  };
  // The usual case: the compiled nodes are sorted (the contract) and at most three roots were
  // appended: merge them in, in linear time; otherwise sort.
  std::size_t appended = 0;
  for (std::size_t i = count;
       i > 0 && nodes[i - 1].module == builtin_module && builtin_module != npos; --i) {
    ++appended;
  }
  const std::size_t base = count - appended;
  bool base_sorted = true;
  for (std::size_t i = 1; i < base && base_sorted; ++i) {
    base_sorted = less(nodes[i - 1].oid, nodes[i].oid) || nodes[i - 1].oid == nodes[i].oid;
  }
  if (base_sorted) {
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(base), order.end(), by_oid);
    std::inplace_merge(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(base),
                       order.end(), by_oid);
  } else {
    std::stable_sort(order.begin(), order.end(), by_oid);
  }
  std::vector<std::uint32_t> new_index(count, npos);
  std::vector<node> sorted;
  sorted.reserve(count);
  for (std::uint32_t old : order) {
    if (!sorted.empty() && sorted.back().oid == nodes[old].oid) {
      new_index[old] = static_cast<std::uint32_t>(sorted.size() - 1);
      continue;
    }
    new_index[old] = static_cast<std::uint32_t>(sorted.size());
    sorted.push_back(std::move(nodes[old]));
  }
  auto remap = [&](node_ref& r) {
    if (r.node != npos) r.node = r.node < count ? new_index[r.node] : npos;
  };
  for (auto& n : sorted) {
    for (auto& r : n.index) remap(r);
    for (auto& r : n.objects) remap(r);
    if (n.augments) remap(*n.augments);
  }
  nodes = std::move(sorted);

  key_offset_.reserve(nodes.size() + 1);
  key_offset_.push_back(0);
  for (const auto& n : nodes) {
    key_arcs_.insert(key_arcs_.end(), n.oid.begin(), n.oid.end());
    key_offset_.push_back(static_cast<std::uint32_t>(key_arcs_.size()));
  }
  parent_.assign(nodes.size(), npos);
  std::vector<std::uint32_t> stack;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    while (!stack.empty() && !is_prefix(nodes[stack.back()].oid, nodes[i].oid)) stack.pop_back();
    if (!stack.empty()) parent_[i] = stack.back();
    stack.push_back(i);
  }
  // By name: the first node of each descriptor, then a chain through same_name_ (oid order).
  by_name_.reserve(nodes.size());
  same_name_.assign(nodes.size(), npos);
  std::vector<std::uint32_t> last(nodes.size(), npos);
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    auto [it, fresh] = by_name_.try_emplace(nodes[i].name, i);
    if (!fresh) same_name_[last[it->second]] = i;
    last[it->second] = i;
  }
  for (std::uint32_t i = 0; i < set_.modules.size(); ++i) {
    module_index_.emplace(set_.modules[i].name, i);
  }
}

oid_match resolver::lookup(std::span<const std::uint32_t> oid) const noexcept {
  // Binary search over the flat copy of the keys (a few cache lines per step, not a node and
  // its heap-allocated oid), then up the named parents to the longest prefix.
  const auto key = [this](std::uint32_t i) {
    return std::span<const std::uint32_t>(key_arcs_.data() + key_offset_[i],
                                          key_offset_[i + 1] - key_offset_[i]);
  };
  std::uint32_t lo = 0;
  auto count = static_cast<std::uint32_t>(set_.nodes.size());
  while (count > 0) {  // upper_bound
    const std::uint32_t step = count / 2;
    if (!less(oid, key(lo + step))) {
      lo += step + 1;
      count -= step + 1;
    } else {
      count = step;
    }
  }
  if (lo == 0) return {};
  std::uint32_t i = lo - 1;
  while (i != npos && !is_prefix(key(i), oid)) i = parent_[i];
  if (i == npos) return {};
  return {&set_.nodes[i], key_offset_[i + 1] - key_offset_[i]};
}

const node* resolver::find(std::span<const std::uint32_t> oid) const noexcept {
  const auto m = lookup(oid);
  return m.n != nullptr && m.matched == oid.size() ? m.n : nullptr;
}

const node* resolver::find(std::string_view module, std::string_view name) const noexcept {
  auto it = by_name_.find(name);
  if (!module.empty()) {
    auto mod = module_index_.find(module);
    if (mod == module_index_.end()) return nullptr;
    if (it == by_name_.end()) return nullptr;
    for (auto i = it->second; i != npos; i = same_name_[i]) {
      if (set_.nodes[i].module == mod->second) return &set_.nodes[i];
    }
  }
  if (it == by_name_.end()) return nullptr;
  return &set_.nodes[it->second];
}

std::string_view resolver::module_of(const node& n) const noexcept {
  return n.module < set_.modules.size() ? std::string_view(set_.modules[n.module].name)
                                        : std::string_view();
}

const node* resolver::parent(const node& n) const noexcept {
  const auto i = static_cast<std::size_t>(&n - set_.nodes.data());
  if (i >= parent_.size() || parent_[i] == npos) return nullptr;
  return &set_.nodes[parent_[i]];
}

const node* resolver::row_of(const node& n) const noexcept {
  if (n.kind != node_kind::column && n.kind != node_kind::scalar) return nullptr;
  const node* p = parent(n);
  if (p == nullptr || p->kind != node_kind::row || p->oid.size() + 1 != n.oid.size()) {
    return nullptr;
  }
  return p;
}

std::span<const node_ref> resolver::index_of(const node& row) const noexcept {
  const node* r = &row;
  for (int depth = 0; depth < 8 && r != nullptr; ++depth) {
    if (!r->index.empty()) return r->index;
    if (!r->augments || r->augments->node == npos) break;
    r = &set_.nodes[r->augments->node];
  }
  return {};
}

decoded_index resolver::decode_index(const node& column,
                                     std::span<const std::uint32_t> suffix) const noexcept {
  decoded_index d;
  d.rest = suffix;
  const node* row = row_of(column);
  if (row == nullptr) return d;
  // IMPLIED belongs to the row whose INDEX clause is used (the augmented one for AUGMENTS).
  bool implied = row->implied;
  {
    const node* r = row;
    for (int depth = 0; depth < 8 && r != nullptr && r->index.empty(); ++depth) {
      if (!r->augments || r->augments->node == npos) break;
      r = &set_.nodes[r->augments->node];
      implied = r->implied;
    }
  }
  const auto items = index_of(*row);
  std::size_t pos = 0;
  std::int64_t last_address_type = -1;
  for (std::size_t k = 0; k < items.size() && d.count < decoded_index::capacity; ++k) {
    if (items[k].node == npos) break;
    const node& obj = set_.nodes[items[k].node];
    const type_info& syn = obj.syntax;
    const bool last = k + 1 == items.size();
    const std::size_t left = suffix.size() - pos;
    index_part p;
    p.object = &obj;
    std::size_t take = 0;
    std::size_t prefix = 0;
    auto octets_ok = [&](std::size_t from, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        if (suffix[from + i] > 255) return false;
      }
      return true;
    };
    switch (syn.base) {
      case base_type::integer32:
      case base_type::unsigned32:
      case base_type::counter32:
      case base_type::counter64:
      case base_type::time_ticks:
        if (left < 1) return d;
        p.encoding = index_encoding::integer;
        take = 1;
        break;
      case base_type::ip_address:
        if (left < 4 || !octets_ok(pos, 4)) return d;
        p.encoding = index_encoding::ip_address;
        take = 4;
        break;
      case base_type::octet_string:
      case base_type::opaque:
      case base_type::bits:
        if (last && implied) {
          p.encoding = index_encoding::implied;
          take = left;
        } else if (syn.ranges.size() == 1 && syn.ranges[0].min == syn.ranges[0].max &&
                   syn.ranges[0].min >= 0) {
          p.encoding = index_encoding::fixed_string;
          take = static_cast<std::size_t>(syn.ranges[0].min);
          if (take > left) return d;
        } else {
          if (left < 1 || suffix[pos] > left - 1) return d;
          prefix = 1;
          take = suffix[pos];
          p.encoding =
              syn.tc_name == "InetAddress" ? index_encoding::inet_address : index_encoding::string;
          p.address_type = last_address_type;
        }
        if (take > 255 || !octets_ok(pos + prefix, take)) return d;
        break;
      case base_type::object_identifier:
        if (last && implied) {
          p.encoding = index_encoding::implied_oid;
          take = left;
        } else {
          if (left < 1 || suffix[pos] > left - 1) return d;
          prefix = 1;
          take = suffix[pos];
          p.encoding = index_encoding::oid;
        }
        break;
      default:
        return d;
    }
    p.arcs = suffix.subspan(pos + prefix, take);
    if (p.encoding == index_encoding::integer && syn.tc_name == "InetAddressType") {
      last_address_type = p.arcs[0];
    }
    pos += prefix + take;
    d.parts[d.count++] = p;
    d.rest = suffix.subspan(pos);
  }
  return d;
}

void resolver::append_index_in_name(const index_part& p, std::string& out) const {
  switch (p.encoding) {
    case index_encoding::integer: {
      const auto label =
          p.object != nullptr ? enum_label(p.object, static_cast<std::int64_t>(p.arcs[0])) : "";
      if (!label.empty()) {
        out.append(label);
      } else {
        append_uint(p.arcs[0], out);
      }
      return;
    }
    case index_encoding::ip_address:
      append_dotted_octets(p.arcs, out);
      return;
    case index_encoding::oid:
      append_uint(p.arcs.size(), out);
      if (!p.arcs.empty()) out.push_back('.');
      append_arcs(p.arcs, out, false);
      return;
    case index_encoding::implied_oid:
      append_arcs(p.arcs, out, false);
      return;
    case index_encoding::inet_address: {
      const auto n = p.arcs.size();
      auto hex_octets = [&](std::span<const std::uint32_t> a) {
        bool first = true;
        for (auto b : a) {
          if (!first) out.push_back(':');
          first = false;
          fmt::format_to(std::back_inserter(out), "{:02x}", b);
        }
      };
      auto zone = [&](std::span<const std::uint32_t> a) {
        std::uint64_t z = 0;
        for (auto b : a) z = (z << 8) | b;
        out.push_back('%');
        append_uint(z, out);
      };
      if (p.address_type == inet_ipv4 && n == 4) {
        out.push_back('"');
        append_dotted_octets(p.arcs, out);
        out.push_back('"');
        return;
      }
      if (p.address_type == inet_ipv6 && n == 16) {
        out.push_back('"');
        hex_octets(p.arcs);
        out.push_back('"');
        return;
      }
      if (p.address_type == inet_ipv4z && n == 8) {
        out.push_back('"');
        append_dotted_octets(p.arcs.first(4), out);
        zone(p.arcs.subspan(4));
        out.push_back('"');
        return;
      }
      if (p.address_type == inet_ipv6z && n == 20) {
        out.push_back('"');
        hex_octets(p.arcs.first(16));
        zone(p.arcs.subspan(16));
        out.push_back('"');
        return;
      }
      [[fallthrough]];
    }
    case index_encoding::string:
    case index_encoding::fixed_string:
    case index_encoding::implied: {
      // Net-SNMP: double quotes for a length-prefixed string, single quotes for a fixed-length
      // or IMPLIED one; a non-printable octet is written as '.'.
      const char q =
          p.encoding == index_encoding::fixed_string || p.encoding == index_encoding::implied ? '\''
                                                                                              : '"';
      out.push_back(q);
      for (auto c : p.arcs) out.push_back(is_ascii_print(c) ? static_cast<char>(c) : '.');
      out.push_back(q);
      return;
    }
  }
}

void resolver::append_index_value(const index_part& p, std::string& out) const {
  switch (p.encoding) {
    case index_encoding::integer: {
      value_view v;
      const base_type b = p.object != nullptr ? p.object->syntax.base : base_type::integer32;
      v.kind = b == base_type::integer32    ? value_kind::integer
               : b == base_type::unsigned32 ? value_kind::gauge32
               : b == base_type::counter32  ? value_kind::counter32
               : b == base_type::time_ticks ? value_kind::time_ticks
                                            : value_kind::counter64;
      v.i = static_cast<std::int64_t>(p.arcs[0]);
      v.u = p.arcs[0];
      if (v.kind == value_kind::integer) {
        const auto label = enum_label(p.object, v.i);
        if (!label.empty()) {
          out.append(label);
          return;
        }
      }
      if (v.kind == value_kind::time_ticks) {
        append_uint(v.u, out);
        return;
      }
      append_value(p.object, v, out, false);
      return;
    }
    case index_encoding::ip_address:
      append_dotted_octets(p.arcs, out);
      return;
    case index_encoding::oid:
    case index_encoding::implied_oid:
      append_arcs(p.arcs, out, false);
      return;
    case index_encoding::inet_address:
      if ((p.address_type == inet_ipv4 && p.arcs.size() == 4) ||
          (p.address_type == inet_ipv4z && p.arcs.size() == 8)) {
        append_dotted_octets(p.arcs.first(4), out);
        if (p.arcs.size() == 8) {
          std::uint64_t z = 0;
          for (auto b : p.arcs.subspan(4)) z = (z << 8) | b;
          out.push_back('%');
          append_uint(z, out);
        }
        return;
      }
      if ((p.address_type == inet_ipv6 && p.arcs.size() == 16) ||
          (p.address_type == inet_ipv6z && p.arcs.size() == 20)) {
        // RFC 5952 text: lowercase, the longest run of zero groups (two or more) as "::".
        std::array<std::uint32_t, 8> g{};
        for (std::size_t i = 0; i < 8; ++i) g[i] = (p.arcs[2 * i] << 8) | p.arcs[2 * i + 1];
        std::size_t best = 8, best_len = 0;
        for (std::size_t i = 0; i < 8;) {
          if (g[i] != 0) {
            ++i;
            continue;
          }
          std::size_t j = i;
          while (j < 8 && g[j] == 0) ++j;
          if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
          }
          i = j;
        }
        for (std::size_t i = 0; i < 8; ++i) {
          if (i == best) {
            out.append("::");
            i += best_len - 1;
            continue;
          }
          if (i != 0 && !(best_len != 0 && i == best + best_len)) out.push_back(':');
          fmt::format_to(std::back_inserter(out), "{:x}", g[i]);
        }
        if (p.arcs.size() == 20) {
          std::uint64_t z = 0;
          for (auto b : p.arcs.subspan(16)) z = (z << 8) | b;
          out.push_back('%');
          append_uint(z, out);
        }
        return;
      }
      [[fallthrough]];
    case index_encoding::string:
    case index_encoding::fixed_string:
    case index_encoding::implied: {
      std::array<char, 256> buf{};
      std::string_view octets;
      if (!arcs_to_octets(p.arcs, buf, octets)) {
        append_arcs(p.arcs, out, false);
        return;
      }
      value_view v;
      v.kind = value_kind::octet_string;
      v.octets = octets;
      append_value(p.object, v, out, false);
      return;
    }
  }
}

bool resolver::append_name(std::span<const std::uint32_t> oid, std::string& out,
                           name_style style) const {
  if (style == name_style::numeric) {
    append_arcs(oid, out, true);
    return true;
  }
  const oid_match m = lookup(oid);
  if (m.n != nullptr && m.n->kind == node_kind::column && m.matched < oid.size()) {
    const decoded_index d = decode_index(*m.n, oid.subspan(m.matched));
    return append_name(oid, m, &d, out, style);
  }
  return append_name(oid, m, nullptr, out, style);
}

bool resolver::append_name(std::span<const std::uint32_t> oid, const oid_match& m,
                           const decoded_index* index, std::string& out, name_style style) const {
  if (style == name_style::numeric) {
    append_arcs(oid, out, true);
    return true;
  }
  if (m.n == nullptr) {
    append_arcs(oid, out, false);
    return false;
  }
  if (style == name_style::full) {
    for (std::size_t k = 1; k <= m.matched; ++k) {
      out.push_back('.');
      const node* n = find(oid.first(k));
      if (n != nullptr) {
        out.append(n->name);
      } else {
        append_uint(oid[k - 1], out);
      }
    }
  } else {
    // Net-SNMP writes the three roots (ccitt, iso, joint-iso-ccitt) without a module.
    if (style == name_style::module && m.n->oid.size() > 1) {
      const auto mod = module_of(*m.n);
      if (!mod.empty()) {
        out.append(mod);
        out.append("::");
      }
    }
    out.append(m.n->name);
  }
  auto suffix = oid.subspan(m.matched);
  if (index != nullptr) {
    for (std::size_t i = 0; i < index->count; ++i) {
      out.push_back('.');
      append_index_in_name(index->parts[i], out);
    }
    suffix = index->rest;
  }
  append_arcs(suffix, out, true);
  return true;
}

std::string resolver::name(std::span<const std::uint32_t> oid, name_style style) const {
  std::string out;
  append_name(oid, out, style);
  return out;
}

std::string_view resolver::enum_label(const node* object, std::int64_t v) noexcept {
  if (object == nullptr || object->syntax.base != base_type::integer32) return {};
  for (const auto& e : object->syntax.enums) {
    if (e.value == v) return e.label;
  }
  return {};
}

bool resolver::append_value(const node* object, const value_view& v, std::string& out,
                            bool typed) const {
  const type_info* syn = object != nullptr ? &object->syntax : nullptr;
  const bool exception = v.kind == value_kind::null || v.kind == value_kind::no_such_object ||
                         v.kind == value_kind::no_such_instance ||
                         v.kind == value_kind::end_of_mib_view;
  if (syn != nullptr && syn->base != base_type::none && !exception && !fits(syn->base, v.kind)) {
    // Net-SNMP's warning for a value whose type is not the object's; rendered by its own type.
    if (typed) {
      out.append("Wrong Type (should be ");
      out.append(type_name_of(syn->base));
      out.append("): ");
    }
    syn = nullptr;
  }
  if (syn != nullptr && syn->base == base_type::none) syn = nullptr;
  auto units = [&] {
    if (syn != nullptr && !syn->units.empty()) {
      out.push_back(' ');
      out.append(syn->units);
    }
  };
  auto prefix = [&](std::string_view p) {
    if (typed) out.append(p);
  };
  switch (v.kind) {
    case value_kind::integer: {
      prefix("INTEGER: ");
      if (syn != nullptr && !syn->enums.empty()) {
        const auto label = enum_label(object, v.i);
        if (!label.empty()) {
          out.append(label);
          out.push_back('(');
          append_int(v.i, out);
          out.push_back(')');
          return true;
        }
      }
      if (syn == nullptr || syn->display_hint.empty() ||
          !append_integer_hinted(syn->display_hint, v.i, out)) {
        append_int(v.i, out);
      }
      units();
      return true;
    }
    case value_kind::counter32:
    case value_kind::gauge32:
    case value_kind::counter64: {
      prefix(v.kind == value_kind::counter32 ? "Counter32: "
             : v.kind == value_kind::gauge32 ? "Gauge32: "
                                             : "Counter64: ");
      if (syn == nullptr || syn->display_hint.empty() || v.u > 0x7fffffffffffffffULL ||
          !append_integer_hinted(syn->display_hint, static_cast<std::int64_t>(v.u), out)) {
        append_uint(v.u, out);
      }
      units();
      return true;
    }
    case value_kind::time_ticks:
      prefix("Timeticks: ");
      append_time_ticks(v.u, out);
      return true;
    case value_kind::ip_address:
      prefix("IpAddress: ");
      if (v.octets.size() == 4) {
        auto b = [&](std::size_t i) { return static_cast<unsigned char>(v.octets[i]); };
        fmt::format_to(std::back_inserter(out), "{}.{}.{}.{}", b(0), b(1), b(2), b(3));
      } else {
        append_hex(v.octets, out);
      }
      return true;
    case value_kind::object_identifier:
      prefix("OID: ");
      append_name(v.oid, out, name_style::module);
      return true;
    case value_kind::opaque:
      prefix("OPAQUE: ");
      append_hex(v.octets, out);
      return true;
    case value_kind::octet_string: {
      if (syn != nullptr && syn->base == base_type::bits) {
        // Net-SNMP: the octets in hex, then the name(number) of every bit set (bit 0 is the
        // most significant bit of the first octet, RFC 2578 §7.1.4).
        prefix("BITS: ");
        append_hex(v.octets, out);
        for (std::size_t i = 0; i < v.octets.size() * 8; ++i) {
          const auto byte = static_cast<unsigned char>(v.octets[i / 8]);
          if ((byte & (0x80u >> (i % 8))) == 0) continue;
          out.push_back(' ');
          std::string_view label;
          for (const auto& e : syn->enums) {
            if (e.value == static_cast<std::int64_t>(i)) label = e.label;
          }
          if (!label.empty()) out.append(label);
          out.push_back('(');
          append_uint(i, out);
          out.push_back(')');
        }
        return true;
      }
      if (syn != nullptr && !syn->display_hint.empty()) {
        const std::size_t mark = out.size();
        prefix("STRING: ");
        if (append_octets_hinted(syn->display_hint, v.octets, out)) return true;
        out.resize(mark);  // a malformed hint or a value that does not fit it: hex
        prefix("Hex-STRING: ");
        append_hex(v.octets, out);
        return false;
      }
      if (typed) {
        if (netsnmp_printable(v.octets)) {
          out.append("STRING: \"");
          out.append(v.octets);
          out.push_back('"');
        } else {
          out.append("Hex-STRING: ");
          append_hex(v.octets, out);
        }
        return true;
      }
      if (is_printable_text(v.octets)) {
        out.append(v.octets);
      } else {
        append_hex(v.octets, out);
      }
      return true;
    }
    case value_kind::null:
      out.append(typed ? "NULL" : "");
      return true;
    case value_kind::no_such_object:
      out.append("No Such Object available on this agent at this OID");
      return true;
    case value_kind::no_such_instance:
      out.append("No Such Instance currently exists at this OID");
      return true;
    case value_kind::end_of_mib_view:
      out.append("No more variables left in this MIB View (It is past the end of the MIB tree)");
      return true;
  }
  return false;
}

void resolver::append_typed_value(const node* object, const value_view& v, std::string& out) const {
  append_value(object, v, out, true);
}

void resolver::append_display(const node* object, const value_view& v, std::string& out) const {
  append_value(object, v, out, false);
}

const node* resolver::find_child(std::span<const std::uint32_t> parent,
                                 std::string_view name) const noexcept {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return nullptr;
  for (auto i = it->second; i != npos; i = same_name_[i]) {
    const node& n = set_.nodes[i];
    if (n.oid.size() == parent.size() + 1 && is_prefix(parent, n.oid)) return &n;
  }
  return nullptr;
}

}  // namespace trapsink::mibs
