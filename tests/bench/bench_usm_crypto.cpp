// The USM cryptography's CPU cost: per message (HMAC sign/verify with a cached key, decryption)
// and per (user, engine ID) key setup (password-to-key, localization, key extension).
// Run: build/release/tests/bench/bench_usm_crypto
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "snmp/usm/crypto.hpp"

namespace {
namespace usm = trapsink::snmp::usm;

std::vector<std::byte> bytes(std::size_t n, unsigned seed) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((seed + 7 * i) & 0xffU);
  return v;
}

const std::vector<std::byte> engine_id = bytes(12, 0x80);

// HMAC over a 150-octet message (a typical authenticated trap) with a key made once.
void BM_hmac_sign(benchmark::State& state, usm::auth_protocol p) {
  const usm::auth_key key(p, bytes(usm::key_length(p), 1));
  const auto message = bytes(150, 3);
  std::array<std::byte, 48> mac{};
  const auto out = std::span(mac).first(key.digest_length());
  for (auto _ : state) {
    key.sign(message, out);
    benchmark::DoNotOptimize(mac.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}
BENCHMARK_CAPTURE(BM_hmac_sign, hmac_md5_96, usm::auth_protocol::md5);
BENCHMARK_CAPTURE(BM_hmac_sign, hmac_sha_96, usm::auth_protocol::sha1);
BENCHMARK_CAPTURE(BM_hmac_sign, hmac_sha256_192, usm::auth_protocol::sha256);
BENCHMARK_CAPTURE(BM_hmac_sign, hmac_sha512_384, usm::auth_protocol::sha512);

void BM_hmac_sha96_verify(benchmark::State& state) {
  const usm::auth_key key(usm::auth_protocol::sha1, bytes(20, 1));
  const auto message = bytes(150, 3);
  std::array<std::byte, 12> mac{};
  key.sign(message, mac);
  for (auto _ : state) {
    bool ok = key.verify(message, mac);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_hmac_sha96_verify);

// Decryption of a ~100-octet encryptedPDU (the scoped PDU of a small trap).
void BM_decrypt(benchmark::State& state, usm::priv_protocol p) {
  usm::load_legacy_provider();
  const usm::priv_key key(p, bytes(usm::key_length(p), 5));
  std::vector<std::byte> ciphertext, plaintext;
  std::array<std::byte, 8> params{};
  key.encrypt(3, 12345, 0x1122334455667788ULL, bytes(100, 9), ciphertext, params);
  for (auto _ : state) {
    bool ok = key.decrypt(3, 12345, params, ciphertext, plaintext);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(plaintext.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * ciphertext.size()));
}
BENCHMARK_CAPTURE(BM_decrypt, aes128, usm::priv_protocol::aes128);
BENCHMARK_CAPTURE(BM_decrypt, aes256, usm::priv_protocol::aes256);
BENCHMARK_CAPTURE(BM_decrypt, des, usm::priv_protocol::des);
BENCHMARK_CAPTURE(BM_decrypt, des3, usm::priv_protocol::des3);

// Key setup: once per user (password_to_key) and per user and engine ID (localization).
void BM_password_to_key_and_localize_sha(benchmark::State& state) {
  for (auto _ : state) {
    auto kul =
        usm::localize_key(usm::auth_protocol::sha1,
                          usm::password_to_key(usm::auth_protocol::sha1, "maplesyrup"), engine_id);
    benchmark::DoNotOptimize(kul.data());
  }
}
BENCHMARK(BM_password_to_key_and_localize_sha)->Unit(benchmark::kMicrosecond);

void BM_localize_sha(benchmark::State& state) {
  const auto ku = usm::password_to_key(usm::auth_protocol::sha1, "maplesyrup");
  for (auto _ : state) {
    auto kul = usm::localize_key(usm::auth_protocol::sha1, ku, engine_id);
    benchmark::DoNotOptimize(kul.data());
  }
}
BENCHMARK(BM_localize_sha);

// Reeder extension repeats the 1 MiB password expansion for every engine ID.
void BM_derive_aes256_reeder_sha(benchmark::State& state) {
  const auto kul =
      usm::localize_key(usm::auth_protocol::sha1,
                        usm::password_to_key(usm::auth_protocol::sha1, "maplesyrup"), engine_id);
  for (auto _ : state) {
    auto k = usm::derive_priv_key(usm::priv_protocol::aes256_reeder, usm::auth_protocol::sha1, kul,
                                  engine_id);
    benchmark::DoNotOptimize(k.data());
  }
}
BENCHMARK(BM_derive_aes256_reeder_sha)->Unit(benchmark::kMicrosecond);

}  // namespace
