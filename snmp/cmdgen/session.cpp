// RFC 3413 §3.1 (command generator), §3.3 (notification originator) and the non-authoritative
// side of USM (RFC 3414 §3.1, §3.2, §4) over Asio UDP sockets.
#include "snmp/cmdgen/session.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <chrono>

#include "snmp/engine/local_engine.hpp"
#include "snmp/message/codec.hpp"
#include "snmp/message/v3.hpp"
#include "snmp/usm/outgoing.hpp"

namespace trapsink::snmp::cmdgen {
namespace asio = boost::asio;
using asio::ip::udp;
using boost::system::error_code;

namespace {

constexpr std::size_t max_datagram = 65535;
/// msgMaxSize we announce (RFC 3412 §6.2): the largest UDP payload over IPv4.
constexpr std::int32_t our_max_size = 65507;

/// usmStats arcs under 1.3.6.1.6.3.15.1.1 (RFC 3414 §5).
const ber::oid usm_stats{1, 3, 6, 1, 6, 3, 15, 1, 1};
/// snmpUnknownSecurityModels.0 etc. under 1.3.6.1.6.3.11.2.1 (RFC 3412 §5).
const ber::oid mpd_stats{1, 3, 6, 1, 6, 3, 11, 2, 1};
/// snmpUnavailableContexts (4) and snmpUnknownContexts (5) under 1.3.6.1.6.3.12.1 (RFC 3413).
const ber::oid target_stats{1, 3, 6, 1, 6, 3, 12, 1};

std::uint8_t flags_of(usm::security_level l) {
  switch (l) {
    case usm::security_level::auth_priv:
      return message::v3_flags::auth | message::v3_flags::priv;
    case usm::security_level::auth_no_priv:
      return message::v3_flags::auth;
    case usm::security_level::no_auth_no_priv:
      break;
  }
  return 0;
}

usm::security_level level_of(std::uint8_t flags) {
  if ((flags & message::v3_flags::priv) != 0) return usm::security_level::auth_priv;
  if ((flags & message::v3_flags::auth) != 0) return usm::security_level::auth_no_priv;
  return usm::security_level::no_auth_no_priv;
}

bool same_peer(const udp::endpoint& a, const udp::endpoint& b) {
  if (a.port() != b.port()) return false;
  auto norm = [](asio::ip::address x) {
    if (x.is_v6() && x.to_v6().is_v4_mapped())
      return asio::ip::address(asio::ip::make_address_v4(asio::ip::v4_mapped, x.to_v6()));
    return x;
  };
  return norm(a.address()) == norm(b.address());
}

/// The error a Report's first varbind names (RFC 3412 §7.2 step 3, RFC 3414 §5).
errc report_error(const message::pdu& report) {
  if (report.varbinds.empty()) return errc::report;
  const auto& name = report.varbinds.front().name;
  if (name.starts_with(usm_stats) && name.size() > usm_stats.size()) {
    switch (name[usm_stats.size()]) {
      case 1:
        return errc::unsupported_sec_level;
      case 2:
        return errc::not_in_time_window;
      case 3:
        return errc::unknown_user_name;
      case 4:
        return errc::unknown_engine_id;
      case 5:
        return errc::authentication_failure;
      case 6:
        return errc::decryption_error;
      default:
        break;
    }
  }
  if (name.starts_with(mpd_stats.child({1}))) return errc::unknown_security_model;
  if (name.starts_with(target_stats.child({4})) || name.starts_with(target_stats.child({5})))
    return errc::unknown_context;
  return errc::report;
}

}  // namespace

/// One request in flight.
struct session::pending {
  explicit pending(const asio::any_io_executor& ex) : timer(ex) {}
  std::shared_ptr<agent> target;
  message::pdu pdu;
  handler done;
  int tries_left = 0;
  bool discovery = false;     ///< an RFC 3414 §4 probe
  bool resynced = false;      ///< notInTimeWindow resynchronisation done
  bool rediscovered = false;  ///< the engine ID changed once already
  bool finished = false;
  bool confirmed = true;  ///< reportable flag (requests, informs); false for traps
  usm::security_level level = usm::security_level::no_auth_no_priv;
  std::vector<std::int32_t> ids;  ///< table_ keys (msgIDs or the request-id)
  asio::steady_timer timer;
};

/// A socket of one address family and its receive buffer.
struct session::socket_state {
  explicit socket_state(const asio::any_io_executor& ex) : sock(ex) {}
  udp::socket sock;
  udp::endpoint from;
  std::array<std::byte, max_datagram> buffer{};
};

session::session(asio::any_io_executor ex)
    : ex_(std::move(ex)), alive_(std::make_shared<bool>(true)) {
  std::uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  id_ = static_cast<std::int32_t>(r % 0x40000000u) + 1;
}

session::~session() { close(); }

void session::close() {
  auto table = std::move(table_);
  table_.clear();
  std::vector<std::shared_ptr<pending>> all;
  for (auto& [id, p] : table) all.push_back(p);
  for (auto& [a, ws] : discovering_)
    for (auto& p : ws) all.push_back(p);
  discovering_.clear();
  for (auto& p : all) {
    if (p->finished) continue;
    p->finished = true;
    if (!p->discovery) --live_;
    p->timer.cancel();
    asio::post(ex_, [h = std::move(p->done)] { h(errc::cancelled, {}); });
  }
  error_code ignored;
  if (v4_) v4_->sock.close(ignored);
  if (v6_) v6_->sock.close(ignored);
}

std::int32_t session::next_id() {
  // RFC 3412 §6.2 / RFC 3416: ids in 1..2^31-1, never one that is in flight.
  for (;;) {
    const std::int32_t id = id_;
    id_ = id_ == 0x7fffffff ? 1 : id_ + 1;
    if (table_.find(id) == table_.end()) return id;
  }
}

session::socket_state* session::socket_for(const udp::endpoint& to, error_code& ec) {
  const bool v6 = to.address().is_v6();
  auto& slot = v6 ? v6_ : v4_;
  if (slot && slot->sock.is_open()) return slot.get();
  slot = std::make_unique<socket_state>(ex_);
  slot->sock.open(v6 ? udp::v6() : udp::v4(), ec);
  if (!ec) slot->sock.set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024), ec);
  if (ec) {
    slot.reset();
    return nullptr;
  }
  slot->sock.bind(udp::endpoint(v6 ? udp::v6() : udp::v4(), 0), ec);
  if (ec) {
    slot.reset();
    return nullptr;
  }
  receive(*slot);
  return slot.get();
}

