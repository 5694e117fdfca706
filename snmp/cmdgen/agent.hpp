#pragma once
// One remote SNMP entity as the command generator sees it: where it is, how to talk to it
// (version, community or USM user), and — for SNMPv3 — what USM knows of its authoritative
// engine (RFC 3414 §2.3: snmpEngineID, boots, time, cached per agent) and the user's keys
// localized for it (RFC 3414 §2.6).
//
// For requests and informs the agent is the authoritative engine: its engine ID is discovered
// with an empty-engine-ID probe (RFC 3414 §4) unless given (-e), and its boots/time come from
// Reports. For traps the local engine is authoritative (local_engine_id).
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snmp/message/pdu.hpp"
#include "snmp/usm/crypto.hpp"
#include "snmp/usm/user.hpp"

namespace trapsink::snmp::cmdgen {

/// How to talk to an agent (Net-SNMP's snmpcmd options).
struct security {
  message::version version = message::version::v2c;                  ///< -v
  std::string community = "public";                                  ///< -c (v1, v2c)
  std::string user;                                                  ///< -u (v3)
  usm::security_level level = usm::security_level::no_auth_no_priv;  ///< -l
  usm::auth_protocol auth = usm::auth_protocol::none;                ///< -a
  std::string auth_passphrase;                                       ///< -A
  usm::priv_protocol priv = usm::priv_protocol::none;                ///< -x
  std::string priv_passphrase;                                       ///< -X
  /// -e: the authoritative engine ID (skips discovery for requests; our own for traps).
  std::vector<std::byte> security_engine_id;
  std::vector<std::byte> context_engine_id;  ///< -E (default: the authoritative engine ID)
  std::string context;                       ///< -n
  /// -Z boots,time of the authoritative engine (traps: ours; requests: skips time sync).
  std::optional<std::pair<std::uint32_t, std::uint32_t>> boots_time;
};

/// Where and how.
struct agent_options {
  boost::asio::ip::udp::endpoint endpoint;
  std::string display;  ///< the address as the user wrote it, for messages
  security sec;
  std::chrono::milliseconds timeout{1000};  ///< -t (per try)
  int retries = 5;                          ///< -r
};

/// Keys of the user localized for one engine ID.
struct localized_user_keys {
  std::vector<std::byte> engine_id;
  std::optional<usm::auth_key> auth;
  std::optional<usm::priv_key> priv;
};

/// An agent and its USM state. Used on one executor (not thread-safe).
class agent {
 public:
  /// Prepares the master keys (RFC 3414 A.2 password-to-key). Throws std::invalid_argument
  /// naming the option when the settings cannot work (a passphrase shorter than 8 characters,
  /// privacy without authentication, a level the given keys do not reach, a privacy protocol
  /// this OpenSSL lacks).
  explicit agent(agent_options opts);
  ~agent();
  agent(const agent&) = delete;
  agent& operator=(const agent&) = delete;

  const agent_options& options() const noexcept { return opts_; }
  /// A number no other agent of this process has (a key for caches that outlive agents).
  std::uint64_t id() const noexcept { return id_; }

  // --- USM state of the authoritative engine (RFC 3414 §2.3) ---
  /// The engine ID is known (given with -e or discovered).
  bool engine_known() const noexcept { return !engine_id_.empty(); }
  const std::vector<std::byte>& engine_id() const noexcept { return engine_id_; }
  /// Set (or change) the engine ID; boots/time are reset to the given values.
  void set_engine(std::vector<std::byte> id, std::uint32_t boots, std::uint32_t time);
  /// RFC 3414 §3.2 step 7b for an authenticated message from the authoritative engine:
  /// take boots/time when newer than what is known.
  void update_time(std::uint32_t boots, std::uint32_t time);
  /// Force boots/time (a notInTimeWindow Report, RFC 3414 §4).
  void resync(std::uint32_t boots, std::uint32_t time);
  /// Our notion of the engine's boots and time now.
  std::uint32_t boots() const noexcept { return boots_; }
  std::uint32_t time_now() const noexcept;

  /// The user's keys localized for the current engine ID (localized on first use).
  const localized_user_keys& keys();

  /// A new privacy salt (each value once).
  std::uint64_t next_salt() noexcept { return salt_++; }

 private:
  agent_options opts_;
  std::uint64_t id_;
  std::vector<std::byte> engine_id_;
  std::uint32_t boots_ = 0;
  std::uint32_t time_ = 0;
  std::chrono::steady_clock::time_point at_ = std::chrono::steady_clock::now();
  usm::key_bytes auth_master_;
  usm::key_bytes priv_master_;
  std::unique_ptr<localized_user_keys> keys_;
  std::uint64_t salt_ = 0;
};

}  // namespace trapsink::snmp::cmdgen
