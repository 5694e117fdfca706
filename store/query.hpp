#pragma once
// A query over the SQLite store (docs/storage.md): which events to return. Every filter given
// must hold (AND). The parse_* functions turn what a person types (`trapsink query` flags,
// later HTTP query parameters) into filters, throwing usage_error with a clear message.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.hpp"
#include "store/time_spec.hpp"

namespace trapsink::store {

/// A notification filter: by OID (exact or subtree) or by name.
struct trap_filter {
  /// Dotted OID without a leading dot: matches trap_oid equal to it or below it.
  std::optional<std::string> oid;
  /// A name, "linkDown" or "IF-MIB::linkDown": matches trap_name equal to it, or ending in
  /// "::NAME" when it has no module. The generic notifications of SNMPv2-MIB/IF-MIB (coldStart,
  /// warmStart, linkDown, linkUp, authenticationFailure, egpNeighborLoss) also match their OID,
  /// so they are found before MIB resolution names them.
  std::optional<std::string> name;
  /// The OID of a well-known name, when the name is one.
  std::optional<std::string> well_known_oid;
};

/// A varbind filter: some varbind whose OID is `oid` or below it, with exactly this value (as
/// stored in varbinds.value: the record's "value" as text) when `value` is given.
struct varbind_filter {
  std::string oid;
  std::optional<std::string> value;
};

/// Which events a query returns.
struct query {
  /// Events received at or after this time (microseconds since the epoch).
  std::optional<std::int64_t> since_us;
  /// Events received before this time (exclusive).
  std::optional<std::int64_t> until_us;
  /// Events whose source address lies in this prefix (a host is a /32 or /128 prefix).
  std::optional<core::cidr> source;
  std::optional<trap_filter> trap;
  std::vector<varbind_filter> varbinds;
  /// Events whose record JSON contains this text (case-sensitive, as it appears in the JSON).
  std::optional<std::string> text;
  /// Only events stored after the one with this seq (exclusive), and up to the one with that
  /// seq (inclusive): the window a follower reads (see event_store::last_seq).
  std::optional<std::int64_t> after_seq;
  std::optional<std::int64_t> up_to_seq;
  /// A position in newest-first order (the last event of a page): the time and seq of an event.
  struct position {
    std::int64_t time_us = 0;
    std::int64_t seq = 0;
  };
  /// Only events older than this position in newest-first order (time, then seq): the next
  /// page after the one that ended there (the HTTP API's cursor).
  std::optional<position> before;
  /// Most events returned; 0 means no limit.
  std::size_t limit = 100;
};

/// "192.0.2.1", "2001:db8::1", "10.0.0.0/8", "2001:db8::/32". Throws usage_error.
core::cidr parse_source(std::string_view text);

/// An OID ("1.3.6.1.6.3.1.1.5.3", a leading '.' allowed) or a notification name
/// ("linkDown", "IF-MIB::linkDown"). Throws usage_error.
trap_filter parse_trap(std::string_view text);

/// "OID=VALUE" or "OID" (any value). Throws usage_error.
varbind_filter parse_varbind(std::string_view text);

/// Whether text is a dotted numeric OID (optionally with a leading '.').
bool is_numeric_oid(std::string_view text) noexcept;

}  // namespace trapsink::store