void session::receive(socket_state& s) {
  s.sock.async_receive_from(
      asio::buffer(s.buffer), s.from,
      [this, &s, alive = std::weak_ptr<bool>(alive_)](error_code ec, std::size_t n) {
        if (alive.expired() || ec == asio::error::operation_aborted || !s.sock.is_open()) return;
        if (!ec) on_datagram(std::span<const std::byte>(s.buffer.data(), n), s.from);
        // Other errors (ICMP port unreachable from an earlier send) are not fatal: the request
        // times out as Net-SNMP's does.
        receive(s);
      });
}

error_code session::send(const udp::endpoint& to, std::span<const std::byte> bytes) {
  error_code ec;
  auto* s = socket_for(to, ec);
  if (s == nullptr) return ec;
  s->sock.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
  if (!ec) ++stats_.transmissions;
  return ec;
}

void session::request(std::shared_ptr<agent> a, message::pdu pdu, handler h) {
  auto p = std::make_shared<pending>(ex_);
  p->target = std::move(a);
  p->pdu = std::move(pdu);
  p->done = std::move(h);
  p->tries_left = std::max(p->target->options().retries, 0);
  p->level = p->target->options().sec.level;
  ++stats_.requests;
  ++live_;
  start(p);
}

void session::start(const std::shared_ptr<pending>& p) {
  auto& a = *p->target;
  if (a.options().sec.version == message::version::v3 && !a.engine_known()) {
    discover(p->target, p);
    return;
  }
  transmit(p);
}

