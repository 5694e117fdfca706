#include "pipeline/dispatcher.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_set>

namespace trapsink::pipeline {

dispatcher::dispatcher(std::vector<std::unique_ptr<sink_runner>> runners,
                       dispatcher_options options, core::metrics_registry& metrics)
    : metrics_(metrics) {
  std::vector<std::shared_ptr<sink_runner>> shared;
  shared.reserve(runners.size());
  for (auto& r : runners) shared.push_back(std::move(r));
  current_.store(build(std::move(shared), std::move(options)));
}

dispatcher::dispatcher(std::vector<std::shared_ptr<sink_runner>> runners,
                       dispatcher_options options, core::metrics_registry& metrics)
    : metrics_(metrics) {
  current_.store(build(std::move(runners), std::move(options)));
}

dispatcher::~dispatcher() {
  for (auto& s : stoppers_) {
    if (s.thread.joinable()) s.thread.join();
  }
}

std::shared_ptr<const dispatcher::generation> dispatcher::build(
    std::vector<std::shared_ptr<sink_runner>> runners, dispatcher_options options) {
  auto g = std::make_shared<generation>();
  g->runners = std::move(runners);
  std::vector<std::string> names;
  for (const auto& r : g->runners) names.push_back(r->name());
  g->route = std::make_unique<router>(std::move(options.routes),
                                      options.default_sinks.value_or(names), names, metrics_);
  if (options.rate_limit) g->rate_limit.emplace(*options.rate_limit, metrics_);
  if (options.dedup) g->dedup.emplace(*options.dedup, metrics_);
  return g;
}

std::vector<record> dispatcher::generation::due(clock::time_point now, bool flush) const {
  std::vector<record> out;
  std::lock_guard lock(mu);
  if (rate_limit) out = flush ? rate_limit->flush() : rate_limit->expire(now);
  if (dedup) {
    auto more = flush ? dedup->flush() : dedup->expire(now);
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
  }
  return out;
}

bool dispatcher::route_and_push(const generation& g, const record_ptr& r, bool may_wait) {
  const std::uint64_t mask = g.route->destinations(*r);
  bool all = true;
  for (std::size_t i = 0; i < g.runners.size(); ++i) {
    if ((mask >> i & 1u) == 0) continue;
    // A durable runner confirms the record once it is durable there (or fails it); the
    // expectation is registered before the push so a fast confirmation cannot come first.
    const bool expects = r->ack && g.runners[i]->durable();
    if (expects) r->ack->expect();
    if (!g.runners[i]->push(r, may_wait)) {
      all = false;
      if (expects) r->ack->done(false);
    }
  }
  if (!all && r->ack) r->ack->poison();
  return all;
}

bool dispatcher::accept(const record_ptr& r) {
  // The generation stays alive (its runners running) until this record is queued.
  const auto g = current_.load();
  const bool inform = r->pdu == "inform";
  if (g->rate_limit || g->dedup) {
    std::lock_guard lock(g->mu);
    const auto now = clock::now();
    if (g->rate_limit && !g->rate_limit->admit(r, now)) return true;  // counted, summarised
    if (g->dedup && !g->dedup->admit(r, now)) return true;
  }
  return route_and_push(*g, r, !inform);
}

void dispatcher::emit(const generation& g, std::vector<record> summaries) {
  for (auto& s : summaries) {
    route_and_push(g, std::make_shared<const record>(std::move(s)), true);
  }
}

void dispatcher::tick(clock::time_point now) {
  const auto g = current_.load();
  emit(*g, g->due(now, false));
  collect();
}

void dispatcher::reconfigure(std::vector<std::shared_ptr<sink_runner>> runners,
                             dispatcher_options options, std::chrono::milliseconds drain_deadline) {
  auto next = build(std::move(runners), std::move(options));  // may throw: nothing changed
  auto old = current_.load();
  current_.store(std::move(next));
  {
    std::lock_guard lock(retire_mu_);
    retired_.push_back({std::move(old), drain_deadline});
  }
  collect();
}

std::size_t dispatcher::retiring() const {
  std::lock_guard lock(retire_mu_);
  return retired_.size();
}

void dispatcher::collect() {
  std::vector<retired_generation> done;
  std::unordered_set<const sink_runner*> live;
  {
    std::lock_guard lock(retire_mu_);
    for (auto it = retired_.begin(); it != retired_.end();) {
      // Only retired_ holds it: no record is using it, and none can take it any more.
      if (it->gen.use_count() == 1) {
        done.push_back(std::move(*it));
        it = retired_.erase(it);
      } else {
        for (const auto& r : it->gen->runners) live.insert(r.get());
        ++it;
      }
    }
  }
  if (done.empty()) return;
  std::atomic_thread_fence(std::memory_order_acquire);
  for (const auto& r : current_.load()->runners) live.insert(r.get());
  std::vector<std::shared_ptr<sink_runner>> leaving;
  std::chrono::milliseconds deadline{0};
  for (auto& d : done) {
    // Its stages' last summaries go out through its own routes and runners.
    emit(*d.gen, d.gen->due(clock::now(), true));
    deadline = std::max(deadline, d.drain_deadline);
    for (const auto& r : d.gen->runners) {
      if (live.insert(r.get()).second) leaving.push_back(r);
    }
  }
  done.clear();
  if (!leaving.empty()) stop_later(std::move(leaving), deadline);
}

void dispatcher::stop_later(std::vector<std::shared_ptr<sink_runner>> runners,
                            std::chrono::milliseconds deadline) {
  for (auto it = stoppers_.begin(); it != stoppers_.end();) {
    if (it->finished->load()) {
      it->thread.join();
      it = stoppers_.erase(it);
    } else {
      ++it;
    }
  }
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::thread t([runners = std::move(runners), deadline, finished] {
    const auto end = clock::now() + deadline;
    for (const auto& r : runners) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now());
      r->stop(std::max(left, std::chrono::milliseconds{0}));
    }
    finished->store(true);
  });
  stoppers_.push_back({std::move(t), std::move(finished)});
}

void dispatcher::stop(std::chrono::milliseconds deadline) {
  if (stopped_) return;
  stopped_ = true;
  std::vector<std::shared_ptr<const generation>> gens{current_.load()};
  {
    std::lock_guard lock(retire_mu_);
    for (auto& d : retired_) gens.push_back(d.gen);
  }
  for (const auto& g : gens) emit(*g, g->due(clock::now(), true));
  // One deadline for all the runners, not one each.
  const auto end = clock::now() + deadline;
  std::unordered_set<const sink_runner*> seen;
  for (const auto& g : gens) {
    for (const auto& r : g->runners) {
      if (!seen.insert(r.get()).second) continue;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now());
      r->stop(std::max(left, std::chrono::milliseconds{0}));
    }
  }
  for (auto& s : stoppers_) {
    if (s.thread.joinable()) s.thread.join();
  }
}

std::vector<std::shared_ptr<sink_runner>> dispatcher::runners() const {
  return current_.load()->runners;
}

}  // namespace trapsink::pipeline
