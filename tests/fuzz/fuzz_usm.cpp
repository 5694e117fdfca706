// libFuzzer entry point for the SNMPv3 surface: the v3 header (RFC 3412 §6), the USM security
// parameters (RFC 3414 §2.4) and the decryption path. The first input octet picks a mode:
//   0: the rest is a whole datagram given to usm::processor::process (header, USM parameters,
//      user lookup, discovery and Reports);
//   1: the rest is the ciphertext of an authPriv message that is otherwise valid and correctly
//      signed for a configured user, so decryption and scoped-PDU decoding see fuzzed bytes
//      (the second octet picks the privacy protocol);
//   2: the rest is the plaintext scoped PDU of a correctly signed authNoPriv message;
//   3: the rest is decrypted directly by each privacy protocol and decoded as a scoped PDU.
// Every accepted message's scoped PDU is encoded again and must decode to the same value, and
// an accepted inform's Response must be decodable with the user's keys.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <stdexcept>

#include "snmp/message/v3.hpp"
#include "snmp/usm/outgoing.hpp"
#include "snmp/usm/processor.hpp"

namespace {
using namespace trapsink::snmp;
namespace msg = trapsink::snmp::message;

const std::vector<std::byte> sender_engine = {std::byte{0x80}, std::byte{0}, std::byte{0},
                                              std::byte{0},    std::byte{1}, std::byte{2}};
constexpr std::array<usm::priv_protocol, 7> privs = {
    usm::priv_protocol::des,          usm::priv_protocol::des3,   usm::priv_protocol::aes128,
    usm::priv_protocol::aes192,       usm::priv_protocol::aes256, usm::priv_protocol::aes192_reeder,
    usm::priv_protocol::aes256_reeder};

usm::user_config make_user(std::size_t i) {
  usm::user_config u;
  u.name = "fuzz" + std::to_string(i);
  u.auth = usm::auth_protocol::sha1;
  u.auth_key = {usm::key_source::kind::passphrase, "fuzz-auth-pass", {}};
  u.priv = privs[i];
  u.priv_key = {usm::key_source::kind::passphrase, "fuzz-priv-pass", {}};
  u.min_level = usm::security_level::auth_no_priv;
  u.origin = "fuzz";
  return u;
}

struct world {
  trapsink::core::metrics_registry metrics;
  std::unique_ptr<usm::processor> proc;
  std::vector<std::unique_ptr<usm::auth_key>> auth;  // per user, for sender_engine
  std::vector<std::unique_ptr<usm::priv_key>> priv;
  world() {
    usm::load_legacy_provider();
    std::vector<usm::user_config> users;
    for (std::size_t i = 0; i < privs.size(); ++i) users.push_back(make_user(i));
    proc = std::make_unique<usm::processor>(
        engine::local_engine(
            {std::byte{0x80}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{5}, std::byte{9}},
            1),
        users, metrics, usm::processor::options{});
    for (const auto& u : users) {
      auto ku = usm::password_to_key(u.auth, "fuzz-auth-pass");
      auth.push_back(
          std::make_unique<usm::auth_key>(u.auth, usm::localize_key(u.auth, ku, sender_engine)));
      auto pku = usm::password_to_key(u.auth, "fuzz-priv-pass");
      auto kul = usm::localize_key(u.auth, pku, sender_engine);
      priv.push_back(std::make_unique<usm::priv_key>(
          u.priv, usm::derive_priv_key(u.priv, u.auth, kul, sender_engine)));
    }
  }
};

world& the_world() {
  static world w;
  return w;
}

/// A correctly signed message from user i around msg_data (ciphertext or scoped PDU).
std::vector<std::byte> signed_message(std::size_t i, std::span<const std::byte> msg_data,
                                      bool encrypted) {
  auto& w = the_world();
  msg::v3_header h{
      1, 65507,
      static_cast<std::uint8_t>(msg::v3_flags::auth | (encrypted ? msg::v3_flags::priv : 0)),
      msg::security_model_usm};
  msg::usm_parameters p;
  p.engine_id = sender_engine;
  p.engine_boots = 1;
  p.engine_time = 1;
  p.user_name = "fuzz" + std::to_string(i);
  p.auth_params_length = 12;
  if (encrypted) p.priv_params.assign(8, std::byte{0x11});
  auto e = msg::encode_v3(h, p, msg_data, encrypted);
  std::vector<std::byte> mac(12);
  w.auth[i]->sign(e.bytes, mac);
  std::copy(mac.begin(), mac.end(),
            e.bytes.begin() + static_cast<std::ptrdiff_t>(e.auth_params_offset));
  return std::move(e.bytes);
}

void check(usm::incoming& in) {
  if (in.result != usm::outcome::accepted) return;
  auto bytes = msg::encode_scoped_pdu(in.scoped);
  auto again = msg::decode_scoped_pdu(bytes, false);
  if (!again || *again != in.scoped) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto& w = the_world();
  const auto localhost = boost::asio::ip::address_v4::loopback();
  const std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto in = w.proc->process(rest, localhost);
      check(in);
      break;
    }
    case 1: {
      if (rest.empty()) return 0;
      const std::size_t i = std::to_integer<std::size_t>(rest[0]) % privs.size();
      auto in = w.proc->process(signed_message(i, rest.subspan(1), true), localhost);
      // Authentication passed, so only decryption / decoding may refuse it.
      if (in.result != usm::outcome::accepted && in.result != usm::outcome::decryption_error) {
        std::abort();
      }
      check(in);
      break;
    }
    case 2: {
      // encode_v3 refuses to sign a message whose msgData is not one BER element.
      std::vector<std::byte> bytes;
      try {
        bytes = signed_message(0, rest, false);
      } catch (const std::logic_error&) {
        return 0;
      }
      auto in = w.proc->process(bytes, localhost);
      check(in);
      break;
    }
    case 3: {
      std::vector<std::byte> plain;
      const std::array<std::byte, 8> salt{};
      for (const auto& pk : w.priv) {
        if (pk->decrypt(1, 1, salt, rest, plain)) {
          (void)msg::decode_scoped_pdu(plain, true);
        }
      }
      break;
    }
  }
  return 0;
}
