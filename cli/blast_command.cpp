#include "cli/blast_command.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "receiver/listen_address.hpp"
#include "snmp/engine/local_engine.hpp"
#include "snmp/message/codec.hpp"
#include "snmp/message/v3.hpp"
#include "snmp/usm/crypto.hpp"
#include "snmp/usm/outgoing.hpp"

namespace trapsink::cli {
namespace {
namespace msg = snmp::message;
namespace usm = snmp::usm;
using clock_type = std::chrono::steady_clock;

/// The flags of `blast`.
struct blast_flags {
  std::string target = "udp:127.0.0.1:1162";
  std::string kind = "v2c-trap";
  std::string community = "public";
  std::uint64_t count = 100000;
  double duration_s = 0;
  double rate = 0;
  std::size_t batch = 32;
  std::size_t sources = 1;
  double ack_wait_s = 2;
  bool json = false;
  std::string user;
  std::string auth_protocol = "SHA";
  std::string auth_passphrase;
  std::string priv_protocol = "AES";
  std::string priv_passphrase;
  std::string engine_id = "80001f8804747261707369";  // enterprise 8072, text "trapsi"
  std::string trap_oid = "1.3.6.1.6.3.1.1.5.3";      // linkDown
  std::uint32_t if_index = 10107;
};

/// What the messages say: snmpTrapOID.0 (v2c, v3) and the interface index of the varbinds.
struct trap_shape {
  snmp::ber::oid trap_oid;
  std::uint32_t if_index = 10107;
};

enum class blast_kind { v1_trap, v2c_trap, v2c_inform, v3_trap };

/// Two 4-octet values that mark where the varied fields sit in an encoded template.
constexpr std::int32_t marker_a = 0x7A5A5A01;
constexpr std::uint32_t marker_b = 0x7B5A5A02;
/// Varied fields take values from here up: 4-octet BER INTEGERs and TimeTicks (0x00800000 ..
/// 0x7fffffff), so every message of a run has the same length.
constexpr std::uint32_t first_value = 0x01000000;
constexpr std::uint64_t max_messages = 0x7fffffffULL - first_value - 0x10000000ULL;

/// The typical linkDown of the receive-path benchmarks (tests/bench/typical_trap.hpp): after
/// sysUpTime.0 and snmpTrapOID.0, ifIndex, ifAdminStatus, ifOperStatus, ifDescr, ifAlias,
/// ifHCInOctets of interface 10107 (--if-index; the snmpTrapOID.0 value: --trap-oid).
std::vector<msg::varbind> link_down_varbinds(std::uint32_t uptime, const trap_shape& shape) {
  auto oid = [](std::string_view s) { return *snmp::ber::oid::parse(s); };
  auto column = [&](std::string_view s) {
    auto o = oid(s);
    o.push_back(shape.if_index);
    return o;
  };
  std::vector<msg::varbind> v;
  v.push_back({oid("1.3.6.1.2.1.1.3.0"), msg::value::timeticks(uptime)});
  v.push_back({oid("1.3.6.1.6.3.1.1.4.1.0"), msg::value::object_id(shape.trap_oid)});
  v.push_back({column("1.3.6.1.2.1.2.2.1.1"),
               msg::value::integer(static_cast<std::int32_t>(shape.if_index))});
  v.push_back({column("1.3.6.1.2.1.2.2.1.7"), msg::value::integer(1)});
  v.push_back({column("1.3.6.1.2.1.2.2.1.8"), msg::value::integer(2)});
  v.push_back({column("1.3.6.1.2.1.2.2.1.2"), msg::value::octets("GigabitEthernet1/0/7")});
  v.push_back({column("1.3.6.1.2.1.31.1.1.1.18"), msg::value::octets("uplink to core-2")});
  msg::value hc;
  hc.type = snmp::ber::tag::counter64;
  hc.data = std::uint64_t{98765432109876};
  v.push_back({column("1.3.6.1.2.1.31.1.1.1.6"), hc});
  return v;
}

void put32(std::byte* at, std::uint32_t v) noexcept {
  at[0] = static_cast<std::byte>(v >> 24);
  at[1] = static_cast<std::byte>(v >> 16);
  at[2] = static_cast<std::byte>(v >> 8);
  at[3] = static_cast<std::byte>(v);
}

/// The offset of the only occurrence of v's 4 octets in bytes.
std::size_t find_marker(const std::vector<std::byte>& bytes, std::uint32_t v) {
  std::array<std::byte, 4> m{};
  put32(m.data(), v);
  auto it = std::search(bytes.begin(), bytes.end(), m.begin(), m.end());
  if (it == bytes.end() || std::search(it + 1, bytes.end(), m.begin(), m.end()) != bytes.end()) {
    throw std::logic_error("blast: template marker not found exactly once");
  }
  return static_cast<std::size_t>(it - bytes.begin());
}

/// A community-based message encoded once; message k is made by writing first_value + k into
/// its two varied fields (request-id and sysUpTime.0; for v1, time-stamp and ifIndex's value).
struct community_template {
  std::vector<std::byte> bytes;
  std::size_t at_a = 0;
  std::size_t at_b = 0;
};

community_template make_community_template(blast_kind k, const std::string& community,
                                           const trap_shape& shape) {
  msg::community_message m;
  m.community = community;
  if (k == blast_kind::v1_trap) {
    m.ver = msg::version::v1;
    msg::trap_v1_pdu t;
    t.enterprise = *snmp::ber::oid::parse("1.3.6.1.4.1.8072.2.3.1");
    t.agent_address = {127, 0, 0, 1};
    t.generic_trap = 2;  // linkDown
    t.time_stamp = marker_b;
    auto vbs = link_down_varbinds(0, shape);
    vbs.erase(vbs.begin(), vbs.begin() + 2);  // no sysUpTime / snmpTrapOID in a v1 Trap-PDU
    vbs[0].val = msg::value::integer(marker_a);
    t.varbinds = std::move(vbs);
    m.body = std::move(t);
  } else {
    m.ver = msg::version::v2c;
    m.body = msg::pdu{
        k == blast_kind::v2c_inform ? msg::pdu_type::inform_request : msg::pdu_type::snmpv2_trap,
        marker_a, 0, 0, link_down_varbinds(marker_b, shape)};
  }
  community_template t;
  t.bytes = msg::encode(m);
  t.at_a = find_marker(t.bytes, static_cast<std::uint32_t>(marker_a));
  t.at_b = find_marker(t.bytes, marker_b);
  return t;
}

/// SNMPv3 traps from the user of the flags: keys localized once to the sending (authoritative)
/// engine; every message encrypted and signed anew.
struct v3_sender {
  std::string user;
  std::vector<std::byte> engine_id;
  std::optional<usm::auth_key> auth;
  std::optional<usm::priv_key> priv;
  std::uint64_t salt = 0;
  std::int32_t time_base = 0;
  clock_type::time_point t0 = clock_type::now();
  trap_shape shape;

