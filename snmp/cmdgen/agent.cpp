#include "snmp/cmdgen/agent.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <atomic>
#include <stdexcept>

#include "snmp/engine/local_engine.hpp"

namespace trapsink::snmp::cmdgen {

namespace {
std::atomic<std::uint64_t> next_agent_id{1};
}  // namespace

agent::agent(agent_options opts) : opts_(std::move(opts)), id_(next_agent_id.fetch_add(1)) {
  RAND_bytes(reinterpret_cast<unsigned char*>(&salt_), sizeof salt_);
  auto& s = opts_.sec;
  if (s.version != message::version::v3) return;
  if (s.user.empty()) {
    throw std::invalid_argument("SNMPv3 needs a user name (-u NAME)");
  }
  if (s.user.size() > 32) throw std::invalid_argument("-u: a user name has at most 32 octets");
  if (s.level >= usm::security_level::auth_no_priv) {
    if (s.auth == usm::auth_protocol::none) s.auth = usm::auth_protocol::md5;  // Net-SNMP's default
    if (s.auth_passphrase.size() < 8) {
      throw std::invalid_argument(
          "-A: the authentication passphrase must be at least 8 characters (RFC 3414 §11.2)");
    }
    // RFC 3414 A.2: the master key Ku; MD5 and SHA-1 are what USM specifies.
    auth_master_ = usm::password_to_key(s.auth, s.auth_passphrase);
  }
  if (s.level == usm::security_level::auth_priv) {
    if (s.priv == usm::priv_protocol::none) s.priv = usm::priv_protocol::des;  // Net-SNMP's default
    if (s.priv_passphrase.empty()) s.priv_passphrase = s.auth_passphrase;      // as Net-SNMP does
    if (s.priv_passphrase.size() < 8) {
      throw std::invalid_argument(
          "-X: the privacy passphrase must be at least 8 characters (RFC 3414 §11.2)");
    }
    if (auto why = usm::availability_error(s.priv); !why.empty()) {
      throw std::invalid_argument("-x " + std::string(usm::name(s.priv)) + ": " + why);
    }
    priv_master_ = usm::password_to_key(s.auth, s.priv_passphrase);
  }
  if (!s.security_engine_id.empty()) {
    if (auto why = engine::engine_id_problem(s.security_engine_id); !why.empty()) {
      throw std::invalid_argument("-e: " + why);
    }
    engine_id_ = s.security_engine_id;
  }
  if (s.boots_time) {
    boots_ = s.boots_time->first;
    time_ = s.boots_time->second;
  }
}

agent::~agent() {
  if (!auth_master_.empty()) OPENSSL_cleanse(auth_master_.data(), auth_master_.size());
  if (!priv_master_.empty()) OPENSSL_cleanse(priv_master_.data(), priv_master_.size());
}

void agent::set_engine(std::vector<std::byte> id, std::uint32_t boots, std::uint32_t time) {
  if (id != engine_id_) keys_.reset();
  engine_id_ = std::move(id);
  resync(boots, time);
}

void agent::update_time(std::uint32_t boots, std::uint32_t time) {
  if (boots > boots_ || (boots == boots_ && time > time_now())) resync(boots, time);
}

void agent::resync(std::uint32_t boots, std::uint32_t time) {
  boots_ = boots;
  time_ = time;
  at_ = std::chrono::steady_clock::now();
}

std::uint32_t agent::time_now() const noexcept {
  const auto s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - at_)
          .count();
  const std::uint64_t t = static_cast<std::uint64_t>(time_) + static_cast<std::uint64_t>(s);
  return t > engine::max_engine_value ? engine::max_engine_value : static_cast<std::uint32_t>(t);
}

const localized_user_keys& agent::keys() {
  if (keys_ && keys_->engine_id == engine_id_) return *keys_;
  auto k = std::make_unique<localized_user_keys>();
  k->engine_id = engine_id_;
  const auto& s = opts_.sec;
  if (!auth_master_.empty()) {
    auto kul = usm::localize_key(s.auth, auth_master_, engine_id_);
    k->auth.emplace(s.auth, kul);
    OPENSSL_cleanse(kul.data(), kul.size());
  }
  if (!priv_master_.empty()) {
    auto kul = usm::localize_key(s.auth, priv_master_, engine_id_);
    auto material = usm::derive_priv_key(s.priv, s.auth, kul, engine_id_);
    k->priv.emplace(s.priv, material);
    OPENSSL_cleanse(kul.data(), kul.size());
    OPENSSL_cleanse(material.data(), material.size());
  }
  keys_ = std::move(k);
  return *keys_;
}

}  // namespace trapsink::snmp::cmdgen
