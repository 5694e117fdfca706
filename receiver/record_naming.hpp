#pragma once
// Naming a record with the loaded MIBs (docs/record.md): trap_name and, per varbind, name,
// label, display and the decoded index. Runs on the receive path: no exceptions except
// std::bad_alloc, and a few allocations per record (record_names keeps all text in one buffer).
#include <atomic>
#include <memory>

#include "mibs/resolver/resolver.hpp"
#include "pipeline/record/record.hpp"
#include "snmp/message/value.hpp"

namespace trapsink::receiver {

/// The resolver the receive path uses, swapped whole on SIGHUP (readers keep the one they
/// loaded until they are done with it). Empty: no MIBs, records stay numeric.
class resolver_slot {
 public:
  std::shared_ptr<const mibs::resolver> load() const noexcept {
    return current_.load(std::memory_order_acquire);
  }
  void store(std::shared_ptr<const mibs::resolver> r) noexcept {
    current_.store(std::move(r), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const mibs::resolver>> current_;
};

/// A view of an SNMP value for the resolver's renderer (no copy).
mibs::value_view to_value_view(const snmp::message::value& v) noexcept;

/// Fill r.trap_name (from r.trap_oid: for v1 the RFC 3584 form enterprise.0.specific, which is
/// where TRAP-TYPEs are kept) and r.names. OIDs that do not resolve stay numeric: their varbind
/// gets no name; the record is always kept.
void name_record(const mibs::resolver& names, pipeline::record& r);

/// The same, for the receive path: the OID-dependent part of each varbind's names (lookup,
/// name, decoded index) is kept per thread for the OIDs seen last, so a varbind OID seen before
/// only has its value rendered. The result is the same as the overload above.
void name_record(const std::shared_ptr<const mibs::resolver>& names, pipeline::record& r);

}  // namespace trapsink::receiver
