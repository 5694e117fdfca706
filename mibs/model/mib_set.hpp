#pragma once
// The compiled form of a set of MIB modules: what mibs/compiler produces, what the index file
// (mibs/index) stores, and what mibs/resolver loads. Plain data, no behaviour: every type
// reference is already resolved by the compiler, so the resolver never sees a module's text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::mibs {

/// The SMI base type a syntax reduces to once textual conventions are followed.
enum class base_type : std::uint8_t {
  none,               ///< no SYNTAX (OID assignments, tables, notifications, groups)
  integer32,          ///< INTEGER / Integer32 (enumerations keep this base, see type_info::enums)
  unsigned32,         ///< Unsigned32 / Gauge32 / Gauge
  counter32,          ///< Counter32 / Counter
  counter64,          ///< Counter64
  time_ticks,         ///< TimeTicks
  octet_string,       ///< OCTET STRING (and Opaque-free string TCs)
  object_identifier,  ///< OBJECT IDENTIFIER
  ip_address,         ///< IpAddress / NetworkAddress
  opaque,             ///< Opaque
  bits,               ///< BITS (named bits in type_info::enums, value = bit number)
  sequence,           ///< a row's SEQUENCE type (the row node itself)
  sequence_of,        ///< SEQUENCE OF (the table node itself)
};

/// A labelled number: an enumeration item ("up", 1) or a named bit ("bit0", 0).
struct named_number {
  std::string label;
  std::int64_t value = 0;
};

/// One alternative of a range or SIZE constraint; min == max for a single value.
struct range {
  std::int64_t min = 0;
  std::int64_t max = 0;
};

/// A node's effective syntax, with the textual-convention chain already followed.
struct type_info {
  base_type base = base_type::none;
  std::string tc_module;     ///< module of the nearest textual convention ("SNMPv2-TC"), or empty
  std::string tc_name;       ///< its name ("DisplayString", "MacAddress"), or empty
  std::string display_hint;  ///< effective DISPLAY-HINT (nearest in the chain), or empty
  std::vector<named_number> enums;  ///< enumeration items or named bits, in declared order
  std::vector<range> ranges;        ///< value range, or SIZE for octet strings, or empty
  std::string units;                ///< UNITS clause, or empty
};

enum class node_kind : std::uint8_t {
  oid,              ///< a plain OBJECT IDENTIFIER value assignment
  module_identity,  ///< MODULE-IDENTITY
  object_identity,  ///< OBJECT-IDENTITY
  scalar,           ///< OBJECT-TYPE that is neither a table, a row nor a column
  table,            ///< OBJECT-TYPE with SYNTAX SEQUENCE OF
  row,              ///< OBJECT-TYPE with INDEX or AUGMENTS (an entry)
  column,           ///< OBJECT-TYPE whose parent is a row
  notification,     ///< NOTIFICATION-TYPE, or TRAP-TYPE (see node::trap_type)
  group,            ///< OBJECT-GROUP / NOTIFICATION-GROUP
  compliance,       ///< MODULE-COMPLIANCE
  capabilities,     ///< AGENT-CAPABILITIES
};

enum class access : std::uint8_t {
  none,  ///< not an OBJECT-TYPE
  not_accessible,
  accessible_for_notify,
  read_only,
  read_write,
  read_create,
  write_only,
};

enum class status : std::uint8_t { current, deprecated, obsolete, mandatory, optional };

/// A reference from one node to another (an INDEX item, an OBJECTS or VARIABLES member).
/// node is the index into mib_set::nodes, or npos when the target could not be resolved
/// (then only module/name are known).
struct node_ref {
  static constexpr std::uint32_t npos = 0xffffffffu;
  std::uint32_t node = npos;
  std::string module;
  std::string name;
};

/// One named point of the OID tree.
struct node {
  std::vector<std::uint32_t> oid;  ///< full numeric OID
  std::string name;                ///< descriptor ("ifDescr")
  std::uint32_t module = 0;        ///< index into mib_set::modules
  node_kind kind = node_kind::oid;
  mibs::access access = mibs::access::none;
  mibs::status status = mibs::status::current;
  type_info syntax;  ///< scalars and columns; base_type::none otherwise
  /// Rows: the INDEX items in order (for an AUGMENTS row, the augmented row's items).
  std::vector<node_ref> index;
  bool implied = false;              ///< the last INDEX item is IMPLIED
  std::optional<node_ref> augments;  ///< rows defined by AUGMENTS
  /// Notifications: OBJECTS (SMIv2) or VARIABLES (SMIv1 TRAP-TYPE), in order.
  std::vector<node_ref> objects;
  /// TRAP-TYPE: oid holds the RFC 3584 §3.1 form enterprise.0.specific; these keep the parts.
  bool trap_type = false;
  std::vector<std::uint32_t> enterprise;
  std::uint32_t specific = 0;
  std::string defval;       ///< DEFVAL text as written, or empty
  std::string description;  ///< DESCRIPTION text with its layout, or empty
};

/// What became of one module.
enum class module_outcome : std::uint8_t { compiled, failed, missing_import };

/// A compiler message, printed as `file:line:col: severity: message`.
struct diagnostic {
  enum class level : std::uint8_t { note, warning, error };
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  level severity = level::error;
  std::string message;
};

struct module_info {
  std::string name;  ///< "IF-MIB"
  std::string file;  ///< source path it was compiled from
  module_outcome outcome = module_outcome::compiled;
  std::vector<std::string> missing_imports;  ///< for missing_import: module names not found
  std::vector<diagnostic> diagnostics;
};

/// Everything a compiled index holds. Nodes are sorted by oid; no two nodes share an oid
/// (an SMIv2 module keeps it against an SMIv1 one, else the first module in load order
/// keeps it; mibs/compiler/linker.hpp).
struct mib_set {
  std::vector<module_info> modules;
  std::vector<node> nodes;
};

}  // namespace trapsink::mibs

namespace trapsink::mibs {
/// Names as in SMI text: "Integer32", "OCTET STRING", "read-only", "current", "TRAP-TYPE"...
std::string_view to_string(base_type t) noexcept;
std::string_view to_string(node_kind k) noexcept;
std::string_view to_string(access a) noexcept;
std::string_view to_string(status s) noexcept;
std::string_view to_string(module_outcome o) noexcept;
std::string_view to_string(diagnostic::level l) noexcept;
}  // namespace trapsink::mibs
