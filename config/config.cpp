#include "config/config.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>

#include "config/netsnmp_users.hpp"
#include "config/parse_util.hpp"
#include "core/cidr.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "pipeline/stages/dedup.hpp"
#include "service/privileges.hpp"

namespace trapsink::config {
namespace {

using snmp::usm::auth_protocol;
using snmp::usm::key_source;
using snmp::usm::priv_protocol;
using snmp::usm::security_level;
using snmp::usm::user_config;

// clang-format off
constexpr std::array<std::string_view, 33> top_keys{
    "listen", "communities", "any_community", "jsonl", "sqlite", "kafka", "sinks",
    "queue_capacity", "inform_ack", "inform_dedup_window", "shutdown_deadline", "engine_id",
    "state_dir", "key_cache_size", "remote_engine_limit", "users_from", "users", "routes",
    "default_sinks", "dedup", "rate_limit", "mib_index", "receive_shards", "receive_buffer",
    "http", "enrich", "enrich_options", "pid_file", "user", "group", "log_format", "log_file",
    "log_level"};
// clang-format on
constexpr std::array<std::string_view, 7> enrich_keys{"name",   "match",   "index_from", "get",
                                                      "target", "timeout", "retries"};
constexpr std::array<std::string_view, 2> enrich_match_keys{"trap", "sources"};
constexpr std::array<std::string_view, 10> enrich_target_keys{"port",
                                                              "version",
                                                              "community",
                                                              "user",
                                                              "level",
                                                              "auth_protocol",
                                                              "auth_passphrase",
                                                              "priv_protocol",
                                                              "priv_passphrase",
                                                              "context"};
constexpr std::array<std::string_view, 5> enrich_option_keys{"max_in_flight_per_agent",
                                                             "max_queued_per_agent", "cache_ttl",
                                                             "max_cache_entries", "max_pending"};
constexpr std::array<std::string_view, 5> route_keys{"name", "match", "sinks", "drop", "continue"};
constexpr std::array<std::string_view, 6> match_keys{"source", "version", "community",
                                                     "user",   "trap",    "varbinds"};
constexpr std::array<std::string_view, 6> varbind_match_keys{"oid",   "equals", "not_equals",
                                                             "range", "regex",  "subtree"};
constexpr std::array<std::string_view, 5> http_keys{"listen", "token", "token_file",
                                                    "max_connections", "max_stream_clients"};
constexpr std::array<std::string_view, 3> dedup_keys{"window", "key", "max_keys"};
constexpr std::array<std::string_view, 6> rate_limit_keys{
    "per_source", "per_source_burst", "per_trap", "per_trap_burst", "summary_interval", "max_keys"};
// The sink maps: each sink's own keys, then the runner (queue) keys every sink has.
constexpr std::array<std::string_view, 13> kafka_keys{
    "brokers",       "topic",         "key",       "headers",         "properties",
    "delivery_wait", "flush_timeout", "spool_dir", "spool_max_bytes", "queue_capacity",
    "overflow",      "block_timeout", "durable"};
constexpr std::array<std::string_view, 8> sqlite_keys{
    "path",           "retention_age", "retention_rows", "synchronous",
    "queue_capacity", "overflow",      "block_timeout",  "durable"};
constexpr std::array<std::string_view, 10> jsonl_keys{
    "path",  "rotate_size",    "rotate_interval", "keep",          "compress",
    "fsync", "queue_capacity", "overflow",        "block_timeout", "durable"};
/// The keys of a `sinks:` item: name and type, then those of the type's top-level map.
template <std::size_t N>
constexpr std::array<std::string_view, N + 2> with_name_and_type(
    const std::array<std::string_view, N>& keys) {
  std::array<std::string_view, N + 2> out{"name", "type"};
  for (std::size_t i = 0; i < N; ++i) out[i + 2] = keys[i];
  return out;
}
constexpr auto named_kafka_keys = with_name_and_type(kafka_keys);
constexpr auto named_sqlite_keys = with_name_and_type(sqlite_keys);
constexpr auto named_jsonl_keys = with_name_and_type(jsonl_keys);
/// The jsonl keys that need a file (not standard output).
constexpr std::array<std::string_view, 5> jsonl_file_keys{"rotate_size", "rotate_interval", "keep",
                                                          "compress", "fsync"};
constexpr std::array<std::string_view, 2> community_keys{"name", "allow_from"};
constexpr std::array<std::string_view, 13> user_keys{"name",
                                                     "auth_protocol",
                                                     "auth_passphrase",
                                                     "auth_master_key",
                                                     "auth_localized_key",
                                                     "priv_protocol",
                                                     "priv_passphrase",
                                                     "priv_master_key",
                                                     "priv_localized_key",
                                                     "min_level",
                                                     "engine_ids",
                                                     "allow_from",
                                                     "replay_protection"};
/// Keys whose values are secrets: never repeated in a message.
constexpr std::array<std::string_view, 6> secret_keys{"auth_passphrase",    "auth_master_key",
                                                      "auth_localized_key", "priv_passphrase",
                                                      "priv_master_key",    "priv_localized_key"};

constexpr std::uint64_t max_queue_capacity = std::uint64_t{1} << 26;
/// receive_shards: 0 (one per core) to 256.
constexpr std::uint64_t max_receive_shards = 256;
/// receive_buffer: up to 1 GiB (SO_RCVBUF takes an int, and the kernel doubles it).
constexpr std::uint64_t max_receive_buffer = std::uint64_t{1} << 30;
constexpr std::chrono::milliseconds max_duration{std::chrono::hours(24)};
/// The longest block_timeout: the receive thread waits this long per record at most.
constexpr std::chrono::milliseconds max_block_timeout{std::chrono::seconds(60)};
/// The longest rotate_interval: a year.
constexpr std::chrono::milliseconds max_rotate_interval{std::chrono::hours(24) * 366};
constexpr std::uint64_t max_rotate_size = std::uint64_t{1} << 50;
constexpr std::uint64_t max_keep = 1000;
/// The longest retention_age: 100 years (far enough to mean "forever", short enough that
/// "now - age" cannot overflow).
constexpr std::chrono::milliseconds max_retention_age{std::chrono::hours(24) * 36500};

bool contains(std::span<const std::string_view> list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (auto w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

/// What a node holds, for "expected X, got Y" (never the value itself).
std::string_view kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:g}s", static_cast<double>(d.count()) / 1000.0);
}

/// One key of a map with its value, in file order.
struct entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

const entry* find(const std::vector<entry>& fields, std::string_view key) {
  auto it =
      std::find_if(fields.begin(), fields.end(), [&](const entry& e) { return e.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

/// Applies one file's keys onto server_options; every error names FILE:LINE:COL.
class loader {
 public:
  loader(std::string file, receiver::server_options& o)
      : file_(std::move(file)), dir_(std::filesystem::path(file_).parent_path()), o_(o) {}

  void load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      fail(e.mark, fmt::format("not valid YAML: {}", e.msg));
    }
    try {
      if (root.IsNull()) return;  // an empty file changes nothing
      if (!root.IsMap()) {
        fail(root.Mark(), fmt::format("the configuration must be a map of keys (e.g. "
                                      "'listen: [udp:0.0.0.0:162]'), not {}",
                                      kind_of(root)));
      }
      for (const auto& e : collect(root, "", top_keys)) apply(e);
      detail::check_unique_names(o_.users);
    } catch (const YAML::Exception& e) {
      fail(e.mark, e.msg);
    }
  }

 private:
  void apply(const entry& e) {
    const std::string& k = e.key;
    if (k == "listen") {
      apply_listen(e);
    } else if (k == "communities") {
      apply_communities(e);
    } else if (k == "any_community") {
      o_.communities.any_community = bool_value(e);
    } else if (k == "jsonl") {
      apply_jsonl(e);
    } else if (k == "inform_ack") {
      const std::string v = string_value(e);
      if (detail::iequals(v, "accepted")) {
        o_.inform_ack = receiver::inform_ack_mode::accepted;
      } else if (detail::iequals(v, "durable")) {
        o_.inform_ack = receiver::inform_ack_mode::durable;
      } else {
        fail(mark(e), fmt::format("inform_ack: '{}' is not accepted or durable (accepted: once "
                                  "the sinks' queues took the record; durable: once the sinks "
                                  "marked durable wrote it)",
                                  v));
      }
    } else if (k == "sqlite") {
      apply_sqlite(e);
    } else if (k == "kafka") {
      apply_kafka(e);
    } else if (k == "sinks") {
      apply_sinks(e);
    } else if (k == "routes") {
      apply_routes(e);
    } else if (k == "default_sinks") {
      std::vector<std::string> names;
      for (auto& [name, m] : string_list(e, false, "[jsonl, sqlite]")) names.push_back(name);
      o_.pipeline.default_sinks = std::move(names);
    } else if (k == "dedup") {
      apply_dedup(e);
    } else if (k == "rate_limit") {
      apply_rate_limit(e);
    } else if (k == "queue_capacity") {
      o_.queue_capacity = static_cast<std::size_t>(integer_value(e, 1, max_queue_capacity));
    } else if (k == "inform_dedup_window") {
      o_.inform_dedup_window = duration_value(e);
    } else if (k == "receive_shards") {
      o_.receive_shards = static_cast<std::size_t>(integer_value(e, 0, max_receive_shards));
    } else if (k == "receive_buffer") {
      o_.receive_buffer = static_cast<std::size_t>(integer_value(e, 0, max_receive_buffer));
    } else if (k == "shutdown_deadline") {
      o_.shutdown_deadline = duration_value(e);
    } else if (k == "engine_id") {
      const std::string text = string_value(e);
      try {
        o_.engine_id = parse_engine_id(text);
      } catch (const config_error& x) {
        fail(mark(e), fmt::format("engine_id: {}; give 5 to 32 octets in hex, e.g. "
                                  "80001f8804747261707369",
                                  x.what()));
      }
    } else if (k == "state_dir") {
      o_.state_dir = string_value(e);
    } else if (k == "pid_file") {
      o_.pid_file = string_value(e);
      if (o_.pid_file.empty()) fail(mark(e), "pid_file: give a path, or leave the key out");
    } else if (k == "user" || k == "group") {
      std::string v = string_value(e);
      if (v.empty()) fail(mark(e), fmt::format("{}: give a name or a number", k));
      (k == "user" ? o_.user : o_.group) = std::move(v);
    } else if (k == "log_format") {
      std::string v = string_value(e);
      if (!service::valid_log_format(v)) {
        fail(mark(e), fmt::format("log_format: '{}' is not text or json", v));
      }
      o_.logging.format = std::move(v);
    } else if (k == "log_level") {
      std::string v = string_value(e);
      if (!service::valid_log_level(v)) {
        fail(mark(e), fmt::format("log_level: '{}' is not trace, debug, info, warn, error, "
                                  "critical or off",
                                  v));
      }
      o_.logging.level = std::move(v);
    } else if (k == "log_file") {
      o_.logging.file = string_value(e);
    } else if (k == "mib_index") {
      o_.mib_index = string_value(e);
      if (o_.mib_index.empty()) fail(mark(e), "mib_index: give the path of a compiled index file");
    } else if (k == "key_cache_size") {
      o_.key_cache_size =
          static_cast<std::size_t>(integer_value(e, 1, std::numeric_limits<std::uint32_t>::max()));
    } else if (k == "remote_engine_limit") {
      o_.remote_engine_limit =
          static_cast<std::size_t>(integer_value(e, 1, std::numeric_limits<std::uint32_t>::max()));
    } else if (k == "users_from") {
      apply_users_from(e);
    } else if (k == "http") {
      apply_http(e);
    } else if (k == "users") {
      apply_users(e);
    } else if (k == "enrich") {
      apply_enrich(e);
    } else if (k == "enrich_options") {
      apply_enrich_options(e);
    }
  }

  /// `enrich`: a list of rules {name, match, index_from, get, target, timeout, retries}
  /// (docs/configuration.md "Enrichment"). Names are resolved later, against the MIB index
  /// (pipeline::compile_enrich_rules); the rule keeps where each was written.
  void apply_enrich(const entry& e) {
    if (!e.value.IsSequence()) {
      fail(mark(e), fmt::format("enrich: expected a list of rules ({{name, match, get, target}}), "
                                "got {}",
                                kind_of(e.value)));
    }
    o_.enrich.clear();
    std::size_t n = 0;
    for (const auto& item : e.value) {
      ++n;
      if (!item.IsMap()) {
        fail(item.Mark().is_null() ? mark(e) : item.Mark(),
             fmt::format("enrich: each rule is a map {{name, match, get, target}}, not {}",
                         kind_of(item)));
      }
      const auto fields = collect(item, " in an enrich rule", enrich_keys);
      pipeline::enrich_rule_config r;
      r.name = fmt::format("enrich{}", n);
      r.origin = at(item.Mark());
      if (const entry* f = find(fields, "name")) {
        r.name = string_value(*f);
        if (r.name.empty()) fail(mark(*f), "name: an enrich rule's name is not empty");
      }
      for (const auto& other : o_.enrich) {
        if (other.name == r.name) {
          fail(item.Mark(), fmt::format("enrich: two rules are named '{}' (the first at {}); "
                                        "names are the rule label of the metrics, keep them "
                                        "unique",
                                        r.name, other.origin));
        }
      }
      const std::string who = fmt::format("enrich rule '{}'", r.name);
      if (const entry* f = find(fields, "match")) {
        if (!f->value.IsMap()) {
          fail(mark(*f), fmt::format("{}: match is a map {{trap: [...], sources: [...]}}, not {}",
                                     who, kind_of(f->value)));
        }
        const auto mf = collect(f->value, " in an enrich rule's match", enrich_match_keys);
        if (const entry* t = find(mf, "trap")) {
          for (auto& [v, m] : string_list(*t, true, "[IF-MIB::linkDown, IF-MIB::linkUp]")) {
            r.traps.push_back({v, at(m)});
          }
        }
        if (const entry* src = find(mf, "sources")) r.sources = cidr_list(*src);
      }
      if (const entry* f = find(fields, "index_from")) {
        r.index_from = pipeline::enrich_text{string_value(*f), at(mark(*f))};
      }
      const entry* get = find(fields, "get");
      if (get == nullptr) {
        fail(item.Mark(), fmt::format("{}: give 'get', the OIDs to ask the agent for (e.g. "
                                      "[IF-MIB::ifName, IF-MIB::ifDescr, IF-MIB::ifAlias])",
                                      who));
      }
      for (auto& [v, m] : string_list(*get, true, "[IF-MIB::ifName, IF-MIB::ifDescr]")) {
        r.get.push_back({v, at(m)});
      }
      if (r.get.empty()) fail(mark(*get), fmt::format("{}: get lists no OID", who));
      if (r.get.size() > 64) {
        fail(mark(*get),
             fmt::format("{}: get lists {} OIDs; at most 64 (one GET request)", who, r.get.size()));
      }
      if (const entry* f = find(fields, "target")) enrich_target(*f, who, r);
      if (const entry* f = find(fields, "timeout")) {
        r.timeout = bounded_duration(*f, std::chrono::seconds(60), "60s");
        if (r.timeout.count() < 1) fail(mark(*f), fmt::format("{}: timeout must be > 0", who));
      }
      if (const entry* f = find(fields, "retries")) {
        r.retries = static_cast<int>(integer_value(*f, 0, 10));
      }
      o_.enrich.push_back(std::move(r));
    }
  }

  /// An enrich rule's `target`: port and credentials, as the cmdgen options (-v -c -u -l -a -A
  /// -x -X -n).
  void enrich_target(const entry& e, const std::string& who, pipeline::enrich_rule_config& r) {
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("{}: target is a map {{port: 161, version: 2c, community: "
                                "public}}, not {}",
                                who, kind_of(e.value)));
    }
    const auto fields = collect(e.value, " in an enrich rule's target", enrich_target_keys);
    auto& sec = r.security;
    if (const entry* f = find(fields, "port")) {
      r.port = static_cast<std::uint16_t>(integer_value(*f, 1, 65535));
    }
    if (const entry* f = find(fields, "version")) {
      const std::string v = string_value(*f);
      if (v == "1") {
        sec.version = snmp::message::version::v1;
      } else if (v == "2c") {
        sec.version = snmp::message::version::v2c;
      } else if (v == "3") {
        sec.version = snmp::message::version::v3;
      } else {
        fail(mark(*f), fmt::format("{}: version '{}' is not 1, 2c or 3", who, v));
      }
    }
    const bool v3 = sec.version == snmp::message::version::v3;
    if (const entry* f = find(fields, "community")) {
      if (v3)
        fail(mark(*f), fmt::format("{}: community is for versions 1 and 2c; v3 uses user", who));
      sec.community = string_value(*f);
    }
    for (auto key : {"user", "level", "auth_protocol", "auth_passphrase", "priv_protocol",
                     "priv_passphrase", "context"}) {
      if (const entry* f = find(fields, key); f != nullptr && !v3) {
        fail(mark(*f), fmt::format("{}: {} is for version 3 (add 'version: 3')", who, key));
      }
    }
    if (!v3) return;
    const entry* user = find(fields, "user");
    if (user == nullptr) fail(mark(e), fmt::format("{}: version 3 needs 'user'", who));
    sec.user = string_value(*user);
    if (sec.user.empty() || sec.user.size() > 32) {
      fail(mark(*user), fmt::format("{}: a user name is 1 to 32 octets", who));
    }
    if (const entry* f = find(fields, "auth_protocol")) {
      const std::string s = string_value(*f);
      auto p = snmp::usm::parse_auth_protocol(s);
      if (!p) {
        fail(mark(*f), fmt::format("{}: auth_protocol '{}' is not known; use one of {}", who, s,
                                   detail::auth_protocol_names()));
      }
      sec.auth = *p;
    }
    if (const entry* f = find(fields, "priv_protocol")) {
      const std::string s = string_value(*f);
      auto p = snmp::usm::parse_priv_protocol(s);
      if (!p) {
        fail(mark(*f), fmt::format("{}: priv_protocol '{}' is not known; use one of {}", who, s,
                                   detail::priv_protocol_names()));
      }
      sec.priv = *p;
    }
    auto passphrase = [&](const char* key, bool needed) {
      const entry* f = find(fields, key);
      if (f == nullptr) {
        if (needed) {
          fail(mark(e), fmt::format("{}: {} needs {} (at least {} characters)", who,
                                    std::string_view(key).starts_with("auth") ? "auth_protocol"
                                                                              : "priv_protocol",
                                    key, detail::min_passphrase_length));
        }
        return std::string();
      }
      if (!needed) {
        fail(mark(*f), fmt::format("{}: {} is given without its protocol", who, key));
      }
      if (!f->value.IsScalar()) fail(mark(*f), fmt::format("{}: {} is a string", who, key));
      std::string v = f->value.Scalar();
      if (v.size() < detail::min_passphrase_length) {
        fail(mark(*f), fmt::format("{}: {} is shorter than {} characters", who, key,
                                   detail::min_passphrase_length));
      }
      return v;
    };
    sec.auth_passphrase = passphrase("auth_passphrase", sec.auth != auth_protocol::none);
    sec.priv_passphrase = passphrase("priv_passphrase", sec.priv != priv_protocol::none);
    if (sec.priv != priv_protocol::none && sec.auth == auth_protocol::none) {
      fail(mark(e), fmt::format("{}: priv_protocol needs auth_protocol too (USM has no privacy "
                                "without authentication)",
                                who));
    }
    sec.level = sec.priv != priv_protocol::none   ? security_level::auth_priv
                : sec.auth != auth_protocol::none ? security_level::auth_no_priv
                                                  : security_level::no_auth_no_priv;
    if (const entry* f = find(fields, "level")) {
      const std::string s = string_value(*f);
      auto l = snmp::usm::parse_security_level(s);
      if (!l) {
        fail(mark(*f), fmt::format("{}: level '{}' is not one of noAuthNoPriv, authNoPriv, "
                                   "authPriv",
                                   who, s));
      }
      if (*l > sec.level) {
        fail(mark(*f), fmt::format("{}: level {} needs {}", who, snmp::usm::name(*l),
                                   sec.auth == auth_protocol::none ? "auth_protocol and "
                                                                     "auth_passphrase"
                                                                   : "priv_protocol and "
                                                                     "priv_passphrase"));
      }
      sec.level = *l;
    }
    if (const entry* f = find(fields, "context")) sec.context = string_value(*f);
  }

