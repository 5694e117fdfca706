// SNMPv3 receive cost per message, without sockets: USM processing (authenticate, check the time
// window, decrypt, decode the scoped PDU) of the same linkDown trap as bench_receive_path, on
// the cached-key path and on a key-cache miss (localization for a new engine ID), and the whole
// notification receiver (USM + record) for v3 authPriv.
// Run: build/release/tests/bench/bench_v3_receive
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "receiver/notification_receiver.hpp"
#include "snmp/usm/outgoing.hpp"
#include "snmp/usm/processor.hpp"
#include "tests/bench/typical_trap.hpp"

namespace {
namespace msg = trapsink::snmp::message;
namespace usm = trapsink::snmp::usm;
using trapsink::snmp::ber::oid;

const auto source = boost::asio::ip::make_address("192.0.2.10");

std::vector<std::byte> engine_id(int n) {
  return {std::byte{0x80},
          std::byte{0},
          std::byte{0},
          std::byte{0},
          std::byte{4},
          static_cast<std::byte>(n >> 8),
          static_cast<std::byte>(n & 0xff)};
}

usm::user_config user(usm::auth_protocol a, usm::priv_protocol p) {
  usm::user_config u;
  u.name = "bench";
  u.auth = a;
  u.auth_key = {usm::key_source::kind::passphrase, "bench-auth-pass", {}};
  u.priv = p;
  u.priv_key = {usm::key_source::kind::passphrase, "bench-priv-pass", {}};
  u.origin = "bench";
  return u;
}

/// The linkDown trap of bench_receive_path, sent by engine `e` as user u at authPriv.
std::vector<std::byte> v3_trap(const usm::user_config& u, const std::vector<std::byte>& e,
                               std::int32_t msg_id = 1) {
  msg::scoped_pdu s;
  s.context_engine_id.assign(reinterpret_cast<const char*>(e.data()), e.size());
  s.data.type = msg::pdu_type::snmpv2_trap;
  s.data.request_id = 1234567;
  s.data.varbinds = trapsink::bench::typical_linkdown_varbinds();
  usm::auth_key ak(u.auth,
                   usm::localize_key(u.auth, usm::password_to_key(u.auth, "bench-auth-pass"), e));
  auto kul = usm::localize_key(u.auth, usm::password_to_key(u.auth, "bench-priv-pass"), e);
  usm::priv_key pk(u.priv, usm::derive_priv_key(u.priv, u.auth, kul, e));
  msg::v3_header h{msg_id, 65507, msg::v3_flags::auth | msg::v3_flags::priv,
                   msg::security_model_usm};
  msg::usm_parameters p;
  p.engine_id = e;
  p.engine_boots = 3;
  p.engine_time = 1000;
  p.user_name = u.name;
  return usm::encode_message(h, p, s, &ak, &pk, 42);
}

/// Options that let two messages alternate forever: the replay cache remembers only the last
/// digest (still looked up and updated for every message, as in production).
usm::processor::options alternating() {
  usm::processor::options o;
  o.replay_cache_size = 1;
  return o;
}

/// Cached-key path: one sender engine, its keys localized on the first message.
void BM_v3_usm_process(benchmark::State& state, usm::auth_protocol a, usm::priv_protocol p) {
  usm::load_legacy_provider();
  trapsink::core::metrics_registry metrics;
  const auto u = user(a, p);
  usm::processor proc(trapsink::snmp::engine::local_engine(engine_id(9999), 1), {u}, metrics,
                      alternating());
  const std::vector<std::byte> messages[2] = {v3_trap(u, engine_id(1), 1),
                                              v3_trap(u, engine_id(1), 2)};
  std::size_t n = 0;
  for (auto _ : state) {
    auto in = proc.process(messages[n++ & 1], source);
    if (in.result != usm::outcome::accepted) state.SkipWithError("not accepted");
    benchmark::DoNotOptimize(in);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_v3_usm_process, sha_aes128, usm::auth_protocol::sha1,
                  usm::priv_protocol::aes128);
BENCHMARK_CAPTURE(BM_v3_usm_process, md5_des, usm::auth_protocol::md5, usm::priv_protocol::des);
BENCHMARK_CAPTURE(BM_v3_usm_process, sha256_aes256, usm::auth_protocol::sha256,
                  usm::priv_protocol::aes256);
BENCHMARK_CAPTURE(BM_v3_usm_process, sha512_aes256c, usm::auth_protocol::sha512,
                  usm::priv_protocol::aes256_reeder);

/// Cache miss: a cache of one key and two engines taking turns, so every message localizes its
/// keys again (and derives the privacy key after authenticating).
void BM_v3_usm_key_cache_miss(benchmark::State& state, usm::auth_protocol a, usm::priv_protocol p) {
  trapsink::core::metrics_registry metrics;
  const auto u = user(a, p);
  auto o = alternating();
  o.key_cache_size = 1;
  usm::processor proc(trapsink::snmp::engine::local_engine(engine_id(9999), 1), {u}, metrics, o);
  const auto first = v3_trap(u, engine_id(1));
  const auto second = v3_trap(u, engine_id(2));
  bool flip = false;
  for (auto _ : state) {
    auto in = proc.process(flip ? first : second, source);
    flip = !flip;
    if (in.result != usm::outcome::accepted) state.SkipWithError("not accepted");
    benchmark::DoNotOptimize(in);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_v3_usm_key_cache_miss, sha_aes128, usm::auth_protocol::sha1,
                  usm::priv_protocol::aes128);
// SHA-1 keys are 20 octets, so AES-256-C extends them (Reeder: a second password-to-key).
BENCHMARK_CAPTURE(BM_v3_usm_key_cache_miss, sha_aes256c, usm::auth_protocol::sha1,
                  usm::priv_protocol::aes256_reeder);

/// The whole receiver for a v3 authPriv trap: USM, record, hand-off (a sink that keeps nothing).
void BM_v3_receiver_handle(benchmark::State& state) {
  trapsink::core::metrics_registry metrics;
  const auto u = user(usm::auth_protocol::sha1, usm::priv_protocol::aes128);
  usm::processor proc(trapsink::snmp::engine::local_engine(engine_id(9999), 1), {u}, metrics,
                      alternating());
  trapsink::receiver::notification_receiver receiver(
      metrics,
      [](trapsink::pipeline::record_ptr r) {
        benchmark::DoNotOptimize(r);
        return true;
      },
      {}, &proc);
  trapsink::receiver::listener_statistics stats(metrics, "bench");
  const trapsink::receiver::peer_info peer{"192.0.2.10", 50123, "udp", source};
  const trapsink::receiver::community_policy policy;
  const std::vector<std::byte> messages[2] = {v3_trap(u, engine_id(1), 1),
                                              v3_trap(u, engine_id(1), 2)};
  std::size_t n = 0;
  for (auto _ : state) {
    auto reply = receiver.handle(messages[n++ & 1], peer, policy, stats);
    benchmark::DoNotOptimize(reply);
  }
  if (metrics.get("trapsink_listener_recorded_total", "listener=\"bench\"").value() <
      static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("not every message was recorded");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_v3_receiver_handle);

}  // namespace
