#include "receiver/notification_receiver.hpp"

#include "snmp/message/codec.hpp"
#include "snmp/message/errc.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace trapsink::receiver {
namespace msg = snmp::message;

bool community_policy::accepts(std::string_view community) const {
  return any_community ||
         std::find(communities.begin(), communities.end(), community) != communities.end();
}

notification_receiver::notification_receiver(core::metrics_registry& metrics,
                                             record_acceptor accept, options opts)
    : stats_(metrics), accept_(std::move(accept)), dedup_(opts.inform_dedup_window) {}

void notification_receiver::log_drop(const peer_info& peer, const listener_statistics& listener,
                                     std::string_view reason, std::string_view detail) {
  std::uint64_t suppressed = 0;
  if (!log_limit_.allow(suppressed)) return;
  if (suppressed > 0) {
    spdlog::warn("{} further dropped datagrams were not logged (rate limit)", suppressed);
  }
  spdlog::warn("dropped datagram from {}:{} on {}: {}: {}", peer.address, peer.port,
               listener.name(), reason, detail);
}

std::vector<std::byte> notification_receiver::handle(std::span<const std::byte> datagram,
                                                     const peer_info& peer,
                                                     const community_policy& policy,
                                                     listener_statistics& stats) {
  stats.received();
  stats_.in_pkts.inc();

  // RFC 3412 §4.2.1 / RFC 3584 §5.2.1: dispatch on the version field.
  auto ver = msg::peek_version(datagram);
  if (!ver) {
    if (ver.error() == msg::errc::bad_version) {
      stats_.in_bad_versions.inc();
      stats.dropped("bad_version");
      log_drop(peer, stats, "bad_version", ver.error().message());
    } else {
      stats_.in_asn_parse_errs.inc();
      stats.dropped("parse_error");
      log_drop(peer, stats, "parse_error", ver.error().message());
    }
    return {};
  }
  if (*ver == msg::version::v3) {
    stats_.in_bad_versions.inc();
    stats.dropped("bad_version");
    log_drop(peer, stats, "bad_version", "SNMPv3 is not supported by this build");
    return {};
  }

  auto decoded = msg::decode_community(datagram);
  if (!decoded) {
    stats_.in_asn_parse_errs.inc();
    stats.dropped("parse_error");
    log_drop(peer, stats, "parse_error", decoded.error().message());
    return {};
  }
  msg::community_message& m = *decoded;

  // RFC 3584 §5.2.1 / RFC 1157 §4.1: an unknown community is counted and dropped silently.
  if (!policy.accepts(m.community)) {
    stats_.in_bad_community_names.inc();
    stats.dropped("bad_community");
    log_drop(peer, stats, "bad_community",
             "community not accepted on this listener (accept it with --community NAME, or "
             "--any-community)");
    return {};
  }

  const auto* p = std::get_if<msg::pdu>(&m.body);
  const bool inform = p != nullptr && p->type == msg::pdu_type::inform_request;
  if (p != nullptr && !inform && p->type != msg::pdu_type::snmpv2_trap) {
    stats.dropped("unhandled_pdu");
    log_drop(peer, stats, "unhandled_pdu",
             "not a notification (a trap receiver answers only traps and informs)");
    return {};
  }

  std::vector<std::byte> response;
  inform_dedup::key key;
  const auto now = inform_dedup::clock::now();
  if (inform) {
    key = {peer.address + '|' + std::to_string(peer.port), m.community, p->request_id};
    // RFC 3416 §4.2.7: the Response carries the same request-id and variable bindings.
    msg::community_message ack{m.ver, m.community,
                               msg::pdu{msg::pdu_type::response, p->request_id, 0, 0, p->varbinds}};
    response = msg::encode(ack);
    if (dedup_.seen(key, now)) {
      stats.duplicate();
      stats.acknowledged();
      return response;
    }
  }

  build_error error = build_error::none;
  auto rec = std::make_shared<pipeline::record>(
      build_record(std::move(m), peer, std::chrono::system_clock::now(), error));
  if (error != build_error::none) {
    stats.dropped("malformed_notification");
    log_drop(peer, stats, "malformed_notification",
             "the notification has no snmpTrapOID.0 as its first or second variable binding "
             "(RFC 3416 §4.2.6)");
    return {};
  }

  if (!accept_(std::move(rec))) {
    // Not queued: an inform is not acknowledged, so the sender retransmits (backpressure).
    if (inform) stats_.silent_drops.inc();
    stats.dropped("queue_full");
    log_drop(peer, stats, "queue_full", "a sink queue is full");
    return {};
  }
  stats.recorded();
  if (inform) {
    dedup_.remember(std::move(key), now);
    stats.acknowledged();
  }
  return response;
}

}  // namespace trapsink::receiver
