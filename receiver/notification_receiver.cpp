#include "receiver/notification_receiver.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "snmp/message/codec.hpp"
#include "snmp/message/errc.hpp"

namespace trapsink::receiver {
namespace msg = snmp::message;

namespace {

/// A user name as it may be logged: it arrives unauthenticated, so anything but printable
/// ASCII is escaped (\xNN) and a log line cannot be forged with it.
std::string printable(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw) {
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace

bool community_policy::accepts(std::string_view community,
                               const boost::asio::ip::address& from) const {
  if (any_community) return true;
  return std::any_of(communities.begin(), communities.end(), [&](const community_entry& c) {
    return c.name == community && core::allowed(c.allow_from, from);
  });
}

notification_receiver::notification_receiver(core::metrics_registry& metrics,
                                             record_acceptor accept, options opts,
                                             snmp::usm::processor* usm)
    : stats_(metrics),
      accept_(std::move(accept)),
      dedup_(opts.inform_dedup_window),
      durable_ack_(opts.durable_ack),
      names_(opts.names),
      durable_confirmed_(metrics.get("trapsink_durable_informs_total", "outcome=\"confirmed\"",
                                     "Informs under inform_ack: durable, by outcome: confirmed "
                                     "by every durable sink (acknowledged) or not (unacknowledged: "
                                     "the sender retransmits).")),
      durable_unconfirmed_(
          metrics.get("trapsink_durable_informs_total", "outcome=\"unconfirmed\"")),
      usm_(usm) {}

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
                                                     listener_statistics& stats,
                                                     reply_channel* later) noexcept {
  try {
    return handle_datagram(datagram, peer, policy, stats, later);
  } catch (const std::exception& e) {
    try {
      stats.dropped("internal_error");
      log_drop(peer, stats, "internal_error", e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return {};
}

std::vector<std::byte> notification_receiver::handle_datagram(std::span<const std::byte> datagram,
                                                              const peer_info& peer,
                                                              const community_policy& policy,
                                                              listener_statistics& stats,
                                                              reply_channel* later) {
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
    if (usm_ == nullptr) {
      stats_.in_bad_versions.inc();
      stats.dropped("bad_version");
      log_drop(peer, stats, "bad_version", "SNMPv3 is not enabled on this receiver");
      return {};
    }
    return handle_v3(datagram, peer, stats, later);
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
  if (!policy.accepts(m.community, peer.ip)) {
    stats_.in_bad_community_names.inc();
    stats.dropped("bad_community");
    log_drop(peer, stats, "bad_community",
             "community not accepted from this address (accept it with --community NAME, "
             "--any-community, or its allow_from in the configuration)");
    return {};
  }

  auto* p = std::get_if<msg::pdu>(&m.body);
  const bool inform = p != nullptr && p->type == msg::pdu_type::inform_request;
  if (p != nullptr && !inform && p->type != msg::pdu_type::snmpv2_trap) {
    stats.dropped("unhandled_pdu");
    log_drop(peer, stats, "unhandled_pdu",
             "not a notification (a trap receiver answers only traps and informs)");
    return {};
  }

  std::vector<std::byte> response;
  inform_dedup::key key;
  // The dedup clock only matters for informs: a trap saves the clock read.
  const auto now = inform ? inform_dedup::clock::now() : inform_dedup::clock::time_point{};
  if (inform) {
    key = {peer.address + '|' + std::to_string(peer.port), m.community, p->request_id};
    // RFC 3416 §4.2.7: the Response carries the same request-id and variable bindings. They
    // are lent to the Response for its encoding and taken back (moved, not copied).
    msg::community_message ack{
        m.ver, m.community,
        msg::pdu{msg::pdu_type::response, p->request_id, 0, 0, std::move(p->varbinds)}};
    response = msg::encode(ack);
    p->varbinds = std::move(std::get<msg::pdu>(ack.body).varbinds);
    if (const auto st = dedup_.lookup(key, now, &response); st != inform_dedup::state::unseen) {
      return answer_known(st, stats, std::move(response));
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
  return deliver(std::move(rec), peer, stats, inform, std::move(key), now, std::move(response),
                 later)
      .value_or(std::vector<std::byte>{});
}

std::vector<std::byte> notification_receiver::answer_known(inform_dedup::state st,
                                                           listener_statistics& stats,
                                                           std::vector<std::byte> response) {
  stats.duplicate();
  // Pending: lookup() moved this Response into the entry; the confirmation sends it.
  if (st == inform_dedup::state::pending) return {};
  stats.acknowledged();
  return response;
}

std::optional<std::vector<std::byte>> notification_receiver::deliver(
    std::shared_ptr<pipeline::record> rec, const peer_info& peer, listener_statistics& stats,
    bool inform, inform_dedup::key key, inform_dedup::clock::time_point now,
    std::vector<std::byte> response, reply_channel* later) {
  if (names_ != nullptr) {
    if (const auto names = names_->load()) name_record(names, *rec);
  }
  std::shared_ptr<pipeline::delivery_ack> ack;
  if (inform && durable_ack_ && later != nullptr) {
    // Held as pending first, so a retransmission arriving while the sinks work is recognised.
    dedup_.hold(key, now, response);
    ack = std::make_shared<pipeline::delivery_ack>(
        [this, key, peer, later, &stats, response = std::move(response)](bool ok) mutable {
          auto latest = dedup_.settle(key, ok);
          if (!ok) {
            durable_unconfirmed_.inc();
            return;
          }
          durable_confirmed_.inc();
          stats.acknowledged();
          later->send_later(peer, latest ? std::move(*latest) : std::move(response));
        });
    rec->ack = ack;
  }
  const bool queued = accept_(std::move(rec));
  if (ack) ack->release();  // may settle here, on this thread, when no durable sink is routed
  if (!queued) {
    // Not queued: an inform is not acknowledged, so the sender retransmits (backpressure).
    if (inform) stats_.silent_drops.inc();
    stats.dropped("queue_full");
    log_drop(peer, stats, "queue_full", "a sink queue is full");
    return std::nullopt;
  }
  stats.recorded();
  if (!inform || ack) return std::vector<std::byte>{};
  dedup_.remember(std::move(key), now);
  stats.acknowledged();
  return response;
}

std::vector<std::byte> notification_receiver::handle_v3(std::span<const std::byte> datagram,
                                                        const peer_info& peer,
                                                        listener_statistics& stats,
                                                        reply_channel* later) {
  namespace usm = snmp::usm;
  usm::incoming in = usm_->process(datagram, peer.ip);
  if (in.result == usm::outcome::accepted) {
    const auto& p = in.scoped.data;
    if (p.type == msg::pdu_type::inform_request && !in.authoritative) {
      usm_->refuse_foreign_engine(in);
    } else if (p.type != msg::pdu_type::inform_request && p.type != msg::pdu_type::snmpv2_trap) {
      stats.dropped("unhandled_pdu");
      log_drop(peer, stats, "unhandled_pdu",
               fmt::format("user '{}': not a notification (a trap receiver answers only traps "
                           "and informs)",
                           printable(in.user_name)));
      return {};
    }
  }
  if (in.result == usm::outcome::unknown_engine_id && in.engine_id.empty()) {
    // RFC 3414 §4 discovery: the normal first step of every v3 inform exchange, not a fault.
    stats.dropped("discovery");
    if (!in.report.empty()) stats.report_sent();
    spdlog::debug("SNMPv3 discovery probe from {}:{} answered with engine ID {}", peer.address,
                  peer.port, snmp::engine::to_hex(usm_->engine().engine_id()));
    return std::move(in.report);
  }
  if (in.result != usm::outcome::accepted) {
    if (in.result == usm::outcome::parse_error) stats_.in_asn_parse_errs.inc();
    const auto reason = usm::name(in.result);
    stats.dropped(reason);
    log_drop(peer, stats, reason,
             fmt::format(
                 "SNMPv3 user '{}', engine ID {}: {}{}", printable(in.user_name),
                 in.engine_id.empty() ? std::string("(empty)") : snmp::engine::to_hex(in.engine_id),
                 in.detail, in.report.empty() ? "" : " (Report sent)"));
    if (!in.report.empty()) stats.report_sent();
    return std::move(in.report);
  }

  auto& p = in.scoped.data;
  const bool inform = p.type == msg::pdu_type::inform_request;
  const auto now = inform ? inform_dedup::clock::now() : inform_dedup::clock::time_point{};
  std::vector<std::byte> response;
  inform_dedup::key key;
  if (inform) {
    key = {peer.address + '|' + std::to_string(peer.port),
           "usm:" + in.user_name + '@' + snmp::engine::to_hex(in.engine_id), p.request_id};
    // RFC 3416 §4.2.7: the Response carries the same request-id and variable bindings (lent
    // to it for the encoding and taken back: moved, not copied).
    msg::pdu ack{msg::pdu_type::response, p.request_id, 0, 0, std::move(p.varbinds)};
    response = usm_->encode_response(in, ack);
    p.varbinds = std::move(ack.varbinds);
    const auto st = dedup_.lookup(key, now, &response);
    if (st != inform_dedup::state::unseen) return answer_known(st, stats, std::move(response));
    if (in.duplicate)
      return answer_known(inform_dedup::state::acknowledged, stats, std::move(response));
  }

  auto rec = std::make_shared<pipeline::record>();
  rec->time = std::chrono::system_clock::now();
  rec->source = {peer.address, peer.port, peer.transport};
  rec->version = "3";
  rec->pdu = inform ? "inform" : "trap";
  rec->request_id = p.request_id;
  pipeline::record_security sec;
  sec.user = in.user_name;
  sec.level = std::string(usm::name(in.level));
  sec.engine_id = snmp::engine::to_hex(in.engine_id);
  sec.context_engine_id =
      snmp::engine::to_hex(std::as_bytes(std::span(in.scoped.context_engine_id)));
  sec.context_name = std::move(in.scoped.context_name);
  sec.auth_protocol = std::string(usm::name(in.auth));
  sec.priv_protocol = std::string(usm::name(in.priv));
  rec->security = std::move(sec);
  if (!fill_notification(std::move(p.varbinds), peer, *rec)) {
    stats.dropped("malformed_notification");
    log_drop(peer, stats, "malformed_notification",
             fmt::format("SNMPv3 user '{}': the notification has no snmpTrapOID.0 as its first or "
                         "second variable binding (RFC 3416 §4.2.6)",
                         printable(in.user_name)));
    return {};
  }
  rec->id = pipeline::make_record_id(rec->time);
  auto reply =
      deliver(std::move(rec), peer, stats, inform, std::move(key), now, std::move(response), later);
  if (!reply) return {};
  if (inform) usm_->remember_delivered(in);
  return std::move(*reply);
}

}  // namespace trapsink::receiver