  /// `enrich_options`: the enrichment stage's limits.
  void apply_enrich_options(const entry& e) {
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("enrich_options: a map {{max_in_flight_per_agent: 4, cache_ttl: "
                                "5m, ...}}, not {}",
                                kind_of(e.value)));
    }
    auto& x = o_.enrich_options;
    for (const auto& f : collect(e.value, " in enrich_options", enrich_option_keys)) {
      if (f.key == "max_in_flight_per_agent") {
        x.max_in_flight_per_agent = static_cast<std::size_t>(integer_value(f, 1, 1000));
      } else if (f.key == "max_queued_per_agent") {
        x.max_queued_per_agent = static_cast<std::size_t>(integer_value(f, 0, 10000000));
      } else if (f.key == "cache_ttl") {
        x.cache_ttl = duration_value(f);
      } else if (f.key == "max_cache_entries") {
        x.max_cache_entries = static_cast<std::size_t>(integer_value(f, 1, 100000000));
      } else if (f.key == "max_pending") {
        x.max_pending = static_cast<std::size_t>(integer_value(f, 1, 100000000));
      }
    }
  }

  // ---- locations and failures ----

  std::string at(const YAML::Mark& m) const {
    if (m.is_null()) return file_;
    return fmt::format("{}:{}:{}", file_, m.line + 1, m.column + 1);
  }

  [[noreturn]] void fail(const YAML::Mark& m, std::string_view msg) const {
    throw config_error(fmt::format("{}: {}", at(m), msg));
  }

  /// Where a value is: its own position, or its key's when it is empty (yaml-cpp places an empty
  /// value at the start of the next line).
  static YAML::Mark mark(const entry& e) {
    return e.value.IsNull() || e.value.Mark().is_null() ? e.key_node.Mark() : e.value.Mark();
  }

  // ---- maps ----

  /// The keys of a map, in order; rejects unknown and repeated keys. what: "" at the top level,
  /// " in a user", ...
  std::vector<entry> collect(const YAML::Node& map, std::string_view what,
                             std::span<const std::string_view> known) const {
    std::vector<entry> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // A copy: the iterator's pair is a temporary, so a reference to it->first would dangle.
      const YAML::Node k = it->first;
      if (!k.IsScalar()) {
        fail(k.Mark(), fmt::format("a key{} must be a single word, not {}", what, kind_of(k)));
      }
      const std::string& key = k.Scalar();
      if (!contains(known, key)) unknown_key(k, what, known);
      for (const auto& previous : out) {
        if (previous.key == key) {
          fail(k.Mark(), fmt::format("'{}'{} is given twice (first on line {}); keep one", key,
                                     what, previous.key_node.Mark().line + 1));
        }
      }
      out.push_back({key, k, it->second});
    }
    return out;
  }

  [[noreturn]] void unknown_key(const YAML::Node& k, std::string_view what,
                                std::span<const std::string_view> known) const {
    const std::string& key = k.Scalar();
    // "auth_passphrase:secret" or "auth_passphrase=secret" read as one key: do not show it.
    for (auto s : secret_keys) {
      if (key.size() > s.size() && key.starts_with(s)) {
        fail(k.Mark(),
             fmt::format("unknown key{} starting with '{}' (the rest is not shown: it may be a "
                         "secret); write '{}: VALUE', with a space after the ':'",
                         what, s, s));
      }
    }
    // Something that is not a key name (a passphrase written where a key belongs?): not shown.
    const bool key_like =
        key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        });
    if (!key_like) {
      fail(k.Mark(), fmt::format("unknown key{} (not shown: it does not look like a key name and "
                                 "may be a secret; known keys: {})",
                                 what, join(known)));
    }
    std::string hint;
    if (known.data() == top_keys.data() && contains(user_keys, key)) {
      hint = fmt::format("; '{}' belongs to a user: indent it under the user's '- name:' in users",
                         key);
    } else if (known.data() != top_keys.data() && contains(top_keys, key)) {
      hint = fmt::format("; '{}' is a top-level key: move it to the start of a line", key);
    } else if (auto near = detail::closest(key, known); !near.empty()) {
      hint = fmt::format("; did you mean '{}'?", near);
    }
    fail(k.Mark(),
         fmt::format("unknown key '{}'{}{} (known keys: {})", key, what, hint, join(known)));
  }

  // ---- typed values ----

  std::string string_value(const entry& e) const {
    if (!e.value.IsScalar()) {
      fail(mark(e), fmt::format("{}: expected a string, got {}", e.key, kind_of(e.value)));
    }
    return e.value.Scalar();
  }

  bool bool_value(const entry& e) const {
    if (e.value.IsScalar()) {
      const std::string& s = e.value.Scalar();
      for (auto t : {"true", "yes", "on"}) {
        if (detail::iequals(s, t)) return true;
      }
      for (auto f : {"false", "no", "off"}) {
        if (detail::iequals(s, f)) return false;
      }
      fail(mark(e), fmt::format("{}: expected true or false, got '{}'", e.key, s));
    }
    fail(mark(e), fmt::format("{}: expected true or false, got {}", e.key, kind_of(e.value)));
  }

  std::uint64_t integer_value(const entry& e, std::uint64_t lo, std::uint64_t hi) const {
    const std::string range = fmt::format("an integer from {} to {}", lo, hi);
    if (!e.value.IsScalar()) {
      fail(mark(e), fmt::format("{}: expected {}, got {}", e.key, range, kind_of(e.value)));
    }
    const std::string& s = e.value.Scalar();
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec == std::errc::result_out_of_range ||
        (ec == std::errc() && ptr == s.data() + s.size() && (v < lo || v > hi))) {
      fail(mark(e), fmt::format("{}: {} is out of range; expected {}", e.key, s, range));
    }
    if (ec != std::errc() || ptr != s.data() + s.size()) {
      fail(mark(e), fmt::format("{}: '{}' is not an integer; expected {}", e.key, s, range));
    }
    return v;
  }

  /// `sqlite`: a path, or a map {path, retention_age, retention_rows, synchronous} and the
  /// runner keys.
  void apply_sqlite(const entry& e) {
    pipeline::sinks::sqlite_options sq;
    if (e.value.IsScalar()) {
      sq.path = string_value(e);
      note("sqlite.path", mark(e));
    } else if (e.value.IsMap()) {
      sqlite_map(collect(e.value, " in sqlite", sqlite_keys), mark(e), "sqlite", "sqlite", sq,
                 o_.sqlite_settings);
    } else {
      fail(mark(e), fmt::format("sqlite: expected a database path or a map {{path: ..., "
                                "retention_age: 30d, ...}}, got {}",
                                kind_of(e.value)));
    }
    if (sq.path.empty()) fail(mark(e), "sqlite: the database path is empty");
    o_.sqlite = std::move(sq);
  }

  /// The keys of a SQLite sink's map (the top-level `sqlite` or a `sinks:` item) into sq and st.
  /// label names the sink in messages ("sqlite", "sink 'store'"); origin is the prefix of the
  /// keys noted in server_options::origins ("sqlite", "sinks.store"); where is the map's place.
  void sqlite_map(const std::vector<entry>& fields, const YAML::Mark& where,
                  const std::string& label, const std::string& origin,
                  pipeline::sinks::sqlite_options& sq, receiver::sink_settings& st) {
    const entry* path = find(fields, "path");
    if (path == nullptr) {
      fail(where, fmt::format("{}: the map needs 'path' (the database file, e.g. "
                              "/var/lib/trapsink/events.db)",
                              label));
    }
    sq.path = string_value(*path);
    if (sq.path.empty()) fail(mark(*path), fmt::format("{}: the database path is empty", label));
    note(origin + ".path", mark(*path));
    if (const entry* age = find(fields, "retention_age")) {
      sq.retention_age = long_duration_value(*age);
    }
    if (const entry* rows = find(fields, "retention_rows")) {
      sq.retention_rows = integer_value(
          *rows, 0, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    }
    if (const entry* sync = find(fields, "synchronous")) {
      const std::string v = string_value(*sync);
      if (detail::iequals(v, "normal")) {
        sq.synchronous = pipeline::sinks::sqlite_synchronous::normal;
      } else if (detail::iequals(v, "full")) {
        sq.synchronous = pipeline::sinks::sqlite_synchronous::full;
      } else {
        fail(mark(*sync), fmt::format("synchronous: '{}' is not normal or full (normal: a "
                                      "kill never loses a commit, a power loss may lose the "
                                      "last ones; full: an fsync per batch)",
                                      v));
      }
    }
    apply_sink_settings(fields, origin, st);
  }

  /// `kafka`: a map {brokers, topic, key, headers, properties, delivery_wait, flush_timeout,
  /// spool_dir, spool_max_bytes} (docs/kafka.md).
  void apply_kafka(const entry& e) {
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("kafka: expected a map {{brokers: HOST:PORT, topic: ..., ...}}, "
                                "got {}",
                                kind_of(e.value)));
    }
    pipeline::sinks::kafka_options ko;
    kafka_map(collect(e.value, " in kafka", kafka_keys), mark(e), "kafka", "kafka", ko,
              o_.kafka_settings);
    o_.kafka = std::move(ko);
  }

  /// The keys of a Kafka sink's map into ko and st (label, origin, where: as sqlite_map).
  void kafka_map(const std::vector<entry>& fields, const YAML::Mark& where,
                 const std::string& label, const std::string& origin,
                 pipeline::sinks::kafka_options& ko, receiver::sink_settings& st) {
    const entry* brokers = find(fields, "brokers");
    if (brokers == nullptr) {
      fail(where, fmt::format("{}: the map needs 'brokers' (bootstrap servers, e.g. "
                              "127.0.0.1:9092)",
                              label));
    }
    ko.brokers = string_value(*brokers);
    if (const entry* f = find(fields, "topic")) ko.topic = string_value(*f);
    if (const entry* f = find(fields, "key")) ko.key = string_value(*f);
    if (const entry* f = find(fields, "headers")) ko.headers = bool_value(*f);
    if (const entry* f = find(fields, "delivery_wait")) ko.delivery_wait = duration_value(*f);
    if (const entry* f = find(fields, "flush_timeout")) ko.flush_timeout = duration_value(*f);
    if (const entry* f = find(fields, "spool_dir")) {
      ko.spool_dir = string_value(*f);
      note(origin + ".spool_dir", mark(*f));
    }
    if (const entry* f = find(fields, "spool_max_bytes")) {
      ko.spool_max_bytes = integer_value(*f, 1024 * 1024, std::uint64_t{1} << 50);
    }
    std::map<std::string, YAML::Mark> property_marks;
    if (const entry* f = find(fields, "properties")) {
      if (!f->value.IsMap()) {
        fail(mark(*f), fmt::format("properties: expected a map of librdkafka properties, got {}",
                                   kind_of(f->value)));
      }
      for (auto it = f->value.begin(); it != f->value.end(); ++it) {
        const YAML::Node k = it->first;
        const YAML::Node v = it->second;
        if (!k.IsScalar() || !v.IsScalar()) {
          fail(k.Mark(), "properties: each entry is 'name: value' (librdkafka's configuration)");
        }
        ko.properties[k.Scalar()] = v.Scalar();
        property_marks[k.Scalar()] = v.Mark().is_null() ? k.Mark() : v.Mark();
        note(origin + ".properties." + k.Scalar(), property_marks[k.Scalar()]);
      }
    }
    try {
      pipeline::sinks::kafka_sink::validate(ko);
    } catch (const std::exception& x) {
      // Point at the property the message names ("kafka sink: property 'NAME': ..."), if any.
      const std::string what = x.what();
      YAML::Mark at_mark = where;
      for (const auto& [name, m] : property_marks) {
        if (what.find("property '" + name + "'") != std::string::npos) at_mark = m;
      }
      fail(at_mark, what);
    }
    apply_sink_settings(fields, origin, st);
  }

  /// `jsonl`: a path ("-": standard output; "none": off), or a map {path, rotate_size,
  /// rotate_interval, keep, compress, fsync} and the runner keys.
  void apply_jsonl(const entry& e) {
    if (e.value.IsScalar()) {
      const std::string path = string_value(e);
      if (path.empty()) {
        fail(mark(e), "jsonl: give a file path, \"-\" for standard output, or none");
      }
      if (path == receiver::jsonl_disabled) {
        o_.jsonl.reset();
      } else {
        o_.jsonl = pipeline::sinks::jsonl_options{.path = path};
        note("jsonl.path", mark(e));
      }
      return;
    }
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("jsonl: expected a path, \"-\", none or a map {{path: ..., "
                                "rotate_size: ..., ...}}, got {}",
                                kind_of(e.value)));
    }
    pipeline::sinks::jsonl_options j;
    jsonl_map(collect(e.value, " in jsonl", jsonl_keys), "jsonl", j, o_.jsonl_settings);
    o_.jsonl = std::move(j);
  }

  /// The keys of a JSON-lines sink's map into j and st (origin: as sqlite_map). A path not
  /// given leaves j.path as it is.
  void jsonl_map(const std::vector<entry>& fields, const std::string& origin,
                 pipeline::sinks::jsonl_options& j, receiver::sink_settings& st) {
    if (const entry* f = find(fields, "path")) {
      j.path = string_value(*f);
      if (j.path.empty()) fail(mark(*f), "path: give a file path, or \"-\" for standard output");
      if (j.path == receiver::jsonl_disabled) {
        fail(mark(*f), origin == "jsonl"
                           ? "path: to turn JSON lines off write 'jsonl: none' (not a map)"
                           : "path: 'none' is not a file; to turn this sink off remove it from "
                             "sinks");
      }
      note(origin + ".path", mark(*f));
    }
    if (j.path == "-") {
      for (auto key : jsonl_file_keys) {
        if (const entry* f = find(fields, key)) {
          fail(f->key_node.Mark(),
               fmt::format("{}: needs a file, but JSON lines go to standard output (path \"-\"); "
                           "give a path, or remove {}",
                           key, key));
        }
      }
    }
    if (const entry* f = find(fields, "rotate_size")) {
      j.rotate_size = integer_value(*f, 0, max_rotate_size);
      note(origin + ".rotate_size", mark(*f));
    }
    if (const entry* f = find(fields, "rotate_interval")) {
      const auto d = bounded_duration(*f, max_rotate_interval, "366d");
      if (d.count() != 0 && d < std::chrono::seconds(1)) {
        fail(mark(*f), fmt::format("rotate_interval: {} is shorter than a second; give 0 "
                                   "(never) or at least 1s",
                                   f->value.Scalar()));
      }
      j.rotate_interval = std::chrono::duration_cast<std::chrono::seconds>(d);
      note(origin + ".rotate_interval", mark(*f));
    }
    if (const entry* f = find(fields, "keep")) {
      j.keep = static_cast<std::size_t>(integer_value(*f, 1, max_keep));
    }
    if (const entry* f = find(fields, "compress")) {
      j.compress = bool_value(*f);
      note(origin + ".compress", mark(*f));
    }
    if (const entry* f = find(fields, "fsync")) {
      const std::string v = string_value(*f);
      if (detail::iequals(v, "never")) {
        j.fsync = pipeline::sinks::jsonl_options::fsync_policy::never;
      } else if (detail::iequals(v, "batch")) {
        j.fsync = pipeline::sinks::jsonl_options::fsync_policy::batch;
      } else {
        fail(mark(*f), fmt::format("fsync: '{}' is not never or batch (batch: fdatasync after "
                                   "every batch)",
                                   v));
      }
      note(origin + ".fsync", mark(*f));
    }
    apply_sink_settings(fields, origin, st);
  }

  /// `sinks`: a list of named sinks {name, type, and the keys of that type's map}. Replaces
  /// the list. Names are unique within it (validate() compares them with the top-level sinks,
  /// which flags may still turn on, and compares the files the sinks write).
  void apply_sinks(const entry& e) {
    if (!e.value.IsSequence()) {
      fail(mark(e), fmt::format("sinks: expected a list of sinks (- name: ..., type: jsonl, "
                                "sqlite or kafka, ...), got {}",
                                kind_of(e.value)));
    }
    o_.sinks.clear();
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : e.value) o_.sinks.push_back(load_sink(e, item, seen));
  }

  receiver::named_sink load_sink(const entry& list, const YAML::Node& item,
                                 std::map<std::string, YAML::Mark>& seen) {
    if (!item.IsMap()) {
      fail(item.Mark().is_null() ? mark(list) : item.Mark(),
           fmt::format("sinks: each sink is a map {{name: ..., type: jsonl, sqlite or kafka, "
                       "...}}, not {}",
                       kind_of(item)));
    }
    // The type decides which keys are known: find it first.
    std::optional<entry> type;
    for (auto it = item.begin(); it != item.end() && !type; ++it) {
      const YAML::Node k = it->first;
      if (k.IsScalar() && k.Scalar() == "type") type = entry{"type", k, it->second};
    }
    if (!type) fail(item.Mark(), "sinks: a sink needs 'type' (jsonl, sqlite or kafka)");
    const std::string t = string_value(*type);
    std::span<const std::string_view> keys;
    if (t == "jsonl") {
      keys = named_jsonl_keys;
    } else if (t == "sqlite") {
      keys = named_sqlite_keys;
    } else if (t == "kafka") {
      keys = named_kafka_keys;
    } else {
      fail(mark(*type), fmt::format("type: '{}' is not jsonl, sqlite or kafka", t));
    }
    const auto fields = collect(item, fmt::format(" in a {} sink", t), keys);
    const entry* name_entry = find(fields, "name");
    if (name_entry == nullptr) {
      fail(item.Mark(), "sinks: a sink needs 'name' (what routes and default_sinks call it)");
    }
    receiver::named_sink ns;
    ns.name = string_value(*name_entry);
    const bool name_ok =
        !ns.name.empty() && std::all_of(ns.name.begin(), ns.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
                 c == '-';
        });
    if (!name_ok) {
      fail(mark(*name_entry), fmt::format("name: '{}' is not a sink name; use letters, digits, "
                                          "'_', '.' and '-'",
                                          ns.name));
    }
    if (auto it = seen.find(ns.name); it != seen.end()) {
      fail(mark(*name_entry), fmt::format("name: sink '{}' is given twice (first on line {}); "
                                          "give each sink its own name",
                                          ns.name, it->second.line + 1));
    }
    seen.emplace(ns.name, mark(*name_entry));
    const std::string label = fmt::format("sink '{}'", ns.name);
    const std::string origin = "sinks." + ns.name;
    note(origin + ".name", mark(*name_entry));
    ns.settings = receiver::default_sink_settings(t);
    if (t == "jsonl") {
      if (find(fields, "path") == nullptr) {
        fail(item.Mark(), fmt::format("{}: a jsonl sink needs 'path' (the file, or \"-\" for "
                                      "standard output)",
                                      label));
      }
      pipeline::sinks::jsonl_options j;
      jsonl_map(fields, origin, j, ns.settings);
      ns.options = std::move(j);
    } else if (t == "sqlite") {
      pipeline::sinks::sqlite_options sq;
      sqlite_map(fields, item.Mark(), label, origin, sq, ns.settings);
      ns.options = std::move(sq);
    } else {
      pipeline::sinks::kafka_options ko;
      kafka_map(fields, item.Mark(), label, origin, ko, ns.settings);
      ns.options = std::move(ko);
    }
    return ns;
  }

  /// The runner keys of a sink map: queue_capacity, overflow, block_timeout, durable. Keys not
  /// given keep s's values.
  void apply_sink_settings(const std::vector<entry>& fields, const std::string& origin,
                           receiver::sink_settings& s) {
    if (const entry* f = find(fields, "queue_capacity")) {
      s.queue_capacity = static_cast<std::size_t>(integer_value(*f, 1, max_queue_capacity));
    }
    if (const entry* f = find(fields, "overflow")) {
      const std::string v = string_value(*f);
      if (detail::iequals(v, "drop_newest")) {
        s.overflow = pipeline::sink_runner_options::overflow_policy::drop_newest;
      } else if (detail::iequals(v, "block")) {
        s.overflow = pipeline::sink_runner_options::overflow_policy::block;
      } else {
        fail(mark(*f), fmt::format("overflow: '{}' is not drop_newest or block (what a full queue "
                                   "does to a trap: refuse it at once, or wait up to "
                                   "block_timeout)",
                                   v));
      }
    }
    if (const entry* f = find(fields, "block_timeout")) {
      s.block_timeout = bounded_duration(*f, max_block_timeout, "60s");
    }
    if (const entry* f = find(fields, "durable")) {
      s.durable = bool_value(*f);
      note(origin + ".durable", mark(*f));
    }
  }

  /// Remember where the file set a value (server_options::origins).
  void note(const std::string& key, const YAML::Mark& m) { o_.origins[key] = at(m); }

  /// A number (rates).
  double number_value(const entry& e, double lo, double hi) const {
    const std::string text = string_value(e);
    double v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) {
      fail(mark(e), fmt::format("{}: '{}' is not a number from {:g} to {:g}", e.key, text, lo, hi));
    }
    return v;
  }

  /// An OID pattern: "1.3.6.1.6.3.1.1.5" (exact) or "1.3.6.1.6.3.1.1.5.*" (that subtree).
  pipeline::oid_pattern oid_pattern_of(const std::string& text, const YAML::Mark& m,
                                       bool subtree) const {
    std::string_view t = text;
    if (t.size() > 2 && t.substr(t.size() - 2) == ".*") {
      t.remove_suffix(2);
      subtree = true;
    }
    auto id = snmp::ber::oid::parse(t);
    if (!id || id->size() < 2) {
      fail(m, fmt::format("'{}' is not a dotted OID (e.g. 1.3.6.1.6.3.1.1.5.3, or "
                          "1.3.6.1.6.3.1.1.5.* for the subtree)",
                          text));
    }
    return {*id, subtree};
  }

  /// `routes`: a list of {name, match, sinks | drop, continue} (docs/configuration.md).
  void apply_routes(const entry& e) {
    if (!e.value.IsSequence()) {
      fail(mark(e), fmt::format("routes: expected a list of routes, got {}", kind_of(e.value)));
    }
    std::size_t n = 0;
    for (const auto& item : e.value) {
      ++n;
      if (!item.IsMap()) {
        fail(item.Mark(), fmt::format("routes: each route is a map {{name, match, sinks}}, not {}",
                                      kind_of(item)));
      }
      const auto fields = collect(item, " in a route", route_keys);
      pipeline::route r;
      r.name = fmt::format("route{}", n);
      if (const entry* f = find(fields, "name")) r.name = string_value(*f);
      if (const entry* f = find(fields, "drop")) r.drop = bool_value(*f);
      if (const entry* f = find(fields, "continue")) r.next = bool_value(*f);
      if (const entry* f = find(fields, "sinks")) {
        for (auto& [name, m] : string_list(*f, true, "[kafka, sqlite]")) r.sinks.push_back(name);
      }
      if (r.drop == !r.sinks.empty()) {
        fail(item.Mark(), fmt::format("route '{}': give either 'sinks' (where matching records "
                                      "go) or 'drop: true'",
                                      r.name));
      }
      if (const entry* f = find(fields, "match")) r.when = match_of(*f, r.name);
      o_.pipeline.routes.push_back(std::move(r));
    }
  }

  pipeline::route_match match_of(const entry& e, const std::string& route) const {
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("route '{}': match is a map of conditions, not {}", route,
                                kind_of(e.value)));
    }
    pipeline::route_match m;
    const auto fields = collect(e.value, " in a route's match", match_keys);
    if (const entry* f = find(fields, "source")) m.sources = cidr_list(*f);
    if (const entry* f = find(fields, "version")) {
      for (auto& [v, at] : string_list(*f, true, "[\"2c\", \"3\"]")) {
        if (v != "1" && v != "2c" && v != "3")
          fail(at, fmt::format("version: '{}' is not 1, 2c or 3", v));
        m.versions.push_back(v);
      }
    }
    if (const entry* f = find(fields, "community")) {
      for (auto& [v, at] : string_list(*f, true, "[public]")) m.communities.push_back(v);
    }
    if (const entry* f = find(fields, "user")) {
      for (auto& [v, at] : string_list(*f, true, "[netops]")) m.users.push_back(v);
    }
    if (const entry* f = find(fields, "trap")) {
      for (auto& [v, at] : string_list(*f, true, "[\"1.3.6.1.6.3.1.1.5.*\"]")) {
        m.traps.push_back(oid_pattern_of(v, at, false));
      }
    }
    if (const entry* f = find(fields, "varbinds")) {
      if (!f->value.IsSequence()) {
        fail(mark(*f), "varbinds: a list of {oid, equals | not_equals | range | regex}");
      }
      for (const auto& vb : f->value) {
        if (!vb.IsMap()) fail(vb.Mark(), "varbinds: each condition is a map {oid, equals: ...}");
        const auto vf = collect(vb, " in a varbind condition", varbind_match_keys);
        const entry* oid = find(vf, "oid");
        if (oid == nullptr) fail(vb.Mark(), "a varbind condition needs 'oid'");
        const bool subtree = find(vf, "subtree") != nullptr && bool_value(*find(vf, "subtree"));
        auto name = oid_pattern_of(string_value(*oid), mark(*oid), subtree);
        pipeline::varbind_condition c;
        int ops = 0;
        if (const entry* x = find(vf, "equals")) {
          c.how = pipeline::varbind_condition::op::equals;
          c.text = string_value(*x);
          ++ops;
        }
        if (const entry* x = find(vf, "not_equals")) {
          c.how = pipeline::varbind_condition::op::not_equals;
          c.text = string_value(*x);
          ++ops;
        }
        if (const entry* x = find(vf, "range")) {
          if (!x->value.IsSequence() || x->value.size() != 2) {
            fail(mark(*x), "range: two numbers [MIN, MAX], inclusive");
          }
          c.how = pipeline::varbind_condition::op::range;
          c.min = number_value({"range", x->value[0], x->value[0]}, -1e300, 1e300);
          c.max = number_value({"range", x->value[1], x->value[1]}, -1e300, 1e300);
          ++ops;
        }
        if (const entry* x = find(vf, "regex")) {
          try {
            c = pipeline::varbind_condition::regex(name, string_value(*x));
          } catch (const std::invalid_argument& err) {
            fail(mark(*x), fmt::format("regex: {}", err.what()));
          }
          ++ops;
        }
        if (ops != 1) {
          fail(vb.Mark(),
               "a varbind condition has exactly one of equals, not_equals, range, regex");
        }
        c.name = name;
        m.varbinds.push_back(std::move(c));
      }
    }
    return m;
  }

  /// `dedup`: {window, key, max_keys}.
  void apply_dedup(const entry& e) {
    if (!e.value.IsMap()) fail(mark(e), "dedup: a map {window: 60s, key: [source, trap_oid]}");
    pipeline::dedup_options d;
    const auto fields = collect(e.value, " in dedup", dedup_keys);
    if (const entry* f = find(fields, "window")) d.window = duration_value(*f);
    if (const entry* f = find(fields, "key")) {
      d.key_fields.clear();
      for (auto& [k, m] : string_list(*f, true, "[source, trap_oid, varbinds]")) {
        d.key_fields.push_back(k);
      }
    }
    if (const entry* f = find(fields, "max_keys")) d.max_keys = integer_value(*f, 1, 100000000);
    try {
      core::metrics_registry scratch;
      pipeline::deduplicator check(d, scratch);
    } catch (const std::invalid_argument& err) {
      fail(mark(e), fmt::format("dedup: {}", err.what()));
    }
    o_.pipeline.dedup = std::move(d);
  }

  /// `rate_limit`: {per_source, per_source_burst, per_trap, per_trap_burst, summary_interval}.
  void apply_rate_limit(const entry& e) {
    if (!e.value.IsMap()) fail(mark(e), "rate_limit: a map {per_source: 100, per_trap: 1000}");
    pipeline::rate_limit_options r;
    const auto fields = collect(e.value, " in rate_limit", rate_limit_keys);
    if (const entry* f = find(fields, "per_source")) r.per_source_rate = number_value(*f, 0, 1e9);
    if (const entry* f = find(fields, "per_source_burst"))
      r.per_source_burst = number_value(*f, 0, 1e9);
    if (const entry* f = find(fields, "per_trap")) r.per_trap_rate = number_value(*f, 0, 1e9);
    if (const entry* f = find(fields, "per_trap_burst"))
      r.per_trap_burst = number_value(*f, 0, 1e9);
    if (const entry* f = find(fields, "summary_interval")) r.summary_interval = duration_value(*f);
    if (const entry* f = find(fields, "max_keys")) r.max_keys = integer_value(*f, 1, 100000000);
    o_.pipeline.rate_limit = r;
  }

  /// A duration that may be long (retention): "30d", "12h", "0" (none); at most 100 years.
  std::chrono::milliseconds long_duration_value(const entry& e) const {
    if (!e.value.IsScalar()) {
      fail(mark(e), fmt::format("{}: expected a duration like \"30d\", \"12h\" or 0, got {}", e.key,
                                kind_of(e.value)));
    }
    std::chrono::milliseconds d{};
    try {
      d = parse_duration(e.value.Scalar());
    } catch (const config_error& x) {
      fail(mark(e), fmt::format("{}: {}, 30d (days); 0 keeps events forever", e.key, x.what()));
    }
    if (d > max_retention_age) {
      fail(mark(e), fmt::format("{}: {} is longer than 100 years; give 0 to keep events forever",
                                e.key, e.value.Scalar()));
    }
    return d;
  }

  /// A duration up to `max` (spelled max_text in the message).
  std::chrono::milliseconds bounded_duration(const entry& e, std::chrono::milliseconds max,
                                             std::string_view max_text) const {
    if (!e.value.IsScalar()) {
      fail(mark(e), fmt::format("{}: expected a number of seconds or a duration like \"60s\", "
                                "\"500ms\", \"1h\", got {}",
                                e.key, kind_of(e.value)));
    }
    std::chrono::milliseconds d{};
    try {
      d = parse_duration(e.value.Scalar());
    } catch (const config_error& x) {
      fail(mark(e), fmt::format("{}: {}", e.key, x.what()));
    }
    if (d > max) {
      fail(mark(e), fmt::format("{}: {} is longer than {}, the most accepted", e.key,
                                e.value.Scalar(), max_text));
    }
    return d;
  }

  std::chrono::milliseconds duration_value(const entry& e) const {
    return bounded_duration(e, max_duration, "a day (86400 seconds)");
  }

  /// A list of strings with their positions; a single string counts as a list of one when
  /// scalar_ok.
  std::vector<std::pair<std::string, YAML::Mark>> string_list(const entry& e, bool scalar_ok,
                                                              std::string_view example) const {
    std::vector<std::pair<std::string, YAML::Mark>> out;
    if (scalar_ok && e.value.IsScalar()) {
      out.emplace_back(e.value.Scalar(), e.value.Mark());
      return out;
    }
    if (!e.value.IsSequence()) {
      fail(mark(e),
           fmt::format("{}: expected a list, e.g. {}, got {}", e.key, example, kind_of(e.value)));
    }
    for (const auto& item : e.value) {
      if (!item.IsScalar()) {
        fail(item.Mark().is_null() ? mark(e) : item.Mark(),
             fmt::format("{}: each item must be a string, e.g. {}, not {}", e.key, example,
                         kind_of(item)));
      }
      out.emplace_back(item.Scalar(), item.Mark());
    }
    return out;
  }

  std::vector<core::cidr> cidr_list(const entry& e) const {
    std::vector<core::cidr> out;
    for (const auto& [text, m] : string_list(e, true, "[10.0.0.0/8, \"2001:db8::/32\"]")) {
      auto c = core::cidr::parse(text);
      if (!c) {
        fail(m, fmt::format("{}: '{}' is not an address or an ADDR/LEN prefix (e.g. 192.0.2.7, "
                            "10.0.0.0/8, 2001:db8::/32)",
                            e.key, text));
      }
      out.push_back(std::move(*c));
    }
    return out;
  }

  // ---- keys ----

  void apply_listen(const entry& e) {
    auto items = string_list(e, true, "[\"udp:0.0.0.0:162\", \"udp6:[::]:162\"]");
    if (items.empty()) {
      fail(mark(e),
           "listen: the list is empty; give at least one address, e.g. "
           "[\"udp:0.0.0.0:162\"]");
    }
    o_.listeners.clear();
    for (const auto& [text, m] : items) {
      try {
        o_.listeners.push_back(receiver::parse_listen_address(text));
      } catch (const std::invalid_argument& x) {
        fail(m, x.what());
      }
    }
  }

  void apply_communities(const entry& e) {
    if (!e.value.IsSequence()) {
      fail(mark(e), fmt::format("communities: expected a list of community strings or "
                                "{{name: ..., allow_from: [...]}} maps, got {} (an empty list [] "
                                "accepts no community)",
                                kind_of(e.value)));
    }
    o_.communities.communities.clear();
    for (const auto& item : e.value) {
      if (item.IsScalar()) {
        o_.communities.communities.push_back({item.Scalar(), {}});
        continue;
      }
      if (!item.IsMap()) {
        fail(item.Mark().is_null() ? mark(e) : item.Mark(),
             fmt::format("communities: each item is a community string or a map {{name: ..., "
                         "allow_from: [...]}}, not {}",
                         kind_of(item)));
      }
      const auto fields = collect(item, " in a community", community_keys);
      receiver::community_entry c;
      const entry* name = find(fields, "name");
      if (name == nullptr) {
        fail(item.Mark(), "communities: a community map needs 'name' (the community string)");
      }
      c.name = string_value(*name);
      if (const entry* allow = find(fields, "allow_from")) c.allow_from = cidr_list(*allow);
      o_.communities.communities.push_back(std::move(c));
    }
  }

  /// `http`: {listen, token | token_file, max_connections, max_stream_clients}
  /// (docs/http.md). A relative token_file is taken relative to the file's directory; it is read
  /// by validate(), so a flag can still change the address first.
  void apply_http(const entry& e) {
    if (!e.value.IsMap()) {
      fail(mark(e), fmt::format("http: expected a map {{listen: 127.0.0.1:8162, token_file: "
                                "...}}, got {}",
                                kind_of(e.value)));
    }
    http::http_options h = o_.http.value_or(http::http_options{});
    note("http", mark(e));
    for (const auto& f : collect(e.value, " in http", http_keys)) {
      if (f.key == "listen") {
        try {
          h.listen = http::parse_http_endpoint(string_value(f));
        } catch (const http::http_config_error& x) {
          fail(mark(f), fmt::format("http.listen: {}", x.what()));
        }
        note("http.listen", mark(f));
      } else if (f.key == "token") {
        h.token = string_value(f);
        try {
          http::check_token(h.token);
        } catch (const http::http_config_error& x) {
          fail(mark(f), fmt::format("http.token: {}", x.what()));
        }
      } else if (f.key == "token_file") {
        std::filesystem::path p = string_value(f);
        if (p.empty()) fail(mark(f), "http.token_file: the path is empty");
        if (p.is_relative()) p = dir_ / p;
        h.token_file = p.string();
        note("http.token_file", mark(f));
      } else if (f.key == "max_connections") {
        h.max_connections = static_cast<std::size_t>(integer_value(f, 1, 10000));
      } else {
        h.max_stream_clients = static_cast<std::size_t>(integer_value(f, 1, 1000));
      }
    }
    if (!h.token.empty() && !h.token_file.empty()) {
      fail(mark(e), "http: give token or token_file, not both");
    }
    o_.http = std::move(h);
  }

  void apply_users_from(const entry& e) {
    for (const auto& [text, m] : string_list(e, true, "[/etc/snmp/snmptrapd.conf]")) {
      if (text.empty()) fail(m, "users_from: the path is empty");
      std::filesystem::path p(text);
      if (p.is_relative()) p = dir_ / p;
      const std::string path = p.string();
      std::string why;
      auto content = detail::read_text_file(path, why);
      if (!content) fail(m, fmt::format("users_from: cannot read '{}': {}", path, why));
      auto users = parse_netsnmp_users(*content, path);
      if (users.empty()) {
        spdlog::warn("{}: users_from '{}' has no createUser line", at(m), path);
      }
      for (auto& u : users) o_.users.push_back(std::move(u));
    }
  }

  void apply_users(const entry& e) {
    if (!e.value.IsSequence()) {
      fail(mark(e), fmt::format("users: expected a list of users (- name: ..., auth_protocol: "
                                "..., ...), got {}",
                                kind_of(e.value)));
    }
    for (const auto& item : e.value) o_.users.push_back(load_user(e, item));
  }

  user_config load_user(const entry& list, const YAML::Node& item) const {
    if (!item.IsMap()) {
      fail(item.Mark().is_null() ? mark(list) : item.Mark(),
           fmt::format("users: each user is a map with at least 'name', not {}", kind_of(item)));
    }
    const auto fields = collect(item, " in a user", user_keys);
    user_config u;
    u.origin = fmt::format("{}:{}", file_, item.Mark().line + 1);
    const entry* name = find(fields, "name");
    if (name == nullptr) {
      fail(item.Mark(), "users: a user needs 'name' (its user name, 1 to 32 octets)");
    }
    u.name = string_value(*name);
    if (u.name.empty() || u.name.size() > 32) {
      fail(mark(*name),
           fmt::format("name: a user name is 1 to 32 octets, this one is {}", u.name.size()));
    }
    const std::string who = fmt::format("user '{}'", u.name);

    const entry* auth = find(fields, "auth_protocol");
    if (auth != nullptr) {
      const std::string s = string_value(*auth);
      auto p = snmp::usm::parse_auth_protocol(s);
      if (!p) {
        fail(mark(*auth), fmt::format("{}: auth_protocol '{}' is not known; use one of {}", who, s,
                                      detail::auth_protocol_names()));
      }
      u.auth = *p;
    }
    const entry* priv = find(fields, "priv_protocol");
    if (priv != nullptr) {
      const std::string s = string_value(*priv);
      auto p = snmp::usm::parse_priv_protocol(s);
      if (!p) {
        fail(mark(*priv), fmt::format("{}: priv_protocol '{}' is not known; use one of {}", who, s,
                                      detail::priv_protocol_names()));
      }
      u.priv = *p;
    }
    if (u.priv != priv_protocol::none && u.auth == auth_protocol::none) {
      fail(mark(*priv), fmt::format("{}: priv_protocol needs auth_protocol too (USM has no "
                                    "privacy without authentication): add auth_protocol and an "
                                    "authentication key",
                                    who));
    }
    u.auth_key = load_key(fields, "auth", u.auth, priv_protocol::none,
                          u.auth != auth_protocol::none, who, item);
    u.priv_key = load_key(fields, "priv", u.auth, u.priv, u.priv != priv_protocol::none, who, item);
    detail::normalize_priv_key(u.priv_key, u.auth);

    if (const entry* level = find(fields, "min_level")) {
      const std::string s = string_value(*level);
      auto l = snmp::usm::parse_security_level(s);
      if (!l) {
        fail(mark(*level), fmt::format("{}: min_level '{}' is not one of noAuthNoPriv, "
                                       "authNoPriv, authPriv",
                                       who, s));
      }
      if (*l > u.max_level()) {
        fail(mark(*level),
             fmt::format("{}: min_level {} is higher than its keys allow ({}); {} or lower "
                         "min_level",
                         who, snmp::usm::name(*l), snmp::usm::name(u.max_level()),
                         u.auth == auth_protocol::none
                             ? "add auth_protocol and an authentication key"
                             : "add priv_protocol and a privacy key"));
      }
      u.min_level = *l;
    }
    if (const entry* ids = find(fields, "engine_ids")) {
      for (const auto& [text, m] : string_list(*ids, true, "[80001f8880e9630000d61ff449]")) {
        std::string why;
        auto id = detail::parse_engine_id_text(text, why);
        if (!id) fail(m, fmt::format("{}: engine_ids: '{}': {}", who, text, why));
        if (std::find(u.engine_ids.begin(), u.engine_ids.end(), *id) == u.engine_ids.end()) {
          u.engine_ids.push_back(std::move(*id));
        }
      }
      const bool localized = u.auth_key.how == key_source::kind::localized_key ||
                             u.priv_key.how == key_source::kind::localized_key;
      if (localized && u.engine_ids.size() > 1) {
        fail(mark(*ids),
             fmt::format("{}: a localized key is bound to one engine ID, but engine_ids lists {}; "
                         "give only the engine ID the key was localized for, or use a passphrase "
                         "or master key (localized for each engine)",
                         who, u.engine_ids.size()));
      }
    }
    if (const entry* allow = find(fields, "allow_from")) u.allow_from = cidr_list(*allow);
    if (const entry* replay = find(fields, "replay_protection")) {
      u.replay_protection = bool_value(*replay);
    }
    return u;
  }

  /// The {prefix}_passphrase / _master_key / _localized_key of a user: exactly one when the
  /// protocol is set, none when it is not. Never repeats the value.
  key_source load_key(const std::vector<entry>& fields, std::string_view prefix, auth_protocol auth,
                      priv_protocol priv, bool protocol_set, const std::string& who,
                      const YAML::Node& item) const {
    const entry* given = nullptr;
    for (std::string_view kind : {"passphrase", "master_key", "localized_key"}) {
      const entry* f = find(fields, fmt::format("{}_{}", prefix, kind));
      if (f == nullptr) continue;
      if (!protocol_set) {
        fail(f->key_node.Mark(),
             fmt::format("{}: {} is given but {}_protocol is not; set {}_protocol or remove {}",
                         who, f->key, prefix, prefix, f->key));
      }
      if (given != nullptr) {
        fail(f->key_node.Mark(),
             fmt::format("{}: give only one of {p}_passphrase, {p}_master_key and "
                         "{p}_localized_key ({} and {} are both given)",
                         who, given->key, f->key, fmt::arg("p", prefix)));
      }
      given = f;
    }
    key_source out;
    if (!protocol_set) return out;
    const std::string protocol(prefix == "auth" ? snmp::usm::name(auth) : snmp::usm::name(priv));
    if (given == nullptr) {
      fail(item.Mark(),
           fmt::format("{}: {p}_protocol {} needs one of {p}_passphrase, {p}_master_key or "
                       "{p}_localized_key",
                       who, protocol, fmt::arg("p", prefix)));
    }
    if (!given->value.IsScalar()) {
      fail(mark(*given), fmt::format("{}: {}: expected a string, got {}", who, given->key,
                                     kind_of(given->value)));
    }
    const std::string& text = given->value.Scalar();
    if (given->key.ends_with("passphrase")) {
      if (text.size() < detail::min_passphrase_length) {
        fail(mark(*given),
             fmt::format("{}: {} is shorter than {} characters (Net-SNMP refuses it too; RFC 3414 "
                         "§11.2 recommends at least {}); quote it if it contains \" #\"",
                         who, given->key, detail::min_passphrase_length,
                         detail::min_passphrase_length));
      }
      out.how = key_source::kind::passphrase;
      out.passphrase = text;
      return out;
    }
    std::string why;
    auto key = detail::parse_hex(text, why);
    if (!key) fail(mark(*given), fmt::format("{}: {}: {}", who, given->key, why));
    out.how = given->key.ends_with("master_key") ? key_source::kind::master_key
                                                 : key_source::kind::localized_key;
    const auto lengths = detail::allowed_key_lengths(out.how, auth, priv);
    if (std::find(lengths.begin(), lengths.end(), key->size()) == lengths.end()) {
      fail(mark(*given),
           fmt::format("{}: {} must be {} with {}{}, not {} octets", who, given->key,
                       detail::describe_lengths(lengths), snmp::usm::name(auth),
                       priv == priv_protocol::none ? std::string()
                                                   : fmt::format(" and {}", snmp::usm::name(priv)),
                       key->size()));
    }
    out.key = std::move(*key);
    return out;
  }

  std::string file_;
  std::filesystem::path dir_;
  receiver::server_options& o_;
};

}  // namespace