void session::discover(const std::shared_ptr<agent>& a, const std::shared_ptr<pending>& waiter) {
  auto [it, first] = discovering_.try_emplace(a.get());
  it->second.push_back(waiter);
  if (!first) return;  // a probe for this agent is already out
  // RFC 3414 §4: a message with an empty engine ID (and user), noAuthNoPriv, reportable.
  auto probe = std::make_shared<pending>(ex_);
  probe->target = a;
  probe->discovery = true;
  probe->pdu.type = message::pdu_type::get_request;
  probe->tries_left = std::max(a->options().retries, 0);
  probe->done = [this, key = a.get(), alive = std::weak_ptr<bool>(alive_)](error_code ec,
                                                                           message::pdu) {
    if (alive.expired()) return;
    auto node = discovering_.extract(key);
    if (node.empty()) return;
    for (auto& w : node.mapped()) {
      if (w->finished) continue;
      if (ec) {
        finish(w, ec, {});
      } else {
        transmit(w);
      }
    }
  };
  ++stats_.discoveries;
  transmit(probe);
}

std::vector<std::byte> session::encode(pending& p, std::int32_t id) {
  auto& a = *p.target;
  const auto& sec = a.options().sec;
  if (sec.version != message::version::v3) {
    message::community_message m;
    m.ver = sec.version;
    m.community = sec.community;
    m.body = p.pdu;
    return message::encode(m);
  }
  message::v3_header h;
  h.msg_id = id;
  h.max_size = our_max_size;
  message::usm_parameters u;
  message::scoped_pdu sp;
  sp.data = p.pdu;
  if (p.discovery) {
    h.flags = message::v3_flags::reportable;
    return usm::encode_message(h, u, sp, nullptr, nullptr, 0);
  }
  h.flags = static_cast<std::uint8_t>(flags_of(p.level) |
                                      (p.confirmed ? message::v3_flags::reportable : 0));
  u.engine_id = a.engine_id();
  u.engine_boots = static_cast<std::int32_t>(a.boots());
  u.engine_time = static_cast<std::int32_t>(a.time_now());
  u.user_name = sec.user;
  sp.context_engine_id.assign(
      reinterpret_cast<const char*>(sec.context_engine_id.empty() ? a.engine_id().data()
                                                                  : sec.context_engine_id.data()),
      sec.context_engine_id.empty() ? a.engine_id().size() : sec.context_engine_id.size());
  sp.context_name = sec.context;
  const auto& keys = a.keys();
  const usm::auth_key* auth =
      p.level >= usm::security_level::auth_no_priv && keys.auth ? &*keys.auth : nullptr;
  const usm::priv_key* priv =
      p.level == usm::security_level::auth_priv && keys.priv ? &*keys.priv : nullptr;
  return usm::encode_message(h, u, sp, auth, priv, a.next_salt());
}

void session::transmit(const std::shared_ptr<pending>& p) {
  const bool v3 = p->target->options().sec.version == message::version::v3;
  std::int32_t id = 0;
  if (v3 || p->ids.empty()) {
    // v1/v2c: one request-id for every retry, so a late answer to an earlier copy counts
    // (as Net-SNMP does). v3: a new msgID per transmission (RFC 3412 §7.1 step 1a), the
    // request-id stays.
    id = next_id();
    p->ids.push_back(id);
    table_[id] = p;
    if (p->pdu.request_id == 0 || !v3) p->pdu.request_id = id;
  } else {
    id = p->ids.back();
  }
  auto bytes = encode(*p, id);
  if (auto ec = send(p->target->options().endpoint, bytes)) {
    finish(p, errc::send_failed, {});
    return;
  }
  arm_timer(p);
}

void session::arm_timer(const std::shared_ptr<pending>& p) {
  p->timer.expires_after(p->target->options().timeout);
  p->timer.async_wait([this, p, alive = std::weak_ptr<bool>(alive_)](error_code ec) {
    if (alive.expired() || ec || p->finished) return;
    if (p->tries_left > 0) {
      --p->tries_left;
      ++stats_.retransmissions;
      transmit(p);
      return;
    }
    ++stats_.timeouts;
    finish(p, errc::timeout, {});
  });
}

