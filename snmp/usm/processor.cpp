// RFC 3414 §3.2 (processIncomingMsg) and §3.1 (generateResponseMsg) for a notification receiver.
#include "snmp/usm/processor.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "snmp/usm/outgoing.hpp"

namespace trapsink::snmp::usm {
namespace msg = snmp::message;

// ---------------------------------------------------------------------------------------------
// Counters

statistics::statistics(core::metrics_registry& reg)
    : unsupported_sec_levels(reg.get(
          "usm_stats_unsupported_sec_levels_total", {},
          "usmStatsUnsupportedSecLevels: messages at a security level the user does not allow")),
      not_in_time_windows(reg.get("usm_stats_not_in_time_windows_total", {},
                                  "usmStatsNotInTimeWindows: messages outside the time window")),
      unknown_user_names(reg.get("usm_stats_unknown_user_names_total", {},
                                 "usmStatsUnknownUserNames: messages for an unknown user")),
      unknown_engine_ids(reg.get("usm_stats_unknown_engine_ids_total", {},
                                 "usmStatsUnknownEngineIDs: messages for an unknown or "
                                 "not allowed engine ID (including discovery probes)")),
      wrong_digests(reg.get("usm_stats_wrong_digests_total", {},
                            "usmStatsWrongDigests: messages whose authentication failed")),
      decryption_errors(reg.get("usm_stats_decryption_errors_total", {},
                                "usmStatsDecryptionErrors: messages that could not be decrypted")),
      unknown_security_models(
          reg.get("snmp_unknown_security_models_total", {},
                  "snmpUnknownSecurityModels: SNMPv3 messages of a security model other than USM")),
      invalid_msgs(reg.get("snmp_invalid_msgs_total", {},
                           "snmpInvalidMsgs: SNMPv3 messages with inconsistent msgFlags")),
      key_localizations(reg.get("trapsink_usm_key_localizations_total", {},
                                "keys localized for a (user, engine ID) seen for the first time")),
      key_cache_evictions(reg.get("trapsink_usm_key_cache_evictions_total", {},
                                  "localized keys evicted from the bounded key cache")),
      remote_engine_evictions(reg.get("trapsink_usm_remote_engine_evictions_total", {},
                                      "remote engines forgotten by the bounded timeliness table")),
      replays(reg.get("trapsink_usm_replays_total", {},
                      "authenticated traps received again byte for byte within the window")),
      reports_suppressed(
          reg.get("trapsink_usm_reports_suppressed_total", {},
                  "Reports not sent because more than the per-second limit were due")) {}

std::string_view name(outcome o) noexcept {
  switch (o) {
    case outcome::accepted:
      return "accepted";
    case outcome::parse_error:
      return "parse_error";
    case outcome::unknown_security_model:
      return "unknown_security_model";
    case outcome::invalid_msg:
      return "invalid_msg";
    case outcome::unknown_engine_id:
      return "unknown_engine_id";
    case outcome::unknown_user_name:
      return "unknown_user_name";
    case outcome::unsupported_sec_level:
      return "unsupported_sec_level";
    case outcome::wrong_digest:
      return "wrong_digest";
    case outcome::not_in_time_window:
      return "not_in_time_window";
    case outcome::decryption_error:
      return "decryption_error";
    case outcome::source_not_allowed:
      return "source_not_allowed";
    case outcome::replayed:
      return "replayed";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Keys of one user localized for one authoritative engine. The privacy key is derived on
/// first use — after a message authenticated — so a flood of spoofed engine IDs costs one
/// cheap localization each, never a Reeder extension (which hashes a megabyte).
class localized_keys {
 public:
  localized_keys(auth_protocol auth, std::span<const std::byte> auth_kul, priv_protocol priv,
                 key_bytes priv_kul, std::vector<std::byte> engine_id)
      : priv_protocol_(priv), priv_kul_(std::move(priv_kul)), engine_id_(std::move(engine_id)) {
    if (auth != auth_protocol::none) auth_.emplace(auth, auth_kul);
    auth_hash_ = auth;
  }
  ~localized_keys() {
    if (!priv_kul_.empty()) OPENSSL_cleanse(priv_kul_.data(), priv_kul_.size());
  }
  localized_keys(const localized_keys&) = delete;
  localized_keys& operator=(const localized_keys&) = delete;

  const auth_key* auth() const noexcept { return auth_ ? &*auth_ : nullptr; }

  /// The privacy key, derived on first call; nullptr for a user without privacy.
  const priv_key* priv() const {
    if (priv_protocol_ == priv_protocol::none) return nullptr;
    std::call_once(priv_once_, [this] {
      auto material = derive_priv_key(priv_protocol_, auth_hash_, priv_kul_, engine_id_);
      priv_.emplace(priv_protocol_, material);
      OPENSSL_cleanse(material.data(), material.size());
    });
    return &*priv_;
  }

 private:
  std::optional<auth_key> auth_;
  auth_protocol auth_hash_ = auth_protocol::none;
  priv_protocol priv_protocol_;
  key_bytes priv_kul_;
  std::vector<std::byte> engine_id_;
  mutable std::once_flag priv_once_;
  mutable std::optional<priv_key> priv_;
};

/// A configured user with its keys prepared.
struct processor::user_entry {
  user_config config;     // secrets removed
  key_bytes auth_master;  // Ku (passphrase / master key users)
  key_bytes priv_master;
  bool localized = false;  // keys given localized: valid for bound_engine only
  std::vector<std::byte> bound_engine;
  std::shared_ptr<const localized_keys> local_keys;  // for trapsink's own engine ID
  std::shared_ptr<const localized_keys> bound_keys;  // localized users: for bound_engine

  ~user_entry() {
    if (!auth_master.empty()) OPENSSL_cleanse(auth_master.data(), auth_master.size());
    if (!priv_master.empty()) OPENSSL_cleanse(priv_master.data(), priv_master.size());
  }

  std::shared_ptr<const localized_keys> localize(std::span<const std::byte> engine_id) const {
    key_bytes auth_kul;
    if (config.auth != auth_protocol::none)
      auth_kul = localize_key(config.auth, auth_master, engine_id);
    key_bytes priv_kul;
    if (config.priv != priv_protocol::none)
      priv_kul = localize_key(config.auth, priv_master, engine_id);
    auto k = std::make_shared<const localized_keys>(
        config.auth, auth_kul, config.priv, std::move(priv_kul),
        std::vector<std::byte>(engine_id.begin(), engine_id.end()));
    if (!auth_kul.empty()) OPENSSL_cleanse(auth_kul.data(), auth_kul.size());
    return k;
  }
};

/// What trapsink knows of a remote authoritative engine (RFC 3414 §2.3).
struct processor::remote_engine {
  std::string id;
  std::uint32_t boots = 0;
  std::uint32_t time = 0;  ///< its snmpEngineTime when `at`
  std::chrono::steady_clock::time_point at;
};

namespace {

bool same(std::span<const std::byte> a, std::span<const std::byte> b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string as_string(std::span<const std::byte> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

/// The master key of one key_source for a user (hashed with the user's auth protocol).
key_bytes master_of(const user_config& u, const key_source& k, const char* what) {
  switch (k.how) {
    case key_source::kind::passphrase:
      if (k.passphrase.empty()) {
        throw std::invalid_argument("user '" + u.name + "': the " + what + " passphrase is empty");
      }
      return password_to_key(u.auth, k.passphrase);
    case key_source::kind::master_key:
    case key_source::kind::localized_key:
      if (k.key.size() != key_length(u.auth)) {
        throw std::invalid_argument("user '" + u.name + "' (" + u.origin + "): the " + what +
                                    " key must be " + std::to_string(key_length(u.auth)) +
                                    " octets for " + std::string(name(u.auth)));
      }
      return k.key;
    case key_source::kind::none:
      break;
  }
  throw std::invalid_argument("user '" + u.name + "' (" + u.origin + "): no " + what +
                              " key given");
}

/// usmStats OID arcs (RFC 3414 §5): 1.3.6.1.6.3.15.1.1.N.0.
enum : std::uint32_t {
  stat_unsupported_sec_levels = 1,
  stat_not_in_time_windows = 2,
  stat_unknown_user_names = 3,
  stat_unknown_engine_ids = 4,
  stat_wrong_digests = 5,
  stat_decryption_errors = 6,
};

/// Scratch buffers reused by each thread (no allocation per message once warm).
thread_local std::vector<std::byte> tls_auth_copy;
thread_local std::vector<std::byte> tls_plaintext;

security_level level_of(std::uint8_t flags) noexcept {
  if ((flags & msg::v3_flags::priv) != 0) return security_level::auth_priv;
  if ((flags & msg::v3_flags::auth) != 0) return security_level::auth_no_priv;
  return security_level::no_auth_no_priv;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// processor

processor::processor(engine::local_engine eng, const std::vector<user_config>& users,
                     core::metrics_registry& metrics, options opts)
    : engine_(std::move(eng)),
      stats_(metrics),
      opts_(opts),
      report_limit_(opts.reports_per_second) {
  opts_.key_cache_size = std::max<std::size_t>(opts_.key_cache_size, 1);
  opts_.remote_engine_limit = std::max<std::size_t>(opts_.remote_engine_limit, 1);
  std::uint64_t salt = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&salt), sizeof salt);
  salt_.store(salt);

  users_.store(build_users(users));
}

processor::user_table::~user_table() = default;

std::shared_ptr<const processor::user_table> processor::build_users(
    const std::vector<user_config>& users) const {
  auto table = std::make_shared<user_table>();
  for (const auto& cfg : users) {
    auto u = std::make_unique<user_entry>();
    u->config = cfg;
    u->config.auth_key = {};
    u->config.priv_key = {};
    u->config.auth_key.how = cfg.auth_key.how;
    u->config.priv_key.how = cfg.priv_key.how;
    if (cfg.priv != priv_protocol::none && cfg.auth == auth_protocol::none) {
      throw std::invalid_argument("user '" + cfg.name + "' (" + cfg.origin +
                                  "): privacy needs an authentication protocol");
    }
    if (cfg.priv != priv_protocol::none) {
      if (auto why = availability_error(cfg.priv); !why.empty()) {
        throw std::invalid_argument("user '" + cfg.name + "' (" + cfg.origin + "): " + why);
      }
    }
    if (cfg.auth != auth_protocol::none)
      u->auth_master = master_of(cfg, cfg.auth_key, "authentication");
    if (cfg.priv != priv_protocol::none) u->priv_master = master_of(cfg, cfg.priv_key, "privacy");
    u->localized = cfg.auth_key.how == key_source::kind::localized_key ||
                   cfg.priv_key.how == key_source::kind::localized_key;
    if (u->localized) {
      if (cfg.engine_ids.size() > 1) {
        throw std::invalid_argument("user '" + cfg.name + "' (" + cfg.origin +
                                    "): a localized key is bound to one engine ID; list at "
                                    "most one in engine_ids");
      }
      u->bound_engine = cfg.engine_ids.empty() ? engine_.engine_id() : cfg.engine_ids.front();
      // A localized key is used as is; a passphrase or master key is localized for the
      // bound engine. localize() treats *_master as Ku, so build the keys by hand.
      key_bytes auth_kul = cfg.auth_key.how == key_source::kind::localized_key
                               ? u->auth_master
                               : localize_key(cfg.auth, u->auth_master, u->bound_engine);
      key_bytes priv_kul;
      if (cfg.priv != priv_protocol::none) {
        priv_kul = cfg.priv_key.how == key_source::kind::localized_key
                       ? u->priv_master
                       : localize_key(cfg.auth, u->priv_master, u->bound_engine);
      }
      u->bound_keys = std::make_shared<const localized_keys>(cfg.auth, auth_kul, cfg.priv,
                                                             std::move(priv_kul), u->bound_engine);
      OPENSSL_cleanse(auth_kul.data(), auth_kul.size());
      if (same(u->bound_engine, engine_.engine_id())) u->local_keys = u->bound_keys;
    } else {
      u->local_keys = u->localize(engine_.engine_id());
    }
    if (u->local_keys && u->local_keys->priv() == nullptr && cfg.priv != priv_protocol::none) {
      throw std::invalid_argument("user '" + cfg.name + "': privacy key unavailable");
    }
    const auto [it, inserted] = table->by_name.emplace(cfg.name, u.get());
    if (!inserted) {
      throw std::invalid_argument("user '" + cfg.name + "' is configured twice (" +
                                  it->second->config.origin + " and " + cfg.origin + ")");
    }
    table->users.push_back(std::move(u));
  }
  return table;
}

namespace {
/// Whether two prepared users have the same keys (their cached localized keys stay valid).
template <class Entry>
bool same_keys(const Entry& a, const Entry& b) {
  return a.config.auth == b.config.auth && a.config.priv == b.config.priv &&
         a.auth_master == b.auth_master && a.priv_master == b.priv_master &&
         a.localized == b.localized && a.bound_engine == b.bound_engine;
}
}  // namespace

void processor::set_users(const std::vector<user_config>& users) {
  auto table = build_users(users);  // may throw: nothing changed yet
  std::lock_guard lock(cache_mu_);
  const auto old = users_.load();
  // Drop the cached keys of users that are gone or whose keys changed.
  for (auto it = cache_lru_.begin(); it != cache_lru_.end();) {
    const auto& key = it->key;
    const auto len = static_cast<unsigned char>(key.front());
    const std::string name = key.substr(1, len);
    auto now_it = table->by_name.find(name);
    auto was_it = old->by_name.find(name);
    const bool keep = now_it != table->by_name.end() && was_it != old->by_name.end() &&
                      same_keys(*now_it->second, *was_it->second);
    if (keep) {
      ++it;
    } else {
      cache_.erase(key);
      it = cache_lru_.erase(it);
    }
  }
  users_.store(std::move(table));
}

processor::~processor() = default;

std::size_t processor::user_count() const noexcept { return users_.load()->users.size(); }

namespace {

/// A map key for (user, engine ID): the name's length first, so no two pairs collide.
std::string pair_key(const std::string& user, std::span<const std::byte> engine_id) {
  std::string key;
  key.reserve(1 + user.size() + engine_id.size());
  key.push_back(static_cast<char>(user.size()));
  key.append(user);
  key.append(reinterpret_cast<const char*>(engine_id.data()), engine_id.size());
  return key;
}

}  // namespace

std::shared_ptr<const localized_keys> processor::keys_for(const user_entry& u,
                                                          std::span<const std::byte> engine_id,
                                                          bool& fresh) {
  fresh = false;
  if (u.localized) return same(engine_id, u.bound_engine) ? u.bound_keys : nullptr;
  if (same(engine_id, engine_.engine_id())) return u.local_keys;
  const auto key = pair_key(u.config.name, engine_id);
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      cache_lru_.splice(cache_lru_.begin(), cache_lru_, it->second);
      return it->second->keys;
    }
  }
  // Not cached: localize now, but cache only once a message authenticated with these keys
  // (remember_keys), so forged messages never evict the keys of genuine senders.
  fresh = true;
  stats_.key_localizations.inc();
  return u.localize(engine_id);
}

void processor::remember_keys(const user_entry& u, std::span<const std::byte> engine_id,
                              std::shared_ptr<const localized_keys> keys) {
  auto key = pair_key(u.config.name, engine_id);
  std::lock_guard lock(cache_mu_);
  if (cache_.find(key) != cache_.end()) return;  // another thread cached it meanwhile
  {
    // A reload (set_users) may have changed this user's keys since the message started.
    const auto table = users_.load();
    auto now = table->by_name.find(u.config.name);
    if (now == table->by_name.end() || !same_keys(*now->second, u)) return;
  }
  cache_lru_.push_front({key, std::move(keys)});
  cache_.emplace(std::move(key), cache_lru_.begin());
  while (cache_.size() > opts_.key_cache_size) {
    cache_.erase(cache_lru_.back().key);
    cache_lru_.pop_back();
    stats_.key_cache_evictions.inc();
  }
}

bool processor::seen_before(std::span<const std::byte> engine_id, std::span<const std::byte> digest,
                            bool remember) {
  const auto now = std::chrono::steady_clock::now();
  // Long enough to cover the time window plus what a sender's clock may drift meanwhile.
  const auto keep = std::chrono::seconds(2 * opts_.time_window_seconds);
  std::string key = as_string(engine_id);
  key.append(as_string(digest));
  std::lock_guard lock(replay_mu_);
  while (!replay_order_.empty() && (replay_order_.size() >= opts_.replay_cache_size ||
                                    now - replay_order_.front().first > keep)) {
    replay_seen_.erase(replay_order_.front().second);
    replay_order_.pop_front();
  }
  if (replay_seen_.count(key) != 0) return true;
  if (remember) {
    replay_seen_.insert(key);
    replay_order_.emplace_back(now, std::move(key));
  }
  return false;
}

void processor::remember_delivered(const incoming& in) {
  if (in.result == outcome::accepted && !in.digest.empty()) {
    seen_before(in.engine_id, in.digest, true);
  }
}

bool processor::remote_in_time(const std::string& user, std::span<const std::byte> engine_id,
                               std::uint32_t boots, std::uint32_t time) {
  const auto now = std::chrono::steady_clock::now();
  // Per (user, engine ID): one user's keys can neither advance nor evict another user's view
  // of an engine.
  std::string id = pair_key(user, engine_id);
  std::lock_guard lock(engines_mu_);
  auto it = engines_.find(id);
  if (it == engines_.end()) {
    // First authenticated message of this engine: it sets the baseline.
    auto e = std::make_unique<remote_engine>(remote_engine{id, boots, time, now});
    engines_lru_.push_front(std::move(e));
    engines_.emplace(std::move(id), engines_lru_.begin());
    while (engines_.size() > opts_.remote_engine_limit) {
      engines_.erase(engines_lru_.back()->id);
      engines_lru_.pop_back();
      stats_.remote_engine_evictions.inc();
    }
    return boots < engine::max_engine_value;
  }
  engines_lru_.splice(engines_lru_.begin(), engines_lru_, it->second);
  remote_engine& e = **it->second;
  // RFC 3414 §3.2 step 7b: first take newer boots, or a later time with the same boots ...
  if (boots > e.boots || (boots == e.boots && time > e.time)) {
    e.boots = boots;
    e.time = time;
    e.at = now;
  }
  // ... then the message is outside the window when the engine's boots latched at the
  // maximum, went back, or, with equal boots, its time is more than the window behind our
  // notion of the engine's time (what it said last, advanced by the time elapsed since).
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - e.at).count();
  const std::uint64_t notion_time =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(e.time) +
                                  static_cast<std::uint64_t>(std::max<long long>(elapsed, 0)),
                              engine::max_engine_value);
  return e.boots < engine::max_engine_value && boots == e.boots &&
         static_cast<std::uint64_t>(time) + opts_.time_window_seconds >= notion_time;
}

incoming processor::process(std::span<const std::byte> datagram,
                            const boost::asio::ip::address& from) {
  incoming in;
  auto view = msg::decode_v3(datagram);
  if (!view) {
    if (view.error() == msg::errc::invalid_msg_flags) {
      stats_.invalid_msgs.inc();
      in.result = outcome::invalid_msg;
    } else {
      in.result = outcome::parse_error;
    }
    in.detail = view.error().message();
    return in;
  }
  in.header = view->header;
  if (view->header.security_model != msg::security_model_usm) {
    // RFC 3412 §7.2 step 4: counted and discarded without a Report.
    stats_.unknown_security_models.inc();
    in.result = outcome::unknown_security_model;
    in.detail = "security model " + std::to_string(view->header.security_model) + " is not USM (3)";
    return in;
  }
  auto usm = msg::decode_usm_parameters(view->security_parameters);
  if (!usm) {
    in.result = outcome::parse_error;
    in.detail = "UsmSecurityParameters: " + usm.error().message();
    return in;
  }
  in.level = level_of(view->header.flags);
  in.user_name = as_string(usm->user_name);
  in.engine_id.assign(usm->engine_id.begin(), usm->engine_id.end());
  in.authoritative = same(usm->engine_id, engine_.engine_id());
  // RFC 3412 §7.2: a Report answers only a reportable message; when the PDU can be read
  // (plaintext) only a Confirmed Class PDU is reportable, whatever the flag says. The
  // request-id of a plaintext PDU goes into the Report (RFC 3412 §7.1 step 3c), else 0.
  bool reportable = (view->header.flags & msg::v3_flags::reportable) != 0;
  std::int32_t plaintext_request_id = 0;
  if (!view->encrypted) {
    if (auto sp = msg::peek_scoped_pdu(view->data); sp) {
      plaintext_request_id = sp->request_id;
      reportable = reportable && msg::is_confirmed_class(sp->type);
    }
  }
  in.reportable = reportable;

  // RFC 3414 §3.2 step 3 / §4: an empty engine ID is a discovery probe.
  if (usm->engine_id.empty()) {
    stats_.unknown_engine_ids.inc();
    in.result = outcome::unknown_engine_id;
    in.detail = "discovery probe (empty msgAuthoritativeEngineID)";
    if (reportable) {
      make_report(in, stat_unknown_engine_ids, stats_.unknown_engine_ids.value(), false,
                  plaintext_request_id);
    }
    return in;
  }

  // Step 4: the user.
  const auto table = users_.load();
  auto found = table->by_name.find(in.user_name);
  if (found == table->by_name.end()) {
    stats_.unknown_user_names.inc();
    in.result = outcome::unknown_user_name;
    in.detail = "no user of this name is configured";
    if (reportable) {
      make_report(in, stat_unknown_user_names, stats_.unknown_user_names.value(), false,
                  plaintext_request_id);
    }
    return in;
  }
  const user_entry& user = *found->second;

  if (!core::allowed(user.config.allow_from, from)) {
    in.result = outcome::source_not_allowed;
    in.detail = "the source address is not in the user's allow_from";
    return in;
  }

  // Step 5: the level must be one the user's keys support, and not below its minimum.
  if (in.level > user.config.max_level() || in.level < user.config.effective_min_level()) {
    stats_.unsupported_sec_levels.inc();
    in.result = outcome::unsupported_sec_level;
    in.detail = std::string("security level ") + std::string(name(in.level)) +
                (in.level > user.config.max_level()
                     ? " needs keys the user does not have"
                     : " is below the user's minimum " +
                           std::string(name(user.config.effective_min_level())));
    if (reportable) {
      make_report(in, stat_unsupported_sec_levels, stats_.unsupported_sec_levels.value(), false,
                  plaintext_request_id);
    }
    return in;
  }

  // Engine pinning, and localized keys bound to one engine.
  const bool pinned_out = !in.authoritative && !user.config.engine_ids.empty() &&
                          std::none_of(user.config.engine_ids.begin(), user.config.engine_ids.end(),
                                       [&](const key_bytes& e) { return same(e, usm->engine_id); });
  const bool authenticated = in.level >= security_level::auth_no_priv;
  const bool unbound = user.localized && !same(usm->engine_id, user.bound_engine);
  std::shared_ptr<const localized_keys> keys;
  bool fresh_keys = false;
  if (!pinned_out && !unbound && authenticated) {
    keys = keys_for(user, usm->engine_id, fresh_keys);
  }
  if (pinned_out || unbound) {
    stats_.unknown_engine_ids.inc();
    in.result = outcome::unknown_engine_id;
    in.detail = "engine ID " + engine::to_hex(usm->engine_id) + " is not allowed for this user";
    if (reportable) {
      make_report(in, stat_unknown_engine_ids, stats_.unknown_engine_ids.value(), false,
                  plaintext_request_id);
    }
    return in;
  }
  in.keys = keys;

  if (authenticated) {
    // Step 6: authenticate the whole message with msgAuthenticationParameters zeroed.
    const auth_key* ak = keys->auth();
    if (usm->auth_params.size() != ak->digest_length()) {
      stats_.wrong_digests.inc();
      in.result = outcome::wrong_digest;
      in.detail = "msgAuthenticationParameters is " + std::to_string(usm->auth_params.size()) +
                  " octets; " + std::string(name(ak->protocol())) + " needs " +
                  std::to_string(ak->digest_length());
      if (reportable) {
        make_report(in, stat_wrong_digests, stats_.wrong_digests.value(), false,
                    plaintext_request_id);
      }
      return in;
    }
    auto& copy = tls_auth_copy;
    copy.assign(datagram.begin(), datagram.end());
    const std::size_t at = view->security_parameters_offset + usm->auth_params_offset;
    std::memset(copy.data() + at, 0, usm->auth_params.size());
    if (!ak->verify(copy, usm->auth_params)) {
      stats_.wrong_digests.inc();
      in.result = outcome::wrong_digest;
      in.detail =
          "authentication failed (wrong authentication key or protocol, or the message "
          "was altered)";
      if (reportable) {
        make_report(in, stat_wrong_digests, stats_.wrong_digests.value(), false,
                    plaintext_request_id);
      }
      return in;
    }
    in.auth = ak->protocol();
    if (fresh_keys) remember_keys(user, usm->engine_id, keys);

    // Step 7: timeliness.
    const auto boots = static_cast<std::uint32_t>(usm->engine_boots);
    const auto time = static_cast<std::uint32_t>(usm->engine_time);
    bool in_time = false;
    if (in.authoritative) {
      // 7a: we are authoritative.
      const auto our_time = engine_.engine_time();
      const auto diff = time > our_time ? time - our_time : our_time - time;
      in_time = engine_.engine_boots() < engine::max_engine_value &&
                boots == engine_.engine_boots() && diff <= opts_.time_window_seconds;
    } else {
      in_time = !user.config.replay_protection ||
                remote_in_time(user.config.name, usm->engine_id, boots, time);
    }
    if (!in_time) {
      stats_.not_in_time_windows.inc();
      in.result = outcome::not_in_time_window;
      in.detail = "engine boots/time " + std::to_string(boots) + "/" + std::to_string(time) +
                  " outside the time window (a replay, or the sender's clock was reset without "
                  "incrementing its boots)";
      // RFC 3414 §3.2 step 7a: reported with authNoPriv so the sender can trust the time.
      if (reportable && in.authoritative) {
        make_report(in, stat_not_in_time_windows, stats_.not_in_time_windows.value(), true,
                    plaintext_request_id);
      }
      return in;
    }
  }

  // Step 8: decrypt.
  std::span<const std::byte> scoped_bytes = view->data;
  bool padded = false;
  if (in.level == security_level::auth_priv) {
    if (!view->encrypted) {
      stats_.decryption_errors.inc();
      in.result = outcome::decryption_error;
      in.detail = "privFlag set but msgData is not encrypted";
      if (reportable)
        make_report(in, stat_decryption_errors, stats_.decryption_errors.value(), false, 0);
      return in;
    }
    const priv_key* pk = nullptr;
    try {
      pk = keys->priv();
    } catch (const std::exception& e) {
      pk = nullptr;
      in.detail = e.what();
    }
    auto& plain = tls_plaintext;
    if (pk == nullptr || !pk->decrypt(static_cast<std::uint32_t>(usm->engine_boots),
                                      static_cast<std::uint32_t>(usm->engine_time),
                                      usm->priv_params, view->data, plain)) {
      stats_.decryption_errors.inc();
      in.result = outcome::decryption_error;
      if (in.detail.empty()) {
        in.detail = "decryption failed (msgPrivacyParameters of " +
                    std::to_string(usm->priv_params.size()) +
                    " octets, or a ciphertext length the cipher cannot have)";
      }
      if (reportable)
        make_report(in, stat_decryption_errors, stats_.decryption_errors.value(), false, 0);
      return in;
    }
    in.priv = pk->protocol();
    scoped_bytes = plain;
    // CBC ciphers leave their padding after the ScopedPDU (RFC 3414 §8.3.2); some senders
    // (PySNMP 4.4) pad AES-CFB plaintexts to the block size too. Both are ignored.
    padded = true;
  } else if (view->encrypted) {
    // An encryptedPDU without privFlag cannot be read (RFC 3412 §7.2 step 6).
    in.result = outcome::parse_error;
    in.detail = "msgData is encrypted but privFlag is not set";
    return in;
  }

  auto scoped = msg::decode_scoped_pdu(scoped_bytes, padded);
  if (!scoped) {
    if (in.level == security_level::auth_priv) {
      // Authenticated, yet the plaintext is not a ScopedPDU: the privacy key is wrong.
      stats_.decryption_errors.inc();
      in.result = outcome::decryption_error;
      in.detail = "the decrypted data is not a scoped PDU (wrong privacy key or protocol)";
      if (reportable)
        make_report(in, stat_decryption_errors, stats_.decryption_errors.value(), false, 0);
    } else {
      in.result = outcome::parse_error;
      in.detail = "scoped PDU: " + scoped.error().message();
    }
    return in;
  }
  // An authenticated trap seen before, byte for byte, within the window: a replay. (A
  // retransmitted inform is answered again by the receiver's inform dedup instead.)
  if (authenticated && !in.authoritative && user.config.replay_protection &&
      !msg::is_confirmed_class(scoped->data.type) &&
      seen_before(usm->engine_id, usm->auth_params, true)) {
    stats_.replays.inc();
    in.result = outcome::replayed;
    in.detail = "the same authenticated message was received before (a replay)";
    return in;
  }
  // An authenticated inform seen before byte for byte is answered again but must not be
  // recorded twice, whatever port it comes from (the receiver's dedup also catches re-encoded
  // retransmissions by request-id). It is remembered only once recorded (remember_delivered):
  // an inform that found a queue full is retransmitted and must then be recorded.
  if (authenticated && msg::is_confirmed_class(scoped->data.type)) {
    in.duplicate = seen_before(usm->engine_id, usm->auth_params, false);
    in.digest.assign(usm->auth_params.begin(), usm->auth_params.end());
  }
  in.scoped = std::move(*scoped);
  in.result = outcome::accepted;
  return in;
}

void processor::refuse_foreign_engine(incoming& in) {
  stats_.unknown_engine_ids.inc();
  in.result = outcome::unknown_engine_id;
  in.detail = "an inform must name trapsink's engine ID as authoritative, not " +
              engine::to_hex(in.engine_id) + " (the sender should discover it, RFC 3414 §4)";
  in.keys.reset();
  if ((in.header.flags & msg::v3_flags::reportable) != 0) {
    // The request-id was encrypted: do not disclose it in a plaintext Report.
    make_report(in, stat_unknown_engine_ids, stats_.unknown_engine_ids.value(), false,
                in.level == security_level::auth_priv ? 0 : in.scoped.data.request_id);
  }
}

void processor::make_report(incoming& in, std::uint32_t stat_arc, std::uint64_t value,
                            bool authenticated, std::int32_t request_id) {
  // Reports go to an unauthenticated source address: bound them, so trapsink cannot be used
  // to flood a spoofed victim.
  std::uint64_t suppressed = 0;
  if (!report_limit_.allow(suppressed)) {
    stats_.reports_suppressed.inc();
    return;
  }
  msg::v3_header h;
  h.msg_id = in.header.msg_id;
  h.max_size = 65507;
  h.flags = authenticated ? msg::v3_flags::auth : 0;
  h.security_model = msg::security_model_usm;
  msg::scoped_pdu scoped;
  scoped.context_engine_id = as_string(engine_.engine_id());
  scoped.data.type = msg::pdu_type::report;
  scoped.data.request_id = request_id;
  scoped.data.varbinds.push_back(
      {ber::oid{1, 3, 6, 1, 6, 3, 15, 1, 1, stat_arc, 0},
       msg::value::counter32(static_cast<std::uint32_t>(value & 0xffffffffu))});
  in.report = protect(h, in.user_name, scoped, authenticated ? in.keys.get() : nullptr, false);
}

std::vector<std::byte> processor::protect(const msg::v3_header& h, const std::string& user_name,
                                          const msg::scoped_pdu& scoped, const localized_keys* keys,
                                          bool encrypt) {
  msg::usm_parameters usm;
  usm.engine_id = engine_.engine_id();
  usm.engine_boots = static_cast<std::int32_t>(engine_.engine_boots());
  usm.engine_time = static_cast<std::int32_t>(engine_.engine_time());
  usm.user_name = user_name;
  const auth_key* ak = keys != nullptr ? keys->auth() : nullptr;
  const priv_key* pk = encrypt && keys != nullptr ? keys->priv() : nullptr;
  return encode_message(h, std::move(usm), scoped, ak, pk,
                        salt_.fetch_add(1, std::memory_order_relaxed));
}

std::vector<std::byte> processor::encode_response(const incoming& in, const msg::pdu& response) {
  if (in.result != outcome::accepted) return {};
  msg::v3_header h;
  h.msg_id = in.header.msg_id;
  h.max_size = 65507;
  h.flags =
      static_cast<std::uint8_t>(in.header.flags & (msg::v3_flags::auth | msg::v3_flags::priv));
  h.security_model = msg::security_model_usm;
  msg::scoped_pdu scoped;
  scoped.context_engine_id = in.scoped.context_engine_id;
  scoped.context_name = in.scoped.context_name;
  scoped.data = response;
  const bool authenticated = in.level >= security_level::auth_no_priv;
  return protect(h, in.user_name, scoped, authenticated ? in.keys.get() : nullptr,
                 in.level == security_level::auth_priv);
}

}  // namespace trapsink::snmp::usm