void apply_config_file(const std::string& path, receiver::server_options& o) {
  std::string why;
  auto text = detail::read_text_file(path, why);
  if (!text) {
    throw config_error(fmt::format("{}: cannot read the configuration file: {}", path, why));
  }
  loader(path, o).load(*text);
}

namespace {

/// The most sinks that can be on (the router keeps one bit per sink).
constexpr std::size_t max_sinks = 64;

/// "FILE:LINE:COL: " where the configuration file set key, or "" (a flag, or a default).
std::string origin_of(const receiver::server_options& o, const std::string& key) {
  auto it = o.origins.find(key);
  return it == o.origins.end() ? std::string() : it->second + ": ";
}

/// A path as compared between sinks: absolute, symbolic links resolved as far as they exist.
std::string comparable_path(const std::string& path) {
  if (path == "-") return path;
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec).lexically_normal();
  if (!p.has_filename() && p != p.root_path()) p = p.parent_path();  // "spool/" is "spool"
  return p.string();
}

/// Two sinks must not write the same JSON-lines file (or both standard output), the same SQLite
/// database or the same Kafka spool directory.
void check_shared_files(const receiver::server_options& o) {
  struct target {
    std::string_view what;  // "JSON-lines file", ...
    std::string path;       // as configured
    std::string sink;       // its name
    std::string key;        // its origins key
  };
  std::vector<target> targets;
  if (o.jsonl) targets.push_back({"JSON-lines file", o.jsonl->path, "jsonl", "jsonl.path"});
  if (o.sqlite) targets.push_back({"SQLite database", o.sqlite->path, "sqlite", "sqlite.path"});
  if (o.kafka && !o.kafka->spool_dir.empty()) {
    targets.push_back({"Kafka spool directory", o.kafka->spool_dir, "kafka", "kafka.spool_dir"});
  }
  for (const auto& ns : o.sinks) {
    const std::string prefix = "sinks." + ns.name;
    if (const auto* j = std::get_if<pipeline::sinks::jsonl_options>(&ns.options)) {
      targets.push_back({"JSON-lines file", j->path, ns.name, prefix + ".path"});
    } else if (const auto* sq = std::get_if<pipeline::sinks::sqlite_options>(&ns.options)) {
      targets.push_back({"SQLite database", sq->path, ns.name, prefix + ".path"});
    } else if (const auto* k = std::get_if<pipeline::sinks::kafka_options>(&ns.options);
               k != nullptr && !k->spool_dir.empty()) {
      targets.push_back({"Kafka spool directory", k->spool_dir, ns.name, prefix + ".spool_dir"});
    }
  }
  std::vector<std::string> compared;
  for (const auto& t : targets) compared.push_back(comparable_path(t.path));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (targets[i].what != targets[k].what || compared[i] != compared[k]) continue;
      throw config_error(fmt::format(
          "{}sink '{}': the {} '{}' is also used by sink '{}'; give each sink its own{}",
          origin_of(o, targets[i].key), targets[i].sink, targets[i].what, targets[i].path,
          targets[k].sink,
          targets[i].path == "-" ? " (only one JSON-lines sink can write to standard output)"
                                 : ""));
    }
  }
}

}  // namespace