  std::vector<std::byte> encode(std::uint32_t value) {
    msg::v3_header h;
    h.msg_id = static_cast<std::int32_t>(value);
    h.flags = static_cast<std::uint8_t>((auth ? msg::v3_flags::auth : 0) |
                                        (priv ? msg::v3_flags::priv : 0));
    msg::usm_parameters p;
    p.engine_id = engine_id;
    p.engine_boots = 1;
    // Engine time keeps growing across runs (seconds since 2020), so a receiver that saw an
    // earlier run with this engine ID finds every message within its time window.
    p.engine_time =
        time_base +
        static_cast<std::int32_t>(
            std::chrono::duration_cast<std::chrono::seconds>(clock_type::now() - t0).count());
    p.user_name = user;
    msg::scoped_pdu s;
    s.context_engine_id.assign(reinterpret_cast<const char*>(engine_id.data()), engine_id.size());
    s.data = msg::pdu{msg::pdu_type::snmpv2_trap, static_cast<std::int32_t>(value), 0, 0,
                      link_down_varbinds(value, shape)};
    return usm::encode_message(h, std::move(p), s, auth ? &*auth : nullptr, priv ? &*priv : nullptr,
                               ++salt);
  }
};

std::optional<v3_sender> make_v3_sender(const blast_flags& f) {
  if (f.user.empty()) throw std::invalid_argument("--kind v3-trap needs --user NAME");
  v3_sender s;
  s.user = f.user;
  std::string why;
  auto id = snmp::engine::parse_engine_id(f.engine_id, &why);
  if (!id) throw std::invalid_argument("--engine-id: " + why);
  s.engine_id = *id;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  s.time_base = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now).count() - 1577836800);  // 2020-01-01
  s.salt = std::random_device{}();
  if (!f.auth_passphrase.empty()) {
    auto ap = usm::parse_auth_protocol(f.auth_protocol);
    if (!ap || *ap == usm::auth_protocol::none) {
      throw std::invalid_argument("--auth-protocol: unknown protocol '" + f.auth_protocol +
                                  "' (MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512)");
    }
    const auto ku = usm::password_to_key(*ap, f.auth_passphrase);
    s.auth.emplace(*ap, usm::localize_key(*ap, ku, s.engine_id));
    if (!f.priv_passphrase.empty()) {
      auto pp = usm::parse_priv_protocol(f.priv_protocol);
      if (!pp || *pp == usm::priv_protocol::none) {
        throw std::invalid_argument("--priv-protocol: unknown protocol '" + f.priv_protocol +
                                    "' (DES, 3DES, AES, AES-192, AES-256, AES-192-C, AES-256-C)");
      }
      if (auto problem = usm::availability_error(*pp); !problem.empty()) {
        usm::load_legacy_provider();
        if (problem = usm::availability_error(*pp); !problem.empty()) {
          throw std::invalid_argument("--priv-protocol: " + problem);
        }
      }
      const auto pku = usm::password_to_key(*ap, f.priv_passphrase);
      const auto pkul = usm::localize_key(*ap, pku, s.engine_id);
      s.priv.emplace(*pp, usm::derive_priv_key(*pp, *ap, pkul, s.engine_id));
    }
  } else if (!f.priv_passphrase.empty()) {
    throw std::invalid_argument(
        "--priv-passphrase needs --auth-passphrase (no privacy without "
        "authentication, RFC 3414)");
  }
  return s;
}

