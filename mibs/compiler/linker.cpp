#include "mibs/compiler/linker.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "mibs/compiler/base_modules.hpp"
#include "mibs/compiler/parser.hpp"

namespace trapsink::mibs::compiler {
namespace {

constexpr std::size_t none = static_cast<std::size_t>(-1);

/// The SMI application types, recognised by name when they resolve to a base module (or to
/// nothing): their ASN.1 definitions would otherwise reduce to INTEGER or OCTET STRING.
std::optional<base_type> application_type(std::string_view name) {
  if (name == "Integer32") return base_type::integer32;
  if (name == "Unsigned32" || name == "Gauge32" || name == "Gauge" || name == "UInteger32")
    return base_type::unsigned32;
  if (name == "Counter32" || name == "Counter") return base_type::counter32;
  if (name == "Counter64") return base_type::counter64;
  if (name == "TimeTicks") return base_type::time_ticks;
  if (name == "IpAddress" || name == "NetworkAddress") return base_type::ip_address;
  if (name == "Opaque") return base_type::opaque;
  if (name == "ObjectName" || name == "NotificationName") return base_type::object_identifier;
  return std::nullopt;
}

/// Obsolete module names and the module that replaced them (Net-SNMP's module_map).
std::string alias_of(std::string_view name) {
  static const std::unordered_map<std::string_view, std::string_view> aliases{
      {"RFC-1213", "RFC1213-MIB"},    {"RFC1158-MIB", "RFC1213-MIB"},
      {"RFC1212", "RFC-1212"},        {"RFC1215", "RFC-1215"},
      {"RFC1065-SMI", "RFC1155-SMI"}, {"RFC1316-MIB", "CHARACTER-MIB"},
      {"RFC1271-MIB", "RMON-MIB"},    {"RFC1315-MIB", "FRAME-RELAY-DTE-MIB"}};
  const auto it = aliases.find(name);
  return it == aliases.end() ? std::string() : std::string(it->second);
}

enum class visit : std::uint8_t { unvisited, visiting, done, failed };

struct mod {
  module_ast ast;
  bool builtin = false;
  bool duplicate = false;   ///< another module of this name loaded first: not used
  std::uint32_t index = 0;  ///< into mib_set::modules
  std::unordered_map<std::string_view, std::size_t> defs;   ///< values (lowercase names)
  std::unordered_map<std::string_view, std::size_t> types;  ///< type assignments and TCs
  /// symbol -> index into mods of the module it is imported from (none: that module is missing)
  std::unordered_map<std::string_view, std::size_t> imported;
  std::vector<std::string> missing;
  std::vector<visit> state;
  std::vector<std::vector<std::uint32_t>> oids;
  bool has_errors = false;
};

struct symbol {
  std::size_t mod = none;
  std::size_t def = none;
  explicit operator bool() const noexcept { return mod != none; }
};

class linker {
 public:
  linker(std::vector<module_ast> parsed, const leniency& opts) : opts_(opts) {
    for (const auto& b : base_modules()) {
      if (b.fallback) continue;
      auto ms = parse_modules(b.text, "<built-in>", opts);
      for (auto& m : ms) add(std::move(m), true);
    }
    for (auto& m : parsed) add(std::move(m), false);
    for (const auto& b : base_modules()) {
      if (!b.fallback || by_name_.count(std::string(b.name)) != 0) continue;
      auto ms = parse_modules(b.text, "<built-in>", opts);
      for (auto& m : ms) add(std::move(m), false);
    }
  }