void validate(receiver::server_options& o) {
  // user/group name accounts of this machine (docs/operations.md).
  if (!o.group.empty() && o.user.empty()) {
    throw config_error("group: '" + o.group + "' needs user: (or --user) too");
  }
  if (!o.user.empty()) {
    try {
      (void)service::resolve_identity(o.user, o.group);
    } catch (const std::runtime_error& e) {
      throw config_error(e.what());
    }
  }
  if (o.http) {
    try {
      if (!o.http->token_file.empty() && o.http->token.empty()) {
        o.http->token = http::read_token_file(o.http->token_file);
      }
      http::validate(*o.http);
    } catch (const http::http_config_error& e) {
      const auto where = o.origins.find("http");
      throw config_error(where == o.origins.end() ? e.what()
                                                  : fmt::format("{}: {}", where->second, e.what()));
    }
  }
  if (o.listeners.empty()) {
    throw config_error(
        "no listen address: give at least one (--listen udp:ADDR:PORT, or 'listen:' in the "
        "configuration file)");
  }
  // Routes may only name sinks that are on: jsonl (unless none), sqlite, kafka, the named ones.
  std::vector<std::string> sinks;
  if (o.jsonl) sinks.emplace_back("jsonl");
  if (o.sqlite) sinks.emplace_back("sqlite");
  if (o.kafka) sinks.emplace_back("kafka");
  for (const auto& ns : o.sinks) {
    if (std::find(sinks.begin(), sinks.end(), ns.name) != sinks.end()) {
      throw config_error(fmt::format(
          "{}sinks: the name '{}' is taken by the top-level '{}' sink, which is on; give the "
          "named sink another name",
          origin_of(o, "sinks." + ns.name + ".name"), ns.name, ns.name));
    }
    sinks.push_back(ns.name);
  }
  if (sinks.size() > max_sinks) {
    throw config_error(
        fmt::format("{} sinks are on; at most {} are supported", sinks.size(), max_sinks));
  }
  check_shared_files(o);
  auto check = [&](const std::vector<std::string>& names, const std::string& where) {
    for (const auto& n : names) {
      if (std::find(sinks.begin(), sinks.end(), n) == sinks.end()) {
        throw config_error(fmt::format("{} sends to sink '{}', which is not on (on: {})", where, n,
                                       fmt::join(sinks, ", ")));
      }
    }
  };
  for (const auto& r : o.pipeline.routes) check(r.sinks, "route '" + r.name + "'");
  if (o.pipeline.default_sinks) check(*o.pipeline.default_sinks, "default_sinks");
  if (sinks.empty()) {
    throw config_error(
        "no output: JSON lines are turned off (jsonl: none) and neither a SQLite database nor "
        "Kafka nor a named sink (sinks:) is given; give --sqlite FILE, --kafka-brokers "
        "HOST:PORT or a --jsonl file");
  }
  if (o.jsonl && o.jsonl->path == "-") {
    // The loader refuses these next to path "-"; --jsonl - can still meet them.
    const auto& j = *o.jsonl;
    const char* key = j.rotate_size > 0               ? "rotate_size"
                      : j.rotate_interval.count() > 0 ? "rotate_interval"
                      : j.compress                    ? "compress"
                      : j.fsync != pipeline::sinks::jsonl_options::fsync_policy::never ? "fsync"
                                                                                       : nullptr;
    if (key != nullptr) {
      auto it = o.origins.find(std::string("jsonl.") + key);
      throw config_error(fmt::format(
          "{}jsonl: {} needs a file, but JSON lines go to standard output (--jsonl -); give "
          "--jsonl FILE, or remove {}",
          it == o.origins.end() ? std::string() : it->second + ": ", key, key));
    }
  }
  if (o.jsonl && o.jsonl->path == "-" && o.jsonl_settings.durable) {
    auto it = o.origins.find("jsonl.durable");
    throw config_error(fmt::format(
        "{}jsonl: durable: true needs a file: standard output cannot be made durable; give a "
        "path, or durable: false",
        it == o.origins.end() ? std::string() : it->second + ": "));
  }
  for (const auto& ns : o.sinks) {
    const auto* j = std::get_if<pipeline::sinks::jsonl_options>(&ns.options);
    if (j != nullptr && j->path == "-" && ns.settings.durable) {
      throw config_error(fmt::format(
          "{}sink '{}': durable: true needs a file: standard output cannot be made durable; give "
          "a path, or durable: false",
          origin_of(o, "sinks." + ns.name + ".durable"), ns.name));
    }
  }
  if (o.inform_ack == receiver::inform_ack_mode::durable) {
    const bool any =
        (o.jsonl && o.jsonl_settings.durable) || (o.sqlite && o.sqlite_settings.durable) ||
        (o.kafka && o.kafka_settings.durable) ||
        std::any_of(o.sinks.begin(), o.sinks.end(),
                    [](const receiver::named_sink& ns) { return ns.settings.durable; });
    if (!any) {
      throw config_error(fmt::format(
          "inform_ack: durable, but no sink that is on (on: {}) has durable: true; mark one "
          "durable, or use inform_ack: accepted",
          fmt::join(sinks, ", ")));
    }
  }
  if (o.kafka) {
    try {
      pipeline::sinks::kafka_sink::validate(*o.kafka);
    } catch (const std::exception& x) {
      throw config_error(x.what());
    }
  }
  detail::check_unique_names(o.users);
  const bool legacy = std::any_of(o.users.begin(), o.users.end(), [](const user_config& u) {
    return u.priv == priv_protocol::des || u.priv == priv_protocol::des3;
  });
  if (legacy && !snmp::usm::load_legacy_provider()) {
    spdlog::debug("OpenSSL's legacy provider could not be loaded (needed for DES and 3DES)");
  }
  for (const auto& u : o.users) {
    if (u.priv != priv_protocol::none) {
      const std::string why = snmp::usm::availability_error(u.priv);
      if (!why.empty()) {
        throw config_error(fmt::format("{}user '{}': privacy protocol {} cannot be used: {}",
                                       detail::origin_prefix(u), u.name, snmp::usm::name(u.priv),
                                       why));
      }
    }
    const bool localized = u.auth_key.how == key_source::kind::localized_key ||
                           u.priv_key.how == key_source::kind::localized_key;
    if (!localized) continue;
    if (u.engine_ids.size() > 1) {
      throw config_error(fmt::format(
          "{}user '{}': a localized key is bound to one engine ID, but {} engine IDs are given; "
          "give only the engine ID the key was localized for, or use a passphrase or master key",
          detail::origin_prefix(u), u.name, u.engine_ids.size()));
    }
    if (u.engine_ids.empty() && !o.engine_id && o.state_dir.empty()) {
      throw config_error(fmt::format(
          "{}user '{}' has a localized key but no engine ID, so the key is taken as localized "
          "for trapsink's own engine ID, yet neither engine_id nor state_dir is set and that "
          "engine ID would change at every start: set engine_id (the one the key was localized "
          "for) or state_dir, or pin the user to the key's engine ID (engine_ids, or createUser "
          "-e)",
          detail::origin_prefix(u), u.name));
    }
  }
}