/// The Responses to informs, counted once per request-id (a bitmap by request-id offset).
struct ack_counter {
  std::uint32_t base = 0;
  std::atomic<std::uint64_t> sent{0};  ///< request-ids below base + sent are ours
  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> foreign{0};  ///< datagrams that are not a Response of ours
  std::vector<std::uint64_t> seen;        ///< receiving thread only

  void on_datagram(std::span<const std::byte> d) {
    auto m = msg::decode_community(d);
    const auto* p = m ? std::get_if<msg::pdu>(&m->body) : nullptr;
    if (p == nullptr || p->type != msg::pdu_type::response || p->error_status != 0) {
      foreign.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const auto rid = static_cast<std::uint32_t>(p->request_id);
    const std::uint64_t i = rid - base;
    if (rid < base || i >= sent.load(std::memory_order_acquire)) {
      foreign.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (i / 64 >= seen.size()) seen.resize(static_cast<std::size_t>(i / 64 + 1) * 2, 0);
    auto& word = seen[static_cast<std::size_t>(i / 64)];
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    if ((word & bit) != 0) {
      duplicates.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    word |= bit;
    acknowledged.fetch_add(1, std::memory_order_release);
  }
};

/// Read Responses from every source socket until stop is set.
void receive_acks(const std::vector<int>& fds, ack_counter& acks, const std::atomic<bool>& stop) {
  constexpr std::size_t n = 64;
  std::vector<std::array<std::byte, 2048>> bufs(n);
  std::vector<iovec> iov(n);
  std::vector<mmsghdr> hdr(n);
  std::vector<pollfd> pfds;
  for (int fd : fds) pfds.push_back({fd, POLLIN, 0});
  while (!stop.load(std::memory_order_relaxed)) {
    if (::poll(pfds.data(), pfds.size(), 20) <= 0) continue;
    for (auto& pfd : pfds) {
      if ((pfd.revents & POLLIN) == 0) continue;
      for (;;) {
        for (std::size_t i = 0; i < n; ++i) {
          iov[i] = {bufs[i].data(), bufs[i].size()};
          hdr[i] = {};
          hdr[i].msg_hdr.msg_iov = &iov[i];
          hdr[i].msg_hdr.msg_iovlen = 1;
        }
        const int got = ::recvmmsg(pfd.fd, hdr.data(), n, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        for (int i = 0; i < got; ++i) {
          const auto& h = hdr[static_cast<std::size_t>(i)];
          acks.on_datagram(
              std::span<const std::byte>(bufs[static_cast<std::size_t>(i)].data(), h.msg_len));
        }
        if (static_cast<std::size_t>(got) < n) break;
      }
    }
  }
}

/// Send all n prepared messages on fd; false (with errno) on a lasting failure.
bool send_all(int fd, mmsghdr* hdr, unsigned n, std::uint64_t& refused) {
  unsigned done = 0;
  int failures = 0;
  while (done < n) {
    const int r = ::sendmmsg(fd, hdr + done, n - done, 0);
    if (r < 0) {
      // An ICMP port unreachable for an earlier datagram surfaces on a later send.
      if (errno == ECONNREFUSED) {
        ++refused;
        if (++failures < 1000) continue;
      }
      if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
        if (++failures < 100000) continue;
      }
      return false;
    }
    done += static_cast<unsigned>(r);
    failures = 0;
  }
  return true;
}

std::string_view kind_name(blast_kind k) {
  switch (k) {
    case blast_kind::v1_trap:
      return "v1-trap";
    case blast_kind::v2c_trap:
      return "v2c-trap";
    case blast_kind::v2c_inform:
      return "v2c-inform";
    case blast_kind::v3_trap:
      return "v3-trap";
  }
  return "?";
}

int run_blast(const blast_flags& f) {
  blast_kind k{};
  if (f.kind == "v1-trap") {
    k = blast_kind::v1_trap;
  } else if (f.kind == "v2c-trap") {
    k = blast_kind::v2c_trap;
  } else if (f.kind == "v2c-inform") {
    k = blast_kind::v2c_inform;
  } else if (f.kind == "v3-trap") {
    k = blast_kind::v3_trap;
  } else {
    throw std::invalid_argument("--kind: '" + f.kind +
                                "' is not one of v1-trap, v2c-trap, v2c-inform, v3-trap");
  }
  if (f.count == 0 && f.duration_s <= 0) {
    throw std::invalid_argument("give --count N or --duration SECONDS (or both): blast is bounded");
  }
  if (f.count > max_messages) {
    throw std::invalid_argument(fmt::format("--count: at most {} messages per run", max_messages));
  }
  const auto target = receiver::parse_listen_address(f.target);
  if (target.endpoint.port() == 0)
    throw std::invalid_argument("--target: give a port other than 0");

  trap_shape shape;
  if (auto o = snmp::ber::oid::parse(f.trap_oid); o && o->size() >= 2) {
    shape.trap_oid = std::move(*o);
  } else {
    throw std::invalid_argument("--trap-oid: '" + f.trap_oid + "' is not a dotted OID");
  }
  if (k == blast_kind::v1_trap && f.trap_oid != "1.3.6.1.6.3.1.1.5.3") {
    throw std::invalid_argument("--trap-oid: v1-trap sends a generic linkDown; use v2c or v3");
  }
  shape.if_index = f.if_index;
  std::optional<community_template> tmpl;
  std::optional<v3_sender> v3;
  if (k == blast_kind::v3_trap) {
    v3 = make_v3_sender(f);
    v3->shape = shape;
  } else {
    tmpl = make_community_template(k, f.community, shape);
  }

  // The source sockets, connected to the target: each one source port.
  std::vector<int> fds;
  auto close_all = [&] {
    for (int fd : fds) ::close(fd);
  };
  for (std::size_t i = 0; i < f.sources; ++i) {
    const int fd = ::socket(target.endpoint.address().is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
      close_all();
      throw std::runtime_error(fmt::format("socket: {}", std::strerror(errno)));
    }
    fds.push_back(fd);
    const int buf = 4 * 1024 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (::connect(fd, target.endpoint.data(), static_cast<socklen_t>(target.endpoint.size())) !=
        0) {
      const std::string why = std::strerror(errno);
      close_all();
      throw std::runtime_error(fmt::format("cannot send to {}: {}", f.target, why));
    }
  }

  // One batch of messages, rewritten in place for every batch.
  std::size_t batch = std::clamp<std::size_t>(f.batch, 1, 1024);
  if (f.rate > 0) {
    // At a set rate, batches no larger than a millisecond's worth keep the pacing smooth.
    batch = std::clamp<std::size_t>(static_cast<std::size_t>(f.rate / 1000), 1, batch);
  }
  std::vector<std::vector<std::byte>> msgs(batch);
  if (tmpl) {
    for (auto& m : msgs) m = tmpl->bytes;
  }
  std::vector<iovec> iov(batch);
  std::vector<mmsghdr> hdr(batch);

  std::mt19937 rng(std::random_device{}());
  ack_counter acks;
  acks.base = first_value + (rng() % 0x10000000U);
  std::atomic<bool> stop_acks{false};
  std::thread ack_thread;
  const bool inform = k == blast_kind::v2c_inform;
  if (inform) ack_thread = std::thread([&] { receive_acks(fds, acks, stop_acks); });

  std::uint64_t sent = 0;
  std::uint64_t refused = 0;
  bool failed = false;
  std::string failure;
  const auto t0 = clock_type::now();
  const auto stop_at = f.duration_s > 0 ? t0 + std::chrono::duration_cast<clock_type::duration>(
                                                   std::chrono::duration<double>(f.duration_s))
                                        : clock_type::time_point::max();
  std::size_t turn = 0;
  while ((f.count == 0 || sent < f.count) && !failed) {
    auto now = clock_type::now();
    if (now >= stop_at) break;
    if (f.rate > 0) {
      const auto due = t0 + std::chrono::duration_cast<clock_type::duration>(
                                std::chrono::duration<double>(static_cast<double>(sent) / f.rate));
      if (due > now) {
        if (due >= stop_at) break;
        std::this_thread::sleep_until(due);
      }
    }
    const std::size_t n = static_cast<std::size_t>(
        f.count == 0 ? batch : std::min<std::uint64_t>(batch, f.count - sent));
    for (std::size_t i = 0; i < n; ++i) {
      const auto value = static_cast<std::uint32_t>(acks.base + sent + i);
      if (tmpl) {
        put32(msgs[i].data() + tmpl->at_a, value);
        put32(msgs[i].data() + tmpl->at_b, value);
      } else {
        msgs[i] = v3->encode(value);
      }
      iov[i] = {msgs[i].data(), msgs[i].size()};
      hdr[i] = {};
      hdr[i].msg_hdr.msg_iov = &iov[i];
      hdr[i].msg_hdr.msg_iovlen = 1;
    }
    // Published before sending, so the acknowledgement thread knows these request-ids.
    acks.sent.store(sent + n, std::memory_order_release);
    const int fd = fds[turn++ % fds.size()];
    if (!send_all(fd, hdr.data(), static_cast<unsigned>(n), refused)) {
      failed = true;
      failure = std::strerror(errno);
      acks.sent.store(sent, std::memory_order_release);
      break;
    }
    sent += n;
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();

  if (inform) {
    const auto wait_until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                    std::chrono::duration<double>(f.ack_wait_s));
    while (acks.acknowledged.load() < sent && clock_type::now() < wait_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop_acks = true;
    ack_thread.join();
  }
  close_all();

  const double rate = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  const std::uint64_t acked = acks.acknowledged.load();
  const std::uint64_t lost = inform ? sent - acked : 0;
  if (f.json) {
    std::string line = fmt::format(
        "{{\"kind\":\"{}\",\"target\":\"{}\",\"sent\":{},\"seconds\":{:.6f},\"rate\":{:.1f},"
        "\"offered_rate\":{},\"batch\":{},\"sources\":{},\"refused\":{}",
        kind_name(k), target.to_string(), sent, seconds, rate, f.rate, batch, f.sources, refused);
    if (inform) {
      line += fmt::format(",\"acknowledged\":{},\"lost\":{},\"duplicate_acks\":{}", acked, lost,
                          acks.duplicates.load());
    }
    if (failed) line += fmt::format(",\"error\":\"{}\"", failure);
    std::cout << line << "}\n";
  } else {
    std::cout << fmt::format(
        "sent {} {} to {} in {:.3f} s: {:.0f}/s ({}; batches of {}, {} "
        "source port{})\n",
        sent, kind_name(k), target.to_string(), seconds, rate,
        f.rate > 0 ? fmt::format("offered {:.0f}/s", f.rate) : "flat out", batch, f.sources,
        f.sources == 1 ? "" : "s");
    if (inform) {
      std::cout << fmt::format(
          "acknowledged {} of {} (lost {}, {:.4f}%; {} duplicate acknowledgements)\n", acked, sent,
          lost, sent > 0 ? 100.0 * static_cast<double>(lost) / static_cast<double>(sent) : 0.0,
          acks.duplicates.load());
    }
    if (refused > 0) std::cout << fmt::format("{} sends refused (port unreachable)\n", refused);
  }
  if (failed) {
    std::cerr << "trapsink: blast: sending to " << f.target << " failed: " << failure << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

std::function<int()> add_blast_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "blast",
      "Load generator: send distinct notifications to a receiver as fast as it can or at "
      "a set rate (docs/cli.md)");
  auto f = std::make_shared<blast_flags>();
  cmd->add_option("--target", f->target, "Where to send: udp:ADDR:PORT or udp6:[ADDR]:PORT")
      ->capture_default_str();
  cmd->add_option("--kind", f->kind, "v1-trap, v2c-trap, v2c-inform or v3-trap")
      ->check(CLI::IsMember({"v1-trap", "v2c-trap", "v2c-inform", "v3-trap"}))
      ->capture_default_str();
  cmd->add_option("--count", f->count, "Messages to send (0: until --duration)")
      ->capture_default_str();
  cmd->add_option("--duration", f->duration_s, "Stop after this many seconds (0: no limit)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--rate", f->rate, "Messages per second (0: flat out)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  cmd->add_option("--batch", f->batch, "Messages per sendmmsg call")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  cmd->add_option("--sources", f->sources,
                  "Source sockets (ports) used in turn, one batch each; several spread the load "
                  "over receive shards")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  cmd->add_option("--community", f->community, "Community of v1/v2c messages")
      ->capture_default_str();
  cmd->add_option("--trap-oid", f->trap_oid, "v2c/v3: the snmpTrapOID.0 value (dotted)")
      ->capture_default_str();
  cmd->add_option("--if-index", f->if_index, "The ifIndex of the linkDown's varbinds")
      ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{2147483647}))
      ->capture_default_str();
  cmd->add_option("--ack-wait", f->ack_wait_s,
                  "Informs: seconds to wait for the last acknowledgements after sending")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_flag("--json", f->json, "Print the report as one JSON object");
  cmd->add_option("--user", f->user, "v3-trap: the USM user name");
  cmd->add_option("--auth-protocol", f->auth_protocol,
                  "v3-trap: MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512")
      ->capture_default_str();
  cmd->add_option("--auth-passphrase", f->auth_passphrase,
                  "v3-trap: authentication passphrase (none: noAuthNoPriv)");
  cmd->add_option("--priv-protocol", f->priv_protocol,
                  "v3-trap: DES, 3DES, AES, AES-192, AES-256, AES-192-C or AES-256-C")
      ->capture_default_str();
  cmd->add_option("--priv-passphrase", f->priv_passphrase,
                  "v3-trap: privacy passphrase (none: authNoPriv)");
  cmd->add_option("--engine-id", f->engine_id, "v3-trap: the sending engine's snmpEngineID (hex)")
      ->capture_default_str();
  return [f]() { return run_blast(*f); };
}

}  // namespace trapsink::cli