  mib_set run() {
    for (auto& m : mods_) prepare(m);
    // Who keeps an OID that several modules define: SMIv2 modules before SMIv1 ones (SNMPv2-MIB
    // and IF-MIB keep their nodes against RFC1213-MIB, a vendor's SMIv2 module against its
    // V1SMI copy), then the first in load order.
    std::vector<std::size_t> order(mods_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
      return is_smiv2(mods_[a]) && !is_smiv2(mods_[b]);
    });
    for (auto i : order) make_nodes(i);
    std::sort(nodes_.begin(), nodes_.end(),
              [](const pending& a, const pending& b) { return a.n.oid < b.n.oid; });
    mib_set set;
    set.nodes.reserve(nodes_.size());
    for (auto& p : nodes_) set.nodes.push_back(std::move(p.n));
    finish_nodes(set);
    for (auto& m : mods_) {
      module_info info;
      info.name = m.ast.name;
      info.file = m.ast.file;
      info.diagnostics = std::move(m.ast.diagnostics);
      info.missing_imports = m.missing;
      if (m.ast.failed || m.duplicate) {
        info.outcome = module_outcome::failed;
      } else if (!m.missing.empty()) {
        info.outcome = module_outcome::missing_import;
      } else if (m.has_errors) {
        info.outcome = module_outcome::failed;
      } else {
        info.outcome = module_outcome::compiled;
      }
      set.modules.push_back(std::move(info));
    }
    return set;
  }

 private:
  struct pending {
    node n;
    std::size_t mod;
    std::size_t def;
  };

  void add(module_ast m, bool builtin) {
    mod x;
    x.builtin = builtin;
    x.index = static_cast<std::uint32_t>(mods_.size());
    const auto found = by_name_.find(m.name);
    if (found != by_name_.end()) {
      const auto& first = mods_[found->second];
      if (first.builtin && !builtin) {
        m.diagnostics.push_back(
            {m.file, m.at.line, m.at.column, diagnostic::level::note,
             "module " + m.name + " is built in; the built-in definition is used"});
        m.definitions.clear();
        m.imports.clear();
      } else {
        m.diagnostics.push_back({m.file, m.at.line, m.at.column, diagnostic::level::error,
                                 "duplicate module " + m.name + " (first loaded from " +
                                     first.ast.file + ":" + std::to_string(first.ast.at.line) +
                                     "); this copy is ignored"});
        x.duplicate = true;
        m.definitions.clear();
        m.imports.clear();
      }
    }
    x.ast = std::move(m);
    if (found == by_name_.end() && !x.ast.failed) by_name_.emplace(x.ast.name, mods_.size());
    mods_.push_back(std::move(x));
  }

  void prepare(mod& m) {
    for (std::size_t i = 0; i < m.ast.definitions.size(); ++i) {
      const auto k = m.ast.definitions[i].kind;
      const bool type = k == definition_kind::type || k == definition_kind::textual_convention;
      (type ? m.types : m.defs).emplace(m.ast.definitions[i].name, i);
    }
    m.state.assign(m.ast.definitions.size(), visit::unvisited);
    m.oids.resize(m.ast.definitions.size());
    for (auto& imp : m.ast.imports) {
      if (by_name_.find(imp.module) == by_name_.end() && opts_.module_aliases) {
        if (const auto alias = alias_of(imp.module); !alias.empty() && by_name_.count(alias)) {
          diag(m, imp.at, diagnostic::level::warning,
               "module " + imp.module + " is imported as " + alias +
                   ", its replacement (leniency module_aliases)");
          imp.module = alias;
        }
      }
      auto it = by_name_.find(imp.module);
      std::size_t from = none;
      if (it != by_name_.end()) {
        from = it->second;
      } else {
        if (std::find(m.missing.begin(), m.missing.end(), imp.module) == m.missing.end()) {
          m.missing.push_back(imp.module);
          const bool failed_copy =
              std::any_of(mods_.begin(), mods_.end(),
                          [&](const struct mod& o) { return o.ast.name == imp.module; });
          diag(m, imp.at, diagnostic::level::error,
               failed_copy ? "imported module " + imp.module + " failed to compile"
                           : "imported module " + imp.module + " not found");
        }
      }
      for (const auto& s : imp.symbols) m.imported.emplace(s, from);
    }
    if (!m.builtin) global_candidates_.push_back(&m - mods_.data());
  }

  static bool is_smiv2(const mod& m) {
    if (m.builtin) return m.ast.name == "SNMPv2-SMI" || m.ast.name == "SNMPv2-CONF";
    for (const auto& imp : m.ast.imports)
      if (imp.module == "SNMPv2-SMI" || imp.module == "SNMPv2-TC" || imp.module == "SNMPv2-CONF")
        return true;
    return false;
  }