snmp::usm::key_bytes parse_engine_id(std::string_view text) {
  std::string why;
  auto id = detail::parse_engine_id_text(text, why);
  if (!id) throw config_error(fmt::format("engine ID '{}': {}", text, why));
  return std::move(*id);
}

std::chrono::milliseconds parse_duration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return config_error(
        fmt::format("'{}' {}: give seconds (60, 1.5) or a number with a unit: "
                    "500ms, 60s, 2m, 1h",
                    text, why));
  };
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || !std::isfinite(value)) throw bad("is not a duration");
  if (value < 0) throw bad("is negative");
  std::string_view unit(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m" || unit == "min") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else if (unit == "d") {
    factor = 86'400'000;
  } else {
    throw bad("has an unknown unit");
  }
  const double ms = value * factor;
  if (ms > 1e15) throw bad("is too long");
  return std::chrono::milliseconds(std::llround(ms));
}

std::string describe(const receiver::server_options& o) {
  std::string out;
  std::string listeners;
  for (const auto& l : o.listeners) {
    if (!listeners.empty()) listeners += ", ";
    listeners += l.to_string();
  }
  out += fmt::format("listen: {}\n", listeners.empty() ? "none" : listeners);
  const auto& cs = o.communities.communities;
  if (o.communities.any_community) {
    out += "communities: any community accepted\n";
  } else if (cs.empty()) {
    out += "communities: none (SNMPv1 and SNMPv2c notifications are refused)\n";
  } else {
    const auto restricted =
        std::count_if(cs.begin(), cs.end(), [](const auto& c) { return !c.allow_from.empty(); });
    out += fmt::format("communities: {} accepted{}\n", cs.size(),
                       restricted > 0 ? fmt::format(" ({} with allow_from)", restricted) : "");
  }
  // What each kind of sink writes to.
  auto output = [](const auto& opts) -> std::string {
    using T = std::decay_t<decltype(opts)>;
    if constexpr (std::is_same_v<T, pipeline::sinks::jsonl_options>) {
      if (opts.path == "-") return "- (standard output)";
      return fmt::format("{} ({})", opts.path, pipeline::sinks::describe_file_options(opts));
    } else if constexpr (std::is_same_v<T, pipeline::sinks::sqlite_options>) {
      return fmt::format("{} (synchronous {}; retention: {})", opts.path,
                         pipeline::sinks::name(opts.synchronous),
                         pipeline::sinks::describe_retention(opts));
    } else {
      return fmt::format("brokers {} topic {} key {}{}", opts.brokers, opts.topic, opts.key,
                         opts.spool_dir.empty() ? "" : " spool " + opts.spool_dir);
    }
  };
  out += fmt::format("jsonl: {}\n", o.jsonl ? output(*o.jsonl) : "none (off)");
  out += fmt::format("sqlite: {}\n", o.sqlite ? output(*o.sqlite) : "none");
  out += fmt::format("http: {}\n",
                     !o.http ? std::string("off")
                             : fmt::format("http://{}/ ({})", o.http->listen.to_string(),
                                           o.http->token.empty() && o.http->token_file.empty()
                                               ? "no token"
                                               : "bearer token required"));
  out += fmt::format("kafka: {}\n", o.kafka ? output(*o.kafka) : "none");
  for (const auto& ns : o.sinks) {
    out += fmt::format("sink {} ({}): {}\n", ns.name, receiver::type_name(ns),
                       std::visit(output, ns.options));
  }
  out += fmt::format("queue_capacity: {}, inform_dedup_window: {}, shutdown_deadline: {}\n",
                     o.queue_capacity, seconds_text(o.inform_dedup_window),
                     seconds_text(o.shutdown_deadline));
  auto queue = [&](std::string_view sink, const receiver::sink_settings& st) {
    const bool block = st.overflow == pipeline::sink_runner_options::overflow_policy::block;
    out +=
        fmt::format("sink {}: queue_capacity {}{}, overflow {}{}, durable {}\n", sink,
                    st.queue_capacity.value_or(o.queue_capacity),
                    st.queue_capacity ? "" : " (global)", receiver::name(st.overflow),
                    block ? fmt::format(" (block_timeout {})", seconds_text(st.block_timeout)) : "",
                    st.durable ? "yes" : "no");
  };
  if (o.jsonl) queue("jsonl", o.jsonl_settings);
  if (o.sqlite) queue("sqlite", o.sqlite_settings);
  if (o.kafka) queue("kafka", o.kafka_settings);
  for (const auto& ns : o.sinks) queue(ns.name, ns.settings);
  out += fmt::format("inform_ack: {}\n", receiver::name(o.inform_ack));
  out += fmt::format("receive_shards: {}{}, receive_buffer: {}\n",
                     receiver::effective_receive_shards(o.receive_shards),
                     o.receive_shards == 0 ? " (one per core)" : "",
                     o.receive_buffer == 0 ? std::string("kernel default")
                                           : fmt::format("{} bytes", o.receive_buffer));
  if (o.engine_id) {
    out += fmt::format("engine_id: {}\n", detail::to_hex(*o.engine_id));
  } else if (!o.state_dir.empty()) {
    out += "engine_id: the one kept in state_dir (generated on first start)\n";
  } else {
    out += "engine_id: not set and no state_dir: a new engine ID at every start\n";
  }
  out += fmt::format("state_dir: {}\n", o.state_dir.empty() ? "none" : o.state_dir);
  out += fmt::format("mib_index: {}\n", o.mib_index.empty() ? "the bundled index" : o.mib_index);
  if (!o.enrich.empty()) {
    std::string names;
    for (const auto& r : o.enrich) {
      names += fmt::format("{}{} ({}, port {})", names.empty() ? "" : ", ", r.name,
                           r.security.version == snmp::message::version::v3   ? "v3"
                           : r.security.version == snmp::message::version::v1 ? "v1"
                                                                              : "v2c",
                           r.port);
    }
    out += fmt::format(
        "enrich: {} rule{}: {}; cache_ttl {}, max_in_flight_per_agent {}, "
        "max_pending {}\n",
        o.enrich.size(), o.enrich.size() == 1 ? "" : "s", names,
        seconds_text(o.enrich_options.cache_ttl), o.enrich_options.max_in_flight_per_agent,
        o.enrich_options.max_pending);
  }
  out += fmt::format("key_cache_size: {}, remote_engine_limit: {}\n", o.key_cache_size,
                     o.remote_engine_limit);
  out += fmt::format("users: {}\n", o.users.size());
  auto how = [](const key_source& k) -> std::string_view {
    switch (k.how) {
      case key_source::kind::passphrase:
        return "passphrase";
      case key_source::kind::master_key:
        return "master key";
      case key_source::kind::localized_key:
        return "localized key";
      case key_source::kind::none:
        break;
    }
    return "none";
  };
  for (const auto& u : o.users) {
    std::string security = "no authentication";
    if (u.auth != auth_protocol::none) {
      security = fmt::format("auth {} ({})", snmp::usm::name(u.auth), how(u.auth_key));
      security += u.priv == priv_protocol::none
                      ? std::string(", no privacy")
                      : fmt::format(", priv {} ({})", snmp::usm::name(u.priv), how(u.priv_key));
    }
    std::string engines = "any engine ID";
    if (!u.engine_ids.empty()) {
      engines = "engine IDs ";
      for (std::size_t i = 0; i < u.engine_ids.size(); ++i) {
        engines += (i == 0 ? "" : ",") + detail::to_hex(u.engine_ids[i]);
      }
    }
    std::string from;
    for (const auto& c : u.allow_from) from += (from.empty() ? "" : ",") + c.to_string();
    out += fmt::format("  {}: {}; min level {}; {}; from {}; defined at {}\n", u.name, security,
                       snmp::usm::name(u.effective_min_level()), engines,
                       from.empty() ? "any address" : from, u.origin.empty() ? "?" : u.origin);
  }
  return out;
}

}  // namespace trapsink::config
