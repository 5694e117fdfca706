#pragma once
// The enrichment stage (issue 5 item 4, docs/configuration.md "enrich"): for a notification that
// matches an enrich rule, ask the agent that sent it for more (IF-MIB::linkDown: ifName, ifDescr
// and ifAlias of the trap's ifIndex) and add the answers to the record (record::enrichment).
//
// Between the receiver and the dispatcher. A record that matches no rule goes straight on (one
// trap-OID comparison per rule). A matching one is handed to the stage's own thread, which runs
// a cmdgen::session with a cmdgen::lookup (answers cached per agent and OID for cache_ttl; at
// most max_in_flight_per_agent requests per agent, max_queued_per_agent waiting behind them);
// when the answer, a timeout or an error arrives, a copy of the record with `enrichment` goes on.
// Reception never waits for an agent: beyond max_pending records in the stage a matching record
// goes on at once with status "overloaded". A record is never dropped for its enrichment.
//
// Informs: under inform_ack: accepted an inform is acknowledged once the stage took it (the
// agent's answer does not delay the acknowledgement); under durable the stage holds the
// record's delivery_ack until the enriched copy was dispatched, so the acknowledgement waits
// for the durable sinks as always.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/cidr.hpp"
#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "snmp/ber/oid.hpp"
#include "snmp/cmdgen/agent.hpp"

namespace trapsink::pipeline {

/// A place in the configuration file ("FILE:LINE:COL") and the text written there.
struct enrich_text {
  std::string text;
  std::string origin;
};

/// One `enrich:` rule as written: names not yet resolved (that needs the MIB index, which the
/// server loads after the configuration).
struct enrich_rule_config {
  std::string name;
  std::string origin;                       ///< where the rule starts ("FILE:LINE:COL")
  std::vector<enrich_text> traps;           ///< match.trap: names or dotted OIDs; empty: any
  std::vector<core::cidr> sources;          ///< match.sources: agent_address prefixes; empty: any
  std::optional<enrich_text> index_from;    ///< the column whose instance is the index
  std::vector<enrich_text> get;             ///< what to ask for (index appended)
  snmp::cmdgen::security security;          ///< target: version, community or v3 user
  std::uint16_t port = 161;                 ///< target.port
  std::chrono::milliseconds timeout{1000};  ///< per try
  int retries = 1;
};

/// A rule ready to run: OIDs resolved.
struct enrich_rule {
  std::string name;
  std::vector<std::string> traps;  ///< dotted snmpTrapOID.0 values; empty: any trap
  std::vector<core::cidr> sources;
  std::optional<snmp::ber::oid> index_from;
  std::vector<snmp::ber::oid> get;
  snmp::cmdgen::security security;
  std::uint16_t port = 161;
  std::chrono::milliseconds timeout{1000};
  int retries = 1;

  /// True when r's trap OID and agent address are what the rule asks for.
  bool matches(const record& r) const;
};

/// Resolves a name (`IF-MIB::ifName`, `ifName`) or a dotted OID; nullopt and why when it cannot.
using enrich_resolve_fn =
    std::function<std::optional<snmp::ber::oid>(std::string_view text, std::string& why)>;

/// Resolve the rules' names and check their credentials (a passphrase shorter than 8
/// characters, privacy without authentication, ...). Throws std::invalid_argument
/// "ORIGIN: enrich rule 'NAME': what is wrong". resolve may be empty: only dotted OIDs then.
std::vector<enrich_rule> compile_enrich_rules(const std::vector<enrich_rule_config>& rules,
                                              const enrich_resolve_fn& resolve);

/// The instance to append to a rule's `get` OIDs, taken from r: the instance suffix of the
/// first varbind under index_from (`IF-MIB::ifIndex.3` -> 3), or, when that varbind is the
/// column itself with no suffix, its value when that is a non-negative integer. No index_from:
/// an empty instance (the OIDs are asked as written). nullopt: r has no such varbind.
std::optional<std::vector<std::uint32_t>> enrich_index(const enrich_rule& rule, const record& r);

/// The stage's limits (`enrich_options`).
struct enrich_options {
  std::size_t max_in_flight_per_agent = 4;  ///< GETs outstanding to one agent
  std::size_t max_queued_per_agent = 1000;  ///< waiting behind them; more: "overloaded"
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(5)};  ///< 0: no cache
  std::size_t max_cache_entries = 100000;                        ///< (agent, OID) answers kept
  std::size_t max_pending = 100000;  ///< records in the stage; more: "overloaded"
};

/// The stage. Thread-safe: accept() and set_rules() may be called from any thread.
class enricher {
 public:
  /// Where records go next (the dispatcher); true when accepted. Called from the receive
  /// threads (records that match no rule, overloaded ones) and from the stage's thread.
  using deliver_fn = std::function<bool(record_ptr)>;
  /// Names r.enrichment->varbinds (sets r.enrichment->names); may be empty.
  using name_fn = std::function<void(record& r)>;

  /// Starts the stage's thread.
  enricher(enrich_options opts, std::vector<enrich_rule> rules, deliver_fn deliver, name_fn names,
           core::metrics_registry& metrics);
  /// stop(0) when not stopped.
  ~enricher();
  enricher(const enricher&) = delete;
  enricher& operator=(const enricher&) = delete;

  /// Offer a record. No rule matches: deliver(r) now. Else the record is queued for its query
  /// (true) or, beyond max_pending or after stop(), goes on now with status "overloaded" (what
  /// deliver returns). Never blocks on an agent.
  bool accept(const record_ptr& r);

  /// Replace the rules (hot reload). Records already in the stage finish under their rule.
  void set_rules(std::vector<enrich_rule> rules);

  /// Wait up to deadline for the pending queries to finish and their records to go on; records
  /// still waiting then go on with status "error" ("shutdown before the answer"). Then the
  /// thread ends. Later accept() calls deliver at once (no query). Call it once the receive
  /// threads no longer call accept() (a record offered during stop() could miss the flush).
  void stop(std::chrono::milliseconds deadline);

  /// Records in the stage now.
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<std::shared_ptr<const std::vector<enrich_rule>>> rules_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<bool> stopped_{false};
  std::size_t max_pending_;
  deliver_fn deliver_;
};

}  // namespace trapsink::pipeline
