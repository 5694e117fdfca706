#pragma once
// The User-based Security Model's incoming-message processing (RFC 3414 §3.2) for a
// notification receiver, and outgoing messages (Responses to informs, Reports).
//
// trapsink is non-authoritative for traps (the sender's engine is authoritative) and
// authoritative for informs (RFC 3414 §1.5.1). For traps a configured user works with ANY
// sender engine ID: keys are localized on first sight of (user, engine ID) and kept in a
// bounded LRU cache. Replays are refused: per remote engine the latest boots/time seen is kept
// (RFC 3414 §3.2 step 7b; bounded LRU too), and authenticated messages older than the
// 150-second window are refused. The first authenticated message of an unseen engine sets the
// baseline. For informs the local engine's identity is checked (§3.2 step 7a) and discovery
// and time synchronisation (§4) are answered with Reports.
#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/log_limiter.hpp"
#include "core/metrics.hpp"
#include "snmp/engine/local_engine.hpp"
#include "snmp/message/v3.hpp"
#include "snmp/usm/crypto.hpp"
#include "snmp/usm/user.hpp"

namespace trapsink::snmp::usm {

/// usmStats (RFC 3414 §5) and the RFC 3412 counters of the v3 dispatcher, plus the caches'.
struct statistics {
  explicit statistics(core::metrics_registry& reg);
  core::counter& unsupported_sec_levels;   ///< usmStatsUnsupportedSecLevels
  core::counter& not_in_time_windows;      ///< usmStatsNotInTimeWindows
  core::counter& unknown_user_names;       ///< usmStatsUnknownUserNames
  core::counter& unknown_engine_ids;       ///< usmStatsUnknownEngineIDs
  core::counter& wrong_digests;            ///< usmStatsWrongDigests
  core::counter& decryption_errors;        ///< usmStatsDecryptionErrors
  core::counter& unknown_security_models;  ///< snmpUnknownSecurityModels (RFC 3412)
  core::counter& invalid_msgs;             ///< snmpInvalidMsgs (RFC 3412)
  core::counter& key_localizations;        ///< (user, engine ID) keys localized
  core::counter& key_cache_evictions;      ///< localized keys evicted from the cache
  core::counter& remote_engine_evictions;  ///< remote engines forgotten (table full)
  core::counter& replays;                  ///< identical authenticated traps within the window
  core::counter& reports_suppressed;       ///< Reports over the per-second limit, not sent
};

/// What became of an incoming SNMPv3 message.
enum class outcome : std::uint8_t {
  accepted,                ///< authenticated (as its level requires), decrypted, authorized
  parse_error,             ///< snmpInASNParseErrs
  unknown_security_model,  ///< snmpUnknownSecurityModels
  invalid_msg,             ///< snmpInvalidMsgs
  unknown_engine_id,       ///< usmStatsUnknownEngineIDs (incl. discovery probes, pinning)
  unknown_user_name,       ///< usmStatsUnknownUserNames
  unsupported_sec_level,   ///< usmStatsUnsupportedSecLevels (incl. below the user's minimum)
  wrong_digest,            ///< usmStatsWrongDigests
  not_in_time_window,      ///< usmStatsNotInTimeWindows
  decryption_error,        ///< usmStatsDecryptionErrors
  source_not_allowed,      ///< the source address is not in the user's allow_from
  replayed,                ///< an authenticated trap received before, byte for byte
};

/// A short reason label ("wrong_digest", ...).
std::string_view name(outcome o) noexcept;

/// Localized keys of one user for one authoritative engine ID.
class localized_keys;

/// The result of processing one incoming message.
struct incoming {
  outcome result = outcome::parse_error;
  /// Why, in a sentence (no secrets), when not accepted.
  std::string detail;
  message::v3_header header;
  std::string user_name;
  std::vector<std::byte> engine_id;  ///< msgAuthoritativeEngineID
  security_level level = security_level::no_auth_no_priv;
  /// msgAuthoritativeEngineID is trapsink's own: the sender expects trapsink to be the
  /// authoritative engine (informs).
  bool authoritative = false;
  /// The decrypted, decoded scoped PDU (accepted messages only).
  message::scoped_pdu scoped;
  /// Protocols the message was protected with ("none" below its level).
  auth_protocol auth = auth_protocol::none;
  priv_protocol priv = priv_protocol::none;
  /// The Report to send back to the sender (RFC 3412 §7.2 step 3, RFC 3414 §3.2), or empty.
  std::vector<std::byte> report;
  /// The message may be answered with a Report (reportable flag, and a Confirmed Class PDU
  /// when the PDU is in plaintext).
  bool reportable = false;
  /// An accepted inform received before byte for byte (answer it again, do not record it).
  bool duplicate = false;
  /// msgAuthenticationParameters of an accepted authenticated inform (for remember_delivered).
  std::vector<std::byte> digest;

  /// Internal: the keys the message was verified with, to protect a response.
  std::shared_ptr<const localized_keys> keys;
};

/// Processes SNMPv3 messages for a set of users. Thread-safe.
class processor {
 public:
  struct options {
    /// (user, engine ID) localized keys cached; least recently used evicted beyond it.
    std::size_t key_cache_size = 10000;
    /// Remote engines tracked for timeliness; least recently seen forgotten beyond it.
    std::size_t remote_engine_limit = 10000;
    /// RFC 3414 §3.2 step 7: the time window.
    std::uint32_t time_window_seconds = 150;
    /// Authenticated traps remembered (by digest) to refuse exact replays within the window.
    std::size_t replay_cache_size = 100000;
    /// Reports sent per second at most (the rest are counted, not sent).
    std::uint32_t reports_per_second = 1000;
  };