void session::finish(const std::shared_ptr<pending>& p, error_code ec, message::pdu response) {
  if (p->finished) return;
  p->finished = true;
  if (!p->discovery) --live_;
  for (auto id : p->ids) {
    auto it = table_.find(id);
    if (it != table_.end() && it->second == p) table_.erase(it);
  }
  p->timer.cancel();
  auto h = std::move(p->done);
  if (h) h(ec, std::move(response));
}

void session::on_datagram(std::span<const std::byte> bytes, const udp::endpoint& from) {
  auto ver = message::peek_version(bytes);
  if (!ver) {
    ++stats_.malformed;
    return;
  }
  if (*ver == message::version::v3) {
    on_v3(bytes, from);
  } else {
    on_community(bytes, from);
  }
}

void session::on_community(std::span<const std::byte> bytes, const udp::endpoint& from) {
  auto m = message::decode_community(bytes);
  if (!m) {
    ++stats_.malformed;
    return;
  }
  auto* pdu = std::get_if<message::pdu>(&m->body);
  if (pdu == nullptr || pdu->type != message::pdu_type::response) {
    ++stats_.unmatched;
    return;
  }
  auto it = table_.find(pdu->request_id);
  if (it == table_.end()) {
    ++stats_.unmatched;
    return;
  }
  auto p = it->second;
  const auto& sec = p->target->options().sec;
  // RFC 3413 §3.1.3 / RFC 3412 §7.2 step 12: a response comes from the agent asked, with the
  // version and community of the request.
  if (sec.version != m->ver || sec.community != m->community ||
      !same_peer(p->target->options().endpoint, from)) {
    ++stats_.unmatched;
    return;
  }
  ++stats_.responses;
  finish(p, {}, std::move(*pdu));
}

void session::on_v3(std::span<const std::byte> bytes, const udp::endpoint& from) {
  auto view = message::decode_v3(bytes);
  if (!view || view->header.security_model != message::security_model_usm) {
    ++stats_.malformed;
    return;
  }
  auto it = table_.find(view->header.msg_id);
  if (it == table_.end()) {
    ++stats_.unmatched;
    return;
  }
  auto p = it->second;
  agent& a = *p->target;
  if (!same_peer(a.options().endpoint, from)) {
    ++stats_.unmatched;
    return;
  }
  auto usm_params = message::decode_usm_parameters(view->security_parameters);
  if (!usm_params) {
    ++stats_.malformed;
    return;
  }
  const auto level = level_of(view->header.flags);
  const bool authenticated = level >= usm::security_level::auth_no_priv;
  const std::vector<std::byte> engine_id(usm_params->engine_id.begin(),
                                         usm_params->engine_id.end());
  const auto boots = static_cast<std::uint32_t>(usm_params->engine_boots);
  const auto time = static_cast<std::uint32_t>(usm_params->engine_time);

  // RFC 3414 §3.2 step 6: verify the digest with the keys localized for the engine.
  if (authenticated) {
    if (p->discovery || engine_id != a.engine_id() || !a.keys().auth ||
        usm_params->auth_params.size() != a.keys().auth->digest_length()) {
      ++stats_.malformed;
      return;
    }
    std::vector<std::byte> copy(bytes.begin(), bytes.end());
    const auto offset = view->security_parameters_offset + usm_params->auth_params_offset;
    std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(offset), usm_params->auth_params.size(),
                std::byte{0});
    if (!a.keys().auth->verify(copy, usm_params->auth_params)) {
      ++stats_.malformed;
      finish(p, errc::authentication_failure, {});
      return;
    }
  }
  // Step 8: decrypt.
  std::vector<std::byte> plaintext;
  std::span<const std::byte> scoped_bytes = view->data;
  if (view->encrypted) {
    if (!authenticated || !a.keys().priv ||
        !a.keys().priv->decrypt(boots, time, usm_params->priv_params, view->data, plaintext)) {
      ++stats_.malformed;
      finish(p, errc::decryption_error, {});
      return;
    }
    scoped_bytes = plaintext;
  }
  auto scoped = message::decode_scoped_pdu(scoped_bytes, view->encrypted);
  if (!scoped) {
    ++stats_.malformed;
    return;
  }
  auto& pdu = scoped->data;

  if (p->discovery) {
    // RFC 3414 §4: the Report (or, from some agents, a Response) carries the engine's
    // identity; its boots and time are a first guess that an authenticated exchange confirms.
    if (engine_id.empty()) {
      finish(p, errc::discovery_failed, {});
      return;
    }
    a.set_engine(engine_id, boots, time);
    ++stats_.responses;
    finish(p, {}, std::move(pdu));
    return;
  }

  if (pdu.type == message::pdu_type::report) {
    const auto why = report_error(pdu);
    if (why == errc::not_in_time_window && !p->resynced && engine_id == a.engine_id()) {
      // RFC 3414 §4: take the engine's boots/time from the Report and try again, once.
      p->resynced = true;
      ++stats_.resyncs;
      a.resync(boots, time);
      transmit(p);
      return;
    }
    if (why == errc::unknown_engine_id && !p->rediscovered && !engine_id.empty() &&
        engine_id != a.engine_id()) {
      // The agent's engine changed (e.g. -e was wrong): learn the new one, once.
      p->rediscovered = true;
      a.set_engine(engine_id, boots, time);
      transmit(p);
      return;
    }
    ++stats_.responses;
    finish(p, why, std::move(pdu));
    return;
  }
  if (pdu.type != message::pdu_type::response || pdu.request_id != p->pdu.request_id ||
      level < p->level || engine_id != a.engine_id()) {
    // A response less protected than the request, or for another request: ignored
    // (RFC 3412 §7.2 step 12d).
    ++stats_.unmatched;
    return;
  }
  if (authenticated) a.update_time(boots, time);
  ++stats_.responses;
  finish(p, {}, std::move(pdu));
}

