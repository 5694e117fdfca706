#include "pipeline/stages/enrich.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "snmp/cmdgen/errc.hpp"
#include "snmp/cmdgen/lookup.hpp"
#include "snmp/cmdgen/session.hpp"

namespace trapsink::pipeline {
namespace asio = boost::asio;
namespace cmdgen = snmp::cmdgen;

bool enrich_rule::matches(const record& r) const {
  if (!traps.empty()) {
    bool any = false;
    for (const auto& t : traps) {
      if (t == r.trap_oid) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (!sources.empty()) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address(r.agent_address, ec);
    if (ec || !core::allowed(sources, a)) return false;
  }
  return true;
}

std::vector<enrich_rule> compile_enrich_rules(const std::vector<enrich_rule_config>& rules,
                                              const enrich_resolve_fn& resolve) {
  std::vector<enrich_rule> out;
  out.reserve(rules.size());
  for (const auto& c : rules) {
    auto fail = [&](const std::string& origin, const std::string& what) {
      throw std::invalid_argument(fmt::format("{}: enrich rule '{}': {}",
                                              origin.empty() ? c.origin : origin, c.name, what));
    };
    auto oid_of = [&](const enrich_text& t) {
      std::string why;
      std::optional<snmp::ber::oid> id;
      if (resolve) {
        id = resolve(t.text, why);
      } else {
        id = snmp::ber::oid::parse(t.text);
        if (!id) why = "not a dotted OID and no MIB index is loaded to resolve names";
      }
      if (!id || id->size() < 2) {
        fail(t.origin, fmt::format("'{}' does not resolve{}{} (give a name the MIB index knows, "
                                   "e.g. IF-MIB::ifName, or a dotted OID)",
                                   t.text, why.empty() ? "" : ": ", why));
      }
      return *id;
    };
    enrich_rule r;
    r.name = c.name;
    for (const auto& t : c.traps) r.traps.push_back(oid_of(t).to_string());
    r.sources = c.sources;
    if (c.index_from) r.index_from = oid_of(*c.index_from);
    for (const auto& t : c.get) r.get.push_back(oid_of(t));
    if (r.get.empty()) fail(c.origin, "'get' lists no OID to ask for");
    r.security = c.security;
    r.port = c.port;
    r.timeout = c.timeout;
    r.retries = c.retries;
    // The credentials are checked here, once, not when the first trap arrives.
    cmdgen::agent_options probe;
    probe.endpoint = asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), r.port);
    probe.display = "check";
    probe.sec = r.security;
    try {
      cmdgen::agent check(std::move(probe));
    } catch (const std::invalid_argument& e) {
      fail(c.origin, fmt::format("target: {}", e.what()));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<std::vector<std::uint32_t>> enrich_index(const enrich_rule& rule, const record& r) {
  if (!rule.index_from) return std::vector<std::uint32_t>{};
  const auto& column = *rule.index_from;
  for (const auto& vb : r.varbinds) {
    if (!vb.name.starts_with(column)) continue;
    const auto arcs = vb.name.arcs().subspan(column.size());
    if (!arcs.empty()) return std::vector<std::uint32_t>(arcs.begin(), arcs.end());
    if (const auto* i = std::get_if<std::int32_t>(&vb.val.data); i != nullptr && *i >= 0) {
      return std::vector<std::uint32_t>{static_cast<std::uint32_t>(*i)};
    }
    if (const auto* u = std::get_if<std::uint32_t>(&vb.val.data)) {
      return std::vector<std::uint32_t>{*u};
    }
  }
  return std::nullopt;
}

namespace {

using rule_set = std::shared_ptr<const std::vector<enrich_rule>>;

/// One record waiting for its answer.
struct waiting {
  record_ptr rec;
  rule_set rules;  // keeps rule alive
  const enrich_rule* rule = nullptr;
};

}  // namespace

struct enricher::impl {
  impl(enricher& owner, const enrich_options& o, name_fn n, core::metrics_registry& m)
      : self(owner),
        work(asio::make_work_guard(io)),
        session(io.get_executor()),
        lookup(session, lookup_options_of(o)),
        names(std::move(n)),
        metrics(m) {}

  static cmdgen::lookup_options lookup_options_of(const enrich_options& o) {
    cmdgen::lookup_options l;
    l.max_in_flight_per_agent = o.max_in_flight_per_agent;
    l.max_queued_per_agent = o.max_queued_per_agent;
    l.cache_ttl = o.cache_ttl;
    l.max_cache_entries = o.max_cache_entries;
    return l;
  }

  core::counter& outcome(const std::string& rule, std::string_view what) {
    return metrics.get("trapsink_enrich_records_total",
                       fmt::format("rule=\"{}\",outcome=\"{}\"", rule, what),
                       "Records an enrich rule matched, by rule and outcome: ok, partial (some "
                       "answers are exception values), cache_hit (answered from the cache), "
                       "timeout, error, overloaded");
  }

  /// On the stage's thread: start the query for a record.
  void start(waiting w) {
    const std::uint64_t seq = next_seq++;
    const auto& rule = *w.rule;
    const record& r = *w.rec;
    if (closing) {
      table.emplace(seq, std::move(w));
      finish(seq, "error", "shutdown before the query", {}, "error");
      return;
    }
    auto index = enrich_index(rule, r);
    const void* generation = w.rules.get();
    table.emplace(seq, std::move(w));
    if (!index) {
      finish(seq, "error",
             fmt::format("no varbind under {} gives the index", rule.index_from->to_string()), {},
             "error");
      return;
    }
    auto a = agent_for(generation, rule, r, seq);
    if (!a) return;  // finished with an error
    std::vector<snmp::ber::oid> oids;
    oids.reserve(rule.get.size());
    for (const auto& g : rule.get) {
      std::vector<std::uint32_t> arcs(g.arcs().begin(), g.arcs().end());
      arcs.insert(arcs.end(), index->begin(), index->end());
      oids.emplace_back(std::move(arcs));
    }
    const auto hits = lookup.stats().cache_hits;
    auto from_cache = std::make_shared<bool>(false);
    lookup.get(a, std::move(oids),
               [this, seq, from_cache](boost::system::error_code ec,
                                       std::vector<snmp::message::varbind> vbs) {
                 answered(seq, ec, std::move(vbs), *from_cache);
               });
    *from_cache = lookup.stats().cache_hits != hits;
  }

  /// The agent a rule's query for r goes to (created once per rule set, rule and address, so
  /// the lookup's cache and the v3 engine discovery are per agent); null after finishing seq
  /// with an error.
  std::shared_ptr<cmdgen::agent> agent_for(const void* generation, const enrich_rule& rule,
                                           const record& r, std::uint64_t seq) {
    if (generation != agents_generation) {
      agents.clear();  // a new rule set: new credentials
      agents_generation = generation;
    }
    auto key = std::make_pair(&rule, r.agent_address);
    auto it = agents.find(key);
    if (it != agents.end()) return it->second;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(r.agent_address, ec);
    if (ec) {
      finish(seq, "error", fmt::format("agent_address '{}' is not an IP address", r.agent_address),
             {}, "error");
      return nullptr;
    }
    cmdgen::agent_options o;
    o.endpoint = asio::ip::udp::endpoint(address, rule.port);
    o.display = fmt::format("{}:{}", r.agent_address, rule.port);
    o.sec = rule.security;
    o.timeout = rule.timeout;
    o.retries = rule.retries;
    std::shared_ptr<cmdgen::agent> a;
    try {
      a = std::make_shared<cmdgen::agent>(std::move(o));
    } catch (const std::exception& e) {
      finish(seq, "error", e.what(), {}, "error");
      return nullptr;
    }
    // Bounded: many agents (a large network) forget the oldest credentials state at once.
    if (agents.size() >= max_agents) agents.clear();
    agents.emplace(std::move(key), a);
    return a;
  }

  void answered(std::uint64_t seq, boost::system::error_code ec,
                std::vector<snmp::message::varbind> vbs, bool from_cache) {
    if (ec == cmdgen::errc::timeout) {
      finish(seq, "timeout", "the agent did not answer (timeout)", {}, "timeout");
    } else if (ec == cmdgen::errc::overloaded) {
      finish(seq, "overloaded", "too many queries waiting for this agent", {}, "overloaded");
    } else if (ec) {
      finish(seq, "error", ec.message(), {}, "error");
    } else {
      bool partial = false;
      for (const auto& vb : vbs) {
        const auto t = vb.val.type;
        if (t == snmp::ber::tag::no_such_object || t == snmp::ber::tag::no_such_instance ||
            t == snmp::ber::tag::end_of_mib_view) {
          partial = true;
        }
      }
      const char* status = partial ? "partial" : "ok";
      finish(seq, status, partial ? "some OIDs have no value (noSuchObject/noSuchInstance)" : "",
             std::move(vbs), from_cache ? "cache_hit" : status);
    }
  }

  /// A copy of the record with its enrichment goes on; the stage lets go of it.
  void finish(std::uint64_t seq, const char* status, std::string error,
              std::vector<snmp::message::varbind> vbs, std::string_view what) {
    auto it = table.find(seq);
    if (it == table.end()) return;  // finished already (shutdown)
    waiting w = std::move(it->second);
    table.erase(it);
    outcome(w.rule->name, what).inc();
    deliver(w, status, std::move(error), std::move(vbs));
  }

  void deliver(const waiting& w, const char* status, std::string error,
               std::vector<snmp::message::varbind> vbs) {
    try {
      auto copy = std::make_shared<record>(*w.rec);
      record_enrichment en;
      en.rule = w.rule->name;
      en.status = status;
      en.error = std::move(error);
      en.varbinds = std::move(vbs);
      copy->enrichment = std::move(en);
      if (names && !copy->enrichment->varbinds.empty()) names(*copy);
      self.deliver_(std::move(copy));
    } catch (const std::exception& e) {
      // Not expected (out of memory): the original goes on, unenriched.
      spdlog::error("enrich: {}", e.what());
      self.deliver_(w.rec);
    }
    // The stage's hold on a durable inform's acknowledgement (taken in accept()).
    if (w.rec->ack) w.rec->ack->done(true);
    self.pending_.fetch_sub(1, std::memory_order_relaxed);
  }

  /// Shutdown: everything still waiting goes on now.
  void flush() {
    closing = true;
    while (!table.empty()) {
      finish(table.begin()->first, "error", "shutdown before the answer", {}, "error");
    }
    session.close();
  }

  static constexpr std::size_t max_agents = 65536;

  enricher& self;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work;
  cmdgen::session session;
  cmdgen::lookup lookup;
  name_fn names;
  core::metrics_registry& metrics;
  std::thread thread;
  std::uint64_t next_seq = 0;
  std::unordered_map<std::uint64_t, waiting> table;
  std::map<std::pair<const enrich_rule*, std::string>, std::shared_ptr<cmdgen::agent>> agents;
  const void* agents_generation = nullptr;
  bool closing = false;
};

enricher::enricher(enrich_options opts, std::vector<enrich_rule> rules, deliver_fn deliver,
                   name_fn names, core::metrics_registry& metrics)
    : max_pending_(opts.max_pending), deliver_(std::move(deliver)) {
  rules_.store(std::make_shared<const std::vector<enrich_rule>>(std::move(rules)));
  impl_ = std::make_unique<impl>(*this, opts, std::move(names), metrics);
  impl_->thread = std::thread([this] {
    for (;;) {
      try {
        impl_->io.run();
        return;
      } catch (const std::exception& e) {  // not expected: handlers do not throw
        spdlog::error("enrich: {}", e.what());
      }
    }
  });
}

enricher::~enricher() { stop(std::chrono::milliseconds(0)); }

bool enricher::accept(const record_ptr& r) {
  auto rules = rules_.load(std::memory_order_acquire);
  const enrich_rule* rule = nullptr;
  for (const auto& x : *rules) {
    if (x.matches(*r)) {
      rule = &x;
      break;
    }
  }
  if (rule == nullptr) return deliver_(r);
  // Count first, then look at stopped_: stop() sees every record that got past this point.
  const auto before = pending_.fetch_add(1, std::memory_order_relaxed);
  if (before >= max_pending_ || stopped_.load(std::memory_order_acquire)) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    impl_->outcome(rule->name, "overloaded").inc();
    auto copy = std::make_shared<record>(*r);
    record_enrichment en;
    en.rule = rule->name;
    en.status = "overloaded";
    en.error = stopped_.load(std::memory_order_relaxed)
                   ? "shutting down"
                   : fmt::format("{} records are waiting for enrichment (max_pending)", before);
    copy->enrichment = std::move(en);
    return deliver_(std::move(copy));
  }
  if (r->ack) r->ack->expect();  // released in impl::deliver, after the copy was dispatched
  asio::post(impl_->io, [this, w = waiting{r, std::move(rules), rule}]() mutable {
    impl_->start(std::move(w));
  });
  return true;
}

void enricher::set_rules(std::vector<enrich_rule> rules) {
  rules_.store(std::make_shared<const std::vector<enrich_rule>>(std::move(rules)),
               std::memory_order_release);
}

void enricher::stop(std::chrono::milliseconds deadline) {
  if (stopped_.exchange(true)) return;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (pending_.load(std::memory_order_relaxed) > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::promise<void> flushed;
  asio::post(impl_->io, [this, &flushed] {
    impl_->flush();
    flushed.set_value();
  });
  flushed.get_future().wait();
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
  // Records posted while the thread stopped: they go on now, marked (closing is set).
  impl_->io.restart();
  impl_->io.poll();
}

}  // namespace trapsink::pipeline
