#pragma once
// The counters of the receive path, registered in the shared metrics registry. RFC 3418 snmp
// group counters keep their MIB names in the summary and a recognisable metric name.
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metrics.hpp"

namespace trapsink::receiver {

/// RFC 3418 §2 snmp group counters touched by the notification receiver.
struct snmp_statistics {
  explicit snmp_statistics(core::metrics_registry& reg);

  core::counter& in_pkts;                 ///< snmpInPkts: every datagram received
  core::counter& in_bad_versions;         ///< snmpInBadVersions: unsupported version field
  core::counter& in_bad_community_names;  ///< snmpInBadCommunityNames: community not accepted
  core::counter& in_asn_parse_errs;       ///< snmpInASNParseErrs: BER / message decoding failed
  /// snmpSilentDrops: confirmed-class PDUs (informs) dropped without a Response; here, informs
  /// that could not be queued because a sink queue was full (the sender retransmits).
  core::counter& silent_drops;
};

/// Per-listener counters: datagrams received and dropped (with a reason label). Each receive
/// shard of a listen address has its own object; they share the counters (same labels).
/// Thread-safe.
class listener_statistics {
 public:
  listener_statistics(core::metrics_registry& reg, std::string listener);

  /// A datagram arrived on this listener.
  void received() noexcept { received_.inc(); }
  /// A datagram produced no record. reason: bad_version, parse_error, bad_community,
  /// unhandled_pdu, malformed_notification, queue_full, send_failed, and for SNMPv3 the
  /// usm::outcome names (unknown_user_name, wrong_digest, not_in_time_window, ...) and
  /// "discovery" (an RFC 3414 §4 discovery probe, answered with a Report).
  void dropped(std::string_view reason);
  /// The kernel dropped n datagrams for this listener's socket (its receive buffer was full):
  /// the increase of the SO_RXQ_OVFL / SO_MEMINFO drop count.
  void kernel_dropped(std::uint64_t n) noexcept { kernel_drops_.inc(n); }
  /// A record was produced.
  void recorded() noexcept { recorded_.inc(); }
  /// An inform was acknowledged with a Response-PDU.
  void acknowledged() noexcept { acknowledged_.inc(); }
  /// A retransmitted inform was acknowledged again without a second record.
  void duplicate() noexcept { duplicates_.inc(); }
  /// An SNMPv3 Report-PDU was sent back (discovery, time synchronisation, a refusal).
  void report_sent() noexcept { reports_.inc(); }

  const std::string& name() const noexcept { return name_; }

 private:
  core::metrics_registry& reg_;
  std::string name_;
  std::string labels_;
  core::counter& received_;
  core::counter& recorded_;
  core::counter& acknowledged_;
  core::counter& duplicates_;
  core::counter& reports_;
  core::counter& kernel_drops_;
  /// The dropped-counter of each reason seen so far, so a flood of drops costs no formatting
  /// and no registry lookup per datagram.
  std::mutex drop_mu_;
  std::vector<std::pair<std::string, core::counter*>> drop_counters_;
};

/// One human-readable line with every counter that is not zero, for the shutdown summary.
std::string summary_line(const core::metrics_registry& reg);

}  // namespace trapsink::receiver
