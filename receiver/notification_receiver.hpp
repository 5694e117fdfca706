#pragma once
// The notification receiver application (RFC 3413 §3.4): decode, authenticate (USM for v3) or
// authorize the community, build the record, hand it to the pipeline, and acknowledge informs.
// Transport-independent: a listener passes in datagrams and sends back what this returns.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/cidr.hpp"
#include "core/log_limiter.hpp"
#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "receiver/inform_dedup.hpp"
#include "receiver/record_builder.hpp"
#include "receiver/record_naming.hpp"
#include "receiver/statistics.hpp"
#include "snmp/usm/processor.hpp"

namespace trapsink::receiver {

/// One accepted community string, optionally only from some source addresses.
struct community_entry {
  std::string name;                    ///< exact match (raw octets)
  std::vector<core::cidr> allow_from;  ///< empty: from any address
};

/// Which communities a listener accepts.
struct community_policy {
  std::vector<community_entry> communities;  ///< accepted community strings
  bool any_community = false;                ///< accept every community from anywhere
  /// True if this community is accepted from this source address.
  bool accepts(std::string_view community, const boost::asio::ip::address& from) const;
};

/// Sends bytes to a peer later, from any thread: how a durable inform acknowledgement reaches
/// the sender once its sinks have confirmed it. Implemented by the listener the inform came in
/// on; it must outlive every pending acknowledgement (the pipeline is stopped first).
class reply_channel {
 public:
  virtual ~reply_channel() = default;
  /// Queue `bytes` for sending to `to`; failures are counted by the channel.
  virtual void send_later(const peer_info& to, std::vector<std::byte> bytes) noexcept = 0;
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
    /// inform_ack: durable — acknowledge an inform only once every durable sink it is routed
    /// to has confirmed it (pipeline/delivery_ack.hpp), through the listener's reply_channel.
    /// Otherwise (accepted) an inform is acknowledged as soon as every queue accepted it.
    bool durable_ack = false;
    /// The MIBs that name records (trap_name, varbind names, display, index); null or empty:
    /// records stay numeric. Must outlive the receiver.
    const resolver_slot* names = nullptr;
  };

  /// usm processes SNMPv3 messages (may be null: v3 is then counted as snmpInBadVersions).
  notification_receiver(core::metrics_registry& metrics, record_acceptor accept, options opts,
                        snmp::usm::processor* usm = nullptr);

  /// Process one datagram received on a listener. Returns the bytes to send back to the peer
  /// (a Response-PDU acknowledging an inform), or an empty vector when nothing is sent now.
  /// With durable_ack, informs are acknowledged later through `later` (when it is null they
  /// are acknowledged as under accepted).
  /// Never throws: an unexpected failure (e.g. out of memory) drops this datagram, counted
  /// with reason "internal_error", and the receiver goes on.
  std::vector<std::byte> handle(std::span<const std::byte> datagram, const peer_info& peer,
                                const community_policy& policy, listener_statistics& stats,
                                reply_channel* later = nullptr) noexcept;

  /// The RFC 3418 counters.
  const snmp_statistics& statistics() const noexcept { return stats_; }

 private:
  void log_drop(const peer_info& peer, const listener_statistics& listener, std::string_view reason,
                std::string_view detail);
  std::vector<std::byte> handle_datagram(std::span<const std::byte> datagram, const peer_info& peer,
                                         const community_policy& policy, listener_statistics& stats,
                                         reply_channel* later);
  std::vector<std::byte> handle_v3(std::span<const std::byte> datagram, const peer_info& peer,
                                   listener_statistics& stats, reply_channel* later);
  /// An inform already known (a retransmission): the Response to send now, or nothing while
  /// its durable confirmation is pending (the confirmation answers it, with this Response).
  std::vector<std::byte> answer_known(inform_dedup::state st, listener_statistics& stats,
                                      std::vector<std::byte> response);
  /// Queue the record and acknowledge an inform: shared by every version. nullopt when a
  /// queue refused it; otherwise the bytes to send now (empty for a trap, or an inform whose
  /// acknowledgement waits for its durable sinks).
  std::optional<std::vector<std::byte>> deliver(std::shared_ptr<pipeline::record> rec,
                                                const peer_info& peer, listener_statistics& stats,
                                                bool inform, inform_dedup::key key,
                                                inform_dedup::clock::time_point now,
                                                std::vector<std::byte> response,
                                                reply_channel* later);

  snmp_statistics stats_;
  record_acceptor accept_;
  inform_dedup dedup_;
  bool durable_ack_ = false;
  const resolver_slot* names_ = nullptr;
  core::counter& durable_confirmed_;
  core::counter& durable_unconfirmed_;
  core::log_limiter log_limit_{20};
  snmp::usm::processor* usm_ = nullptr;
};

}  // namespace trapsink::receiver
