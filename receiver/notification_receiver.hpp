#pragma once
// The notification receiver application (RFC 3413 §3.4) for community-based messages: decode,
// authorize the community, build the record, hand it to the pipeline, and acknowledge informs.
// Transport-independent: a listener passes in datagrams and sends back what this returns.
#include "core/log_limiter.hpp"
#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "receiver/inform_dedup.hpp"
#include "receiver/record_builder.hpp"
#include "receiver/statistics.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace trapsink::receiver {

/// Which communities a listener accepts.
struct community_policy {
  std::vector<std::string> communities;  ///< accepted community strings (exact match)
  bool any_community = false;            ///< accept every community
  /// True if this community is accepted.
  bool accepts(std::string_view community) const;
};

/// Hands a record to the pipeline. Returns true when every sink queue accepted it; false when a
/// queue was full (an inform is then not acknowledged, so the sender retransmits).
using record_acceptor = std::function<bool(pipeline::record_ptr)>;

/// Processes datagrams for any number of listeners. Thread-safe.
class notification_receiver {
 public:
  /// Tuning.
  struct options {
    /// How long a recorded inform's identity is remembered to recognise retransmissions.
    std::chrono::milliseconds inform_dedup_window{std::chrono::seconds(60)};
  };

  notification_receiver(core::metrics_registry& metrics, record_acceptor accept, options opts);

  /// Process one datagram received on a listener. Returns the bytes to send back to the peer
  /// (a Response-PDU acknowledging an inform), or an empty vector when nothing is sent.
  std::vector<std::byte> handle(std::span<const std::byte> datagram, const peer_info& peer,
                                const community_policy& policy, listener_statistics& stats);

  /// The RFC 3418 counters.
  const snmp_statistics& statistics() const noexcept { return stats_; }

 private:
  void log_drop(const peer_info& peer, const listener_statistics& listener, std::string_view reason,
                std::string_view detail);

  snmp_statistics stats_;
  record_acceptor accept_;
  inform_dedup dedup_;
  core::log_limiter log_limit_{20};
};

}  // namespace trapsink::receiver
