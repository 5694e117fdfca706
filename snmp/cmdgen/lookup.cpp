#include "snmp/cmdgen/lookup.hpp"

#include <boost/asio/post.hpp>

namespace trapsink::snmp::cmdgen {
namespace asio = boost::asio;

void lookup::get(const std::shared_ptr<agent>& a, std::vector<ber::oid> oids, handler h) {
  ++stats_.queries;
  const auto now = clock::now();
  if (opts_.cache_ttl.count() > 0) {
    std::vector<message::varbind> cached;
    cached.reserve(oids.size());
    for (const auto& o : oids) {
      auto it = cache_.find(cache_key{a->id(), o});
      if (it == cache_.end() || it->second.expires <= now) break;
      cached.push_back({o, it->second.value});
    }
    if (cached.size() == oids.size()) {
      ++stats_.cache_hits;
      asio::post(session_.executor(),
                 [h = std::move(h), vbs = std::move(cached)]() mutable { h({}, std::move(vbs)); });
      return;
    }
  }
  auto& st = agents_[a->id()];
  if (st.in_flight >= opts_.max_in_flight_per_agent) {
    if (st.waiting.size() >= opts_.max_queued_per_agent) {
      ++stats_.refused;
      ++stats_.failures;
      asio::post(session_.executor(), [h = std::move(h)] { h(errc::overloaded, {}); });
      return;
    }
    ++stats_.queued;
    st.waiting.push_back(job{a, std::move(oids), std::move(h)});
    return;
  }
  send(job{a, std::move(oids), std::move(h)});
}

void lookup::send(job j) {
  auto a = j.target;
  ++agents_[a->id()].in_flight;
  ++stats_.requests;
  message::pdu p;
  p.type = message::pdu_type::get_request;
  for (const auto& o : j.oids) p.varbinds.push_back({o, message::value::null()});
  auto shared = std::make_shared<job>(std::move(j));
  session_.request(a, std::move(p),
                   [this, a, shared](boost::system::error_code ec, message::pdu r) {
                     on_answer(a, *shared, ec, std::move(r));
                   });
}

void lookup::on_answer(const std::shared_ptr<agent>& a, job& j, boost::system::error_code ec,
                       message::pdu r) {
  auto& st = agents_[a->id()];
  --st.in_flight;
  std::vector<message::varbind> answer;
  if (!ec && r.error_status == 0 && r.varbinds.size() == j.oids.size()) {
    const auto now = clock::now();
    for (const auto& vb : r.varbinds) {
      // Exception values are answers too (the interface is gone): cache them alike.
      if (opts_.cache_ttl.count() > 0) remember(a->id(), vb, now);
    }
    answer = std::move(r.varbinds);
  } else if (!ec) {
    // An error-status (v1 noSuchName, genErr ...): the query failed, the agent is fine.
    ec = errc::report;
  }
  if (ec) ++stats_.failures;
  // Start the next waiting query before answering, so a handler that queries again queues
  // behind the ones already waiting.
  if (!st.waiting.empty() && st.in_flight < opts_.max_in_flight_per_agent) {
    auto next = std::move(st.waiting.front());
    st.waiting.pop_front();
    send(std::move(next));
  } else if (st.in_flight == 0 && st.waiting.empty()) {
    agents_.erase(a->id());
  }
  auto h = std::move(j.done);
  h(ec, std::move(answer));
}

void lookup::remember(std::uint64_t agent_id, const message::varbind& vb, clock::time_point now) {
  cache_key key{agent_id, vb.name};
  auto [it, inserted] = cache_.try_emplace(key);
  it->second = cache_entry{vb.val, now + opts_.cache_ttl};
  if (!inserted) return;
  cache_order_.push_back(std::move(key));
  // Bounded: beyond the limit the entries inserted first go (expired or not).
  while (cache_.size() > opts_.max_cache_entries && !cache_order_.empty()) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

}  // namespace trapsink::snmp::cmdgen