error_code session::notify(agent& a, message::pdu trap) {
  trap.type = message::pdu_type::snmpv2_trap;
  const auto& sec = a.options().sec;
  if (trap.request_id == 0) trap.request_id = next_id();
  if (sec.version != message::version::v3) {
    message::community_message m;
    m.ver = sec.version;
    m.community = sec.community;
    m.body = std::move(trap);
    return send(a.options().endpoint, message::encode(m));
  }
  // RFC 3414 §1.5.1: for a trap the sender is authoritative. Without -e a new engine ID; without
  // -Z the engine "booted once" on 2020-01-01 and has run since: its time advances from one
  // run to the next, so receivers that check timeliness per engine (Net-SNMP's snmptrapd,
  // trapsink's replay protection) accept every later run with the same -e.
  if (!a.engine_known() || !a.options().sec.boots_time) {
    constexpr std::int64_t epoch_2020 = 1577836800;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto t = std::clamp<std::int64_t>(now - epoch_2020, 0, engine::max_engine_value);
    a.set_engine(a.engine_known() ? a.engine_id() : engine::generate_engine_id(),
                 sec.boots_time ? sec.boots_time->first : 1,
                 sec.boots_time ? sec.boots_time->second : static_cast<std::uint32_t>(t));
  }
  pending p(ex_);
  p.target = std::shared_ptr<agent>(&a, [](agent*) {});
  p.pdu = std::move(trap);
  p.level = sec.level;
  p.confirmed = false;  // RFC 3412 §6.4: an unconfirmed PDU is not reportable
  auto bytes = encode(p, next_id());
  return send(a.options().endpoint, bytes);
}

error_code session::notify_v1(agent& a, const message::trap_v1_pdu& trap) {
  message::community_message m;
  m.ver = message::version::v1;
  m.community = a.options().sec.community;
  m.body = trap;
  return send(a.options().endpoint, message::encode(m));
}

}  // namespace trapsink::snmp::cmdgen