  void diag(mod& m, const position& at, diagnostic::level l, std::string msg) {
    if (l == diagnostic::level::error) m.has_errors = true;
    m.ast.diagnostics.push_back({m.ast.file, at.line, at.column, l, std::move(msg)});
  }

  /// A name as seen from module mi: local, imported, a base symbol, or (leniency) global.
  static const std::unordered_map<std::string_view, std::size_t>& names(const mod& m, bool type) {
    return type ? m.types : m.defs;
  }

  symbol lookup(std::size_t mi, std::string_view name, const position& at, bool report = true,
                bool type = false) {
    auto& m = mods_[mi];
    if (auto it = names(m, type).find(name); it != names(m, type).end()) return {mi, it->second};
    if (auto it = m.imported.find(name); it != m.imported.end()) {
      if (it->second != none) {
        auto& from = names(mods_[it->second], type);
        if (auto d = from.find(name); d != from.end()) return {it->second, d->second};
      }
      if (auto s = base_symbol(name, type)) return s;
      if (it->second != none) {
        if (auto s =
                global(mi, name, at, report, "not defined in " + mods_[it->second].ast.name, type))
          return s;
        if (report)
          diag(m, at, diagnostic::level::error,
               std::string(name) + " is not defined in " + mods_[it->second].ast.name);
      }
      return {};  // imported from a missing module: reported once as missing_import
    }
    if (auto s = base_symbol(name, type)) {
      if (!opts_.missing_base_imports && !m.builtin) {
        if (report)
          diag(m, at, diagnostic::level::error,
               std::string(name) +
                   " is used without being imported (leniency missing_base_imports is off)");
        return {};
      }
      return s;
    }
    if (auto s = global(mi, name, at, report, "not imported", type)) return s;
    if (report) diag(m, at, diagnostic::level::error, "unknown name " + std::string(name));
    return {};
  }

  symbol base_symbol(std::string_view name, bool type) {
    for (std::size_t i = 0; i < mods_.size() && mods_[i].builtin; ++i)
      if (auto d = names(mods_[i], type).find(name); d != names(mods_[i], type).end())
        return {i, d->second};
    return {};
  }

  symbol global(std::size_t mi, std::string_view name, const position& at, bool report,
                const std::string& why, bool type) {
    if (!opts_.global_symbols) return {};
    for (auto gi : global_candidates_) {
      if (gi == mi || mods_[gi].duplicate || mods_[gi].ast.failed) continue;
      if (auto d = names(mods_[gi], type).find(name); d != names(mods_[gi], type).end()) {
        if (report)
          diag(mods_[mi], at, diagnostic::level::warning,
               std::string(name) + " " + why + "; using " + mods_[gi].ast.name +
                   "::" + std::string(name) + " (leniency global_symbols)");
        return {gi, d->second};
      }
    }
    return {};
  }

  /// The OID of definition di of module mi (computed once; empty when it cannot be).
  const std::vector<std::uint32_t>* oid_of(std::size_t mi, std::size_t di, int depth = 0) {
    auto& m = mods_[mi];
    switch (m.state[di]) {
      case visit::done:
        return &m.oids[di];
      case visit::failed:
        return nullptr;
      case visit::visiting:
        diag(m, m.ast.definitions[di].at, diagnostic::level::error,
             "OID of " + m.ast.definitions[di].name + " depends on itself");
        m.state[di] = visit::failed;
        return nullptr;
      case visit::unvisited:
        break;
    }
    if (depth > 200) {
      m.state[di] = visit::failed;
      return nullptr;
    }
    m.state[di] = visit::visiting;
    const auto& d = m.ast.definitions[di];
    std::vector<std::uint32_t> out;
    bool ok = true;
    if (d.kind == definition_kind::trap_type) {
      const std::vector<std::uint32_t>* ent = nullptr;
      std::vector<std::uint32_t> literal;
      if (!d.enterprise_oid.empty()) {
        ok = components(mi, d, d.enterprise_oid, literal, depth);
        ent = ok ? &literal : nullptr;
      } else if (auto s = lookup(mi, d.enterprise, d.at)) {
        ent = oid_of(s.mod, s.def, depth + 1);
      }
      if (ent == nullptr) {
        ok = false;
      } else {
        out = *ent;
        out.push_back(0);
        out.push_back(d.trap_number);
      }
    } else if (d.kind == definition_kind::type || d.kind == definition_kind::textual_convention) {
      ok = false;
    } else {
      ok = components(mi, d, d.oid, out, depth);
    }
    auto& mm = mods_[mi];  // (no reallocation happens, but keep the reference fresh)
    if (!ok || out.empty()) {
      mm.state[di] = visit::failed;
      return nullptr;
    }
    mm.oids[di] = std::move(out);
    mm.state[di] = visit::done;
    return &mm.oids[di];
  }

