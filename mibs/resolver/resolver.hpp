#pragma once
// The MIB resolver: a compiled mib_set turned into an immutable lookup structure that names
// OIDs (`IF-MIB::ifOperStatus.7`), decodes table indexes by the row's INDEX clause (RFC 2578
// §7.7), renders values as Net-SNMP does (enumeration labels, BITS, DISPLAY-HINT of RFC 2579
// §3.1, TimeTicks), and parses every name form an operator types back into an OID.
//
// Built once, then shared read-only between threads (std::shared_ptr<const resolver>). The
// naming and rendering functions append to a caller's buffer and never allocate otherwise.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mibs/model/mib_set.hpp"
#include "mibs/resolver/time_ticks.hpp"

namespace trapsink::mibs {

/// The SMI types a value can have on the wire (independent of the SNMP library's own types).
enum class value_kind : std::uint8_t {
  integer,
  octet_string,
  object_identifier,
  ip_address,
  counter32,
  gauge32,
  time_ticks,
  opaque,
  counter64,
  null,
  no_such_object,
  no_such_instance,
  end_of_mib_view,
};

/// A view of one value to render. Which member is used follows kind: integer -> i; counter32,
/// gauge32, time_ticks, counter64 -> u; octet_string, ip_address, opaque -> octets;
/// object_identifier -> oid.
struct value_view {
  value_kind kind = value_kind::null;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  std::string_view octets;
  std::span<const std::uint32_t> oid;
};

/// How a name is written (snmptranslate's -O options).
enum class name_style : std::uint8_t {
  module,   ///< default: `IF-MIB::ifDescr.7`
  full,     ///< -Of: `.iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.7`
  label,    ///< -Os: `ifDescr.7`
  numeric,  ///< -On: `.1.3.6.1.2.1.2.2.1.2.7`
};

/// How one INDEX component is encoded in the instance suffix (RFC 2578 §7.7).
enum class index_encoding : std::uint8_t {
  integer,       ///< one sub-identifier (INTEGER, Integer32, Unsigned32, Gauge32, TimeTicks)
  string,        ///< length-prefixed octets
  fixed_string,  ///< octets of a fixed SIZE, no length prefix
  implied,       ///< IMPLIED last string or OID: the remaining sub-identifiers, no length
  ip_address,    ///< four sub-identifiers
  inet_address,  ///< InetAddress: length-prefixed octets read by the preceding InetAddressType
  oid,           ///< length-prefixed OBJECT IDENTIFIER
  implied_oid,   ///< IMPLIED OBJECT IDENTIFIER
};

/// One decoded INDEX component.
struct index_part {
  const node* object = nullptr;  ///< the INDEX object (its syntax renders the value)
  index_encoding encoding = index_encoding::integer;
  std::span<const std::uint32_t> arcs;  ///< the value's sub-identifiers (without a length prefix)
  std::int64_t address_type = -1;       ///< inet_address: the InetAddressType value, else -1
};

/// An instance suffix decoded by a row's INDEX clause.
struct decoded_index {
  static constexpr std::size_t capacity = 16;
  std::array<index_part, capacity> parts{};
  std::size_t count = 0;                ///< decoded components
  std::span<const std::uint32_t> rest;  ///< sub-identifiers left over (written numerically)
};

/// What a lookup found: the longest named prefix of an OID.
struct oid_match {
  const node* n = nullptr;  ///< null when not even a root arc is named
  std::size_t matched = 0;  ///< how many leading arcs the node's oid covers
};

class resolver {
 public:
  /// Build from a compiled set (nodes sorted by oid, as the contract says; sorted here if not).
  explicit resolver(mib_set set);

  resolver(const resolver&) = delete;
  resolver& operator=(const resolver&) = delete;

  const mib_set& set() const noexcept { return set_; }
  std::size_t size() const noexcept { return set_.nodes.size(); }

