#pragma once
// Follow-up queries on behalf of the pipeline (issue 5 item 4, the enrichment stage): GETs to
// agents that never block the caller, with at most N requests in flight per agent (the rest
// wait in a bounded per-agent queue; beyond it a query is refused at once with
// errc::overloaded), and a cache of answers per (agent, OID) with a time to live, so a storm
// of linkDowns from one switch costs one query per interface. A query that times out ends with
// errc::timeout: the caller marks its record, it never drops it.
//
// Runs on the session's executor (not thread-safe: post to it from other threads).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "snmp/cmdgen/session.hpp"

namespace trapsink::snmp::cmdgen {

/// Limits of a lookup.
struct lookup_options {
  std::size_t max_in_flight_per_agent = 4;  ///< requests outstanding to one agent
  std::size_t max_queued_per_agent = 1000;  ///< waiting behind them; more: errc::overloaded
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(5)};  ///< 0: no cache
  std::size_t max_cache_entries = 100000;  ///< (agent, OID) answers kept; oldest go first
};

/// Counters of a lookup.
struct lookup_stats {
  std::uint64_t queries = 0;     ///< get() calls
  std::uint64_t cache_hits = 0;  ///< answered from the cache entirely
  std::uint64_t requests = 0;    ///< GETs sent to agents
  std::uint64_t queued = 0;      ///< queries that waited for a free slot
  std::uint64_t refused = 0;     ///< queries refused: the agent's queue was full
  std::uint64_t failures = 0;    ///< queries that ended with an error (timeout included)
};

/// Cached, rate-limited GETs.
class lookup {
 public:
  using clock = std::chrono::steady_clock;
  /// The answer: one varbind per OID asked, in order (exception values such as noSuchInstance
  /// included), or an error (and no varbinds).
  using handler = std::function<void(boost::system::error_code, std::vector<message::varbind>)>;

  lookup(session& s, lookup_options o) : session_(s), opts_(o) {}

  /// GET oids from a. The handler runs on the session's executor, never inside this call.
  void get(const std::shared_ptr<agent>& a, std::vector<ber::oid> oids, handler h);

  const lookup_stats& stats() const noexcept { return stats_; }
  /// (agent, OID) answers cached now.
  std::size_t cache_size() const noexcept { return cache_.size(); }

 private:
  struct job {
    std::shared_ptr<agent> target;
    std::vector<ber::oid> oids;
    handler done;
  };
  struct agent_state {
    std::size_t in_flight = 0;
    std::deque<job> waiting;
  };
  using cache_key = std::pair<std::uint64_t, ber::oid>;  // agent::id(), OID
  struct cache_entry {
    message::value value;
    clock::time_point expires;
  };

  void send(job j);
  void on_answer(const std::shared_ptr<agent>& a, job& j, boost::system::error_code ec,
                 message::pdu r);
  void remember(std::uint64_t agent_id, const message::varbind& vb, clock::time_point now);

  session& session_;
  lookup_options opts_;
  lookup_stats stats_;
  std::unordered_map<std::uint64_t, agent_state> agents_;  // by agent::id()
  std::map<cache_key, cache_entry> cache_;
  std::deque<cache_key> cache_order_;  // first insertion order, each key once
};

}  // namespace trapsink::snmp::cmdgen