  bool components(std::size_t mi, const definition& d, const std::vector<oid_component>& cs,
                  std::vector<std::uint32_t>& out, int depth) {
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const auto& c = cs[i];
      if (c.number) {
        out.push_back(*c.number);
        continue;
      }
      if (i == 0) {
        if (c.name == "iso" || c.name == "ccitt" || c.name == "joint-iso-ccitt") {
          if (auto s = lookup(mi, c.name, d.at, false)) {
            if (auto o = oid_of(s.mod, s.def, depth + 1)) {
              out = *o;
              continue;
            }
          }
          out.push_back(c.name == "iso" ? 1u : c.name == "ccitt" ? 0u : 2u);
          continue;
        }
        auto s = lookup(mi, c.name, d.at);
        if (!s) return false;
        const auto* o = oid_of(s.mod, s.def, depth + 1);
        if (o == nullptr) {
          if (s.mod == mi)
            diag(mods_[mi], d.at, diagnostic::level::error,
                 "cannot resolve the OID of " + d.name + ": " + c.name + " has none");
          return false;
        }
        out = *o;
        continue;
      }
      diag(mods_[mi], d.at, diagnostic::level::error,
           "OID component " + c.name + " of " + d.name + " has no number");
      return false;
    }
    return true;
  }

  /// The effective type of a syntax seen from module mi, TC chain followed.
  void resolve_type(std::size_t mi, const syntax_ast& s, const position& at, type_info& t,
                    int depth = 0) {
    if (t.enums.empty() && !s.enums.empty()) t.enums = s.enums;
    if (t.ranges.empty() && !s.ranges.empty()) t.ranges = s.ranges;
    switch (s.kind) {
      case syntax_ast::form::none:
      case syntax_ast::form::choice:
        return;
      case syntax_ast::form::integer:
        t.base = base_type::integer32;
        return;
      case syntax_ast::form::octet_string:
        t.base = base_type::octet_string;
        return;
      case syntax_ast::form::object_identifier:
        t.base = base_type::object_identifier;
        return;
      case syntax_ast::form::bits:
        t.base = base_type::bits;
        return;
      case syntax_ast::form::sequence:
        t.base = base_type::sequence;
        return;
      case syntax_ast::form::sequence_of:
        t.base = base_type::sequence_of;
        return;
      case syntax_ast::form::reference:
        break;
    }
    if (depth > 32) {
      diag(mods_[mi], at, diagnostic::level::error, "type " + s.name + " refers to itself");
      return;
    }
    const auto app = application_type(s.name);
    auto sym = lookup(mi, s.name, at, !app.has_value(), true);
    if (app && (!sym || mods_[sym.mod].builtin)) {
      t.base = *app;
      return;
    }
    if (!sym) return;
    auto& from = mods_[sym.mod];
    const auto& d = from.ast.definitions[sym.def];
    if (d.kind != definition_kind::type && d.kind != definition_kind::textual_convention) {
      diag(mods_[mi], at, diagnostic::level::error, s.name + " is not a type");
      return;
    }
    if (t.tc_name.empty() && !from.builtin) {
      t.tc_module = from.ast.name;
      t.tc_name = d.name;
    }
    if (t.display_hint.empty()) t.display_hint = d.display_hint;
    resolve_type(sym.mod, d.syntax, d.at, t, depth + 1);
  }