  /// The longest named prefix of oid.
  oid_match lookup(std::span<const std::uint32_t> oid) const noexcept;
  /// The node whose oid is exactly oid, or null.
  const node* find(std::span<const std::uint32_t> oid) const noexcept;
  /// A node by descriptor, in module (any module when module is empty), or null. When the module
  /// is known but does not define the name, any module's node of that name is returned.
  const node* find(std::string_view module, std::string_view name) const noexcept;
  /// The module that defines n ("" for the built-in roots).
  std::string_view module_of(const node& n) const noexcept;
  /// The named parent of n (the nearest node whose oid is a prefix of n's), or null.
  const node* parent(const node& n) const noexcept;
  /// The row a column belongs to, or null when n is not a column of a row.
  const node* row_of(const node& n) const noexcept;
  /// The INDEX items of a row (an AUGMENTS row: the augmented row's).
  std::span<const node_ref> index_of(const node& row) const noexcept;

  /// Append oid's name in the given style; returns false when no arc of it is named (then the
  /// numeric form is appended). The instance suffix of a column is decoded by its INDEX.
  bool append_name(std::span<const std::uint32_t> oid, std::string& out,
                   name_style style = name_style::module) const;
  /// The same from a lookup already done: m = lookup(oid) and, for a column instance,
  /// index = decode_index(*m.n, oid.subspan(m.matched)) (else null), so that a caller that
  /// needs them too does not do them twice.
  bool append_name(std::span<const std::uint32_t> oid, const oid_match& m,
                   const decoded_index* index, std::string& out,
                   name_style style = name_style::module) const;
  std::string name(std::span<const std::uint32_t> oid, name_style style = name_style::module) const;

  /// Decode suffix, the instance part of an OID of column (or of a row's child), by the row's
  /// INDEX clause. Components that do not fit are left in rest.
  decoded_index decode_index(const node& column,
                             std::span<const std::uint32_t> suffix) const noexcept;
  /// One decoded index component as Net-SNMP writes it inside a name: `7`, `ipv4`, `"eth0"`,
  /// `'abc'`, `"10.0.0.1"`, `4.1.3.6.1`.
  void append_index_in_name(const index_part& p, std::string& out) const;
  /// One decoded index component as a plain value: its object's syntax rendered (enumeration
  /// label, DISPLAY-HINT, dotted address), strings without quotes.
  void append_index_value(const index_part& p, std::string& out) const;

  /// Append the value as Net-SNMP prints it after `NAME = `, e.g. `INTEGER: up(1)`,
  /// `STRING: "abc"`, `Hex-STRING: 00 1B`, `Timeticks: (123) 0:00:01.23`. object (may be null)
  /// supplies the syntax.
  void append_typed_value(const node* object, const value_view& v, std::string& out) const;
  /// The value's text without the type prefix and, for strings without a hint, without the
  /// quotes: `up(1)`, `eth0`, `0:1b:21:aa:bb:cc`, `(123) 0:00:01.23`, `SNMPv2-MIB::coldStart`.
  void append_display(const node* object, const value_view& v, std::string& out) const;
  /// The enumeration label of an INTEGER value ("up"), or empty.
  static std::string_view enum_label(const node* object, std::int64_t v) noexcept;

  /// Parse any name form into an OID: `IF-MIB::ifDescr.7`, `ifDescr.7`, `.1.3.6.1.2.1`,
  /// `iso.org.dod.internet`, `.iso.org...`, an object with index values
  /// (`TCP-MIB::tcpConnectionState.ipv4."10.0.0.1".22.ipv4."10.0.0.2".5000`) or the bracket
  /// form (`tcpConnectionState[ipv4]["10.0.0.1"][22][ipv4]["10.0.0.2"][5000]`). On failure
  /// returns nullopt and, when error is given, says why.
  std::optional<std::vector<std::uint32_t>> parse(std::string_view text,
                                                  std::string* error = nullptr) const;

 private:
  const node* find_child(std::span<const std::uint32_t> parent,
                         std::string_view name) const noexcept;
  bool append_value(const node* object, const value_view& v, std::string& out, bool typed) const;

  mib_set set_;
  std::vector<std::uint32_t> parent_;      ///< per node: index of the named parent, or npos
  std::vector<std::uint32_t> key_arcs_;    ///< every node's oid, concatenated in node order
  std::vector<std::uint32_t> key_offset_;  ///< node i's oid: key_arcs_[off[i] .. off[i+1])
  std::unordered_map<std::string_view, std::uint32_t> by_name_;  ///< first node of a name
  std::vector<std::uint32_t> same_name_;  ///< per node: the next node of the same name, or npos
  std::unordered_map<std::string_view, std::uint32_t> module_index_;
};

}  // namespace trapsink::mibs