  /// Prepares every user's keys (password-to-key once per passphrase). Throws
  /// std::invalid_argument naming the user (never a secret) when a user cannot be used, e.g.
  /// a key of the wrong length or a privacy protocol this OpenSSL lacks.
  processor(engine::local_engine engine, const std::vector<user_config>& users,
            core::metrics_registry& metrics, options opts);
  ~processor();
  processor(const processor&) = delete;
  processor& operator=(const processor&) = delete;

  /// RFC 3414 §3.2 for one datagram whose version field is 3.
  incoming process(std::span<const std::byte> datagram, const boost::asio::ip::address& from);

  /// Encode the Response-PDU answering an accepted inform (RFC 3412 §7.1): same msgID, user
  /// and security level; trapsink's engine as authoritative. Empty if `in` was not accepted.
  std::vector<std::byte> encode_response(const incoming& in, const message::pdu& response);

  /// An accepted inform was recorded: later byte-identical copies are duplicates.
  void remember_delivered(const incoming& in);

  /// Refuse an accepted message carrying a confirmed-class PDU (an inform) whose
  /// msgAuthoritativeEngineID is not trapsink's: the sender skipped discovery. Counted as
  /// usmStatsUnknownEngineIDs; a Report carrying trapsink's engine ID lets it discover.
  void refuse_foreign_engine(incoming& in);

  const engine::local_engine& engine() const noexcept { return engine_; }
  const statistics& stats() const noexcept { return stats_; }
  /// Number of users configured.
  std::size_t user_count() const noexcept;

  /// Replace the users (configuration reload) while other threads process messages: the new
  /// table is prepared first (throws std::invalid_argument as the constructor does, and then
  /// nothing changes), then swapped in atomically. The engine ID and boots, the remote-engine
  /// time table and the replay cache stay; cached localized keys stay for users whose keys did
  /// not change and are dropped for the others. Messages being processed finish with the table
  /// they started with.
  void set_users(const std::vector<user_config>& users);

 private:
  struct user_entry;
  struct remote_engine;
  /// The users, immutable once built; swapped whole by set_users().
  struct user_table {
    std::vector<std::unique_ptr<user_entry>> users;
    std::unordered_map<std::string, const user_entry*> by_name;
    ~user_table();
  };
  std::shared_ptr<const user_table> build_users(const std::vector<user_config>& users) const;

  /// Keys of u for engine_id: its pre-localized keys, the cache, or (fresh = true) keys
  /// localized now and not cached yet.
  std::shared_ptr<const localized_keys> keys_for(const user_entry& u,
                                                 std::span<const std::byte> engine_id, bool& fresh);
  /// Cache keys that just authenticated a message.
  void remember_keys(const user_entry& u, std::span<const std::byte> engine_id,
                     std::shared_ptr<const localized_keys> keys);
  /// RFC 3414 §3.2 step 7b for a non-authoritative receiver, per (user, engine ID); updates
  /// the table.
  bool remote_in_time(const std::string& user, std::span<const std::byte> engine_id,
                      std::uint32_t boots, std::uint32_t time);
  /// True when this (engine ID, digest) was seen within the replay window; remembers it when
  /// asked.
  bool seen_before(std::span<const std::byte> engine_id, std::span<const std::byte> digest,
                   bool remember);
  /// A Report with one usmStats varbind (counter's OID and value) to the message `in`.
  void make_report(incoming& in, std::uint32_t stat_arc, std::uint64_t value, bool authenticated,
                   std::int32_t request_id);
  /// Sign (and encrypt) an outgoing message with keys.
  std::vector<std::byte> protect(const message::v3_header& h, const std::string& user_name,
                                 const message::scoped_pdu& scoped, const localized_keys* keys,
                                 bool encrypt);

  engine::local_engine engine_;
  statistics stats_;
  options opts_;
  /// Loaded once per v3 message (the message keeps its table alive while it is processed).
  std::atomic<std::shared_ptr<const user_table>> users_;

  // LRU of localized keys, keyed by user name + '\0' + engine ID.
  struct cache_item {
    std::string key;
    std::shared_ptr<const localized_keys> keys;
  };
  std::mutex cache_mu_;
  std::list<cache_item> cache_lru_;  // front: most recently used
  std::unordered_map<std::string, std::list<cache_item>::iterator> cache_;

  // LRU of remote engines' boots/time, keyed by engine ID.
  std::mutex engines_mu_;
  std::list<std::unique_ptr<remote_engine>> engines_lru_;
  std::unordered_map<std::string, std::list<std::unique_ptr<remote_engine>>::iterator> engines_;

  // Digests of recent authenticated traps (FIFO, bounded), to refuse exact replays.
  std::mutex replay_mu_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> replay_order_;
  std::unordered_set<std::string> replay_seen_;

  core::log_limiter report_limit_;
  std::atomic<std::uint64_t> salt_;
};

}  // namespace trapsink::snmp::usm