  void make_nodes(std::size_t mi) {
    auto& m = mods_[mi];
    if (m.duplicate || m.ast.failed) return;
    for (std::size_t di = 0; di < m.ast.definitions.size(); ++di) {
      const auto& d = mods_[mi].ast.definitions[di];
      if (d.kind == definition_kind::type || d.kind == definition_kind::textual_convention) {
        // Resolve once for the diagnostics (unknown types in TCs).
        type_info ignored;
        resolve_type(mi, d.syntax, d.at, ignored);
        continue;
      }
      const auto* oid = oid_of(mi, di);
      if (oid == nullptr) {
        // Diagnosed where the cause was found, unless it was a missing import.
        continue;
      }
      if (!taken_.emplace(*oid, nodes_.size()).second) continue;  // first in load order
      pending p;
      p.mod = mi;
      p.def = di;
      node& n = p.n;
      n.oid = *oid;
      n.name = d.name;
      n.module = mods_[mi].index;
      n.status = d.status_.value_or(status::current);
      n.description = d.description;
      n.defval = d.defval;
      n.implied = d.implied;
      switch (d.kind) {
        case definition_kind::value:
          n.kind = node_kind::oid;
          break;
        case definition_kind::module_identity:
          n.kind = node_kind::module_identity;
          break;
        case definition_kind::object_identity:
          n.kind = node_kind::object_identity;
          break;
        case definition_kind::object_type:
          n.access = d.access_.value_or(access::not_accessible);
          resolve_type(mi, d.syntax, d.at, n.syntax);
          n.syntax.units = d.units;
          if (n.syntax.base == base_type::sequence_of) {
            n.kind = node_kind::table;
          } else if (!d.index.empty() || !d.augments.empty() ||
                     n.syntax.base == base_type::sequence) {
            n.kind = node_kind::row;
          } else {
            n.kind = node_kind::scalar;  // columns are found once every node is known
          }
          break;
        case definition_kind::notification_type:
          n.kind = node_kind::notification;
          break;
        case definition_kind::trap_type:
          n.kind = node_kind::notification;
          n.trap_type = true;
          n.enterprise.assign(oid->begin(), oid->end() - 2);
          n.specific = d.trap_number;
          break;
        case definition_kind::object_group:
        case definition_kind::notification_group:
          n.kind = node_kind::group;
          break;
        case definition_kind::module_compliance:
          n.kind = node_kind::compliance;
          break;
        case definition_kind::agent_capabilities:
          n.kind = node_kind::capabilities;
          break;
        case definition_kind::type:
        case definition_kind::textual_convention:
          break;
      }
      nodes_.push_back(std::move(p));
    }
    implicit_nodes(mi);
  }

  /// Named components inside OID values define names too (X.680 §32.3): `{ iso std(0)
  /// iso8802(8802) 1 }` names .1.0 `std` and .1.0.8802 `iso8802`, as Net-SNMP has them. They
  /// come after the module's own definitions, so an explicit definition keeps its OID.
  void implicit_nodes(std::size_t mi) {
    auto& m = mods_[mi];
    for (std::size_t di = 0; di < m.ast.definitions.size(); ++di) {
      const auto& d = m.ast.definitions[di];
      if (m.state[di] != visit::done || d.kind == definition_kind::trap_type) continue;
      const auto& full = m.oids[di];
      const auto& cs = d.oid;
      for (std::size_t i = 0; i < cs.size(); ++i) {
        if (cs[i].name.empty() || !cs[i].number) continue;
        const std::size_t len = full.size() - (cs.size() - 1 - i);
        if (len == 0 || len > full.size()) continue;
        std::vector<std::uint32_t> prefix(full.begin(), full.begin() + static_cast<long>(len));
        if (!taken_.emplace(prefix, nodes_.size()).second) continue;
        pending p;
        p.mod = mi;
        p.def = none;
        p.n.oid = std::move(prefix);
        p.n.name = cs[i].name;
        p.n.module = m.index;
        nodes_.push_back(std::move(p));
      }
    }
  }

  std::uint32_t find_node(const mib_set& set, const std::vector<std::uint32_t>& oid) const {
    auto it = std::lower_bound(
        set.nodes.begin(), set.nodes.end(), oid,
        [](const node& n, const std::vector<std::uint32_t>& o) { return n.oid < o; });
    if (it == set.nodes.end() || it->oid != oid) return node_ref::npos;
    return static_cast<std::uint32_t>(it - set.nodes.begin());
  }

  node_ref make_ref(const mib_set& set, std::size_t mi, const std::string& name,
                    const position& at) {
    node_ref r;
    r.name = name;
    if (name == "OCTET STRING" || name == "OBJECT IDENTIFIER" || name == "INTEGER" ||
        application_type(name)) {
      return r;  // SMIv1 INDEX naming a type: no node
    }
    auto s = lookup(mi, name, at, false);
    if (!s) {
      const auto from = mods_[mi].imported.find(name);
      if (from == mods_[mi].imported.end() || from->second != none)
        diag(
            mods_[mi], at, diagnostic::level::warning,
            "unknown name " + name + " in INDEX, AUGMENTS, OBJECTS or VARIABLES (kept unresolved)");
      if (auto it = mods_[mi].imported.find(name); it != mods_[mi].imported.end()) {
        for (const auto& imp : mods_[mi].ast.imports)
          if (std::find(imp.symbols.begin(), imp.symbols.end(), name) != imp.symbols.end())
            r.module = imp.module;
      }
      return r;
    }
    r.module = mods_[s.mod].ast.name;
    if (const auto* oid = oid_of(s.mod, s.def)) r.node = find_node(set, *oid);
    return r;
  }

  void finish_nodes(mib_set& set) {
    // Columns: OBJECT-TYPEs whose parent is a row.
    for (auto& n : set.nodes) {
      if (n.kind != node_kind::scalar || n.oid.size() < 2) continue;
      const std::vector<std::uint32_t> parent(n.oid.begin(), n.oid.end() - 1);
      const auto p = find_node(set, parent);
      if (p != node_ref::npos && set.nodes[p].kind == node_kind::row) n.kind = node_kind::column;
    }
    // References (the pending entries were sorted with the nodes, so they line up).
    for (std::size_t i = 0; i < set.nodes.size(); ++i) {
      auto& n = set.nodes[i];
      const auto mi = nodes_[i].mod;
      if (nodes_[i].def == none) continue;  // an implicit node: no references
      const auto& d = mods_[mi].ast.definitions[nodes_[i].def];
      for (const auto& x : d.index) n.index.push_back(make_ref(set, mi, x, d.at));
      if (!d.augments.empty()) n.augments = make_ref(set, mi, d.augments, d.at);
      for (const auto& x : d.objects) n.objects.push_back(make_ref(set, mi, x, d.at));
    }
    // AUGMENTS rows take the augmented row's INDEX items (following chains of AUGMENTS).
    for (auto& n : set.nodes) {
      if (!n.augments || !n.index.empty()) continue;
      auto target = n.augments->node;
      for (int hops = 0; hops < 8 && target != node_ref::npos; ++hops) {
        const auto& t = set.nodes[target];
        if (!t.index.empty()) {
          n.index = t.index;
          n.implied = t.implied;
          break;
        }
        target = t.augments ? t.augments->node : node_ref::npos;
      }
    }
  }

  const leniency& opts_;
  std::vector<mod> mods_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::vector<std::size_t> global_candidates_;
  std::vector<pending> nodes_;
  std::map<std::vector<std::uint32_t>, std::size_t> taken_;
};

}  // namespace

mib_set link(std::vector<module_ast> modules, const leniency& options) {
  linker l(std::move(modules), options);
  return l.run();
}

}  // namespace trapsink::mibs::compiler
