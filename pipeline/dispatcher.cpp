#include "pipeline/dispatcher.hpp"

#include <algorithm>

namespace trapsink::pipeline {

dispatcher::dispatcher(std::vector<std::unique_ptr<sink_runner>> runners,
                       dispatcher_options options, core::metrics_registry& metrics)
    : runners_(std::move(runners)) {
  std::vector<std::string> names;
  for (const auto& r : runners_) names.push_back(r->name());
  router_ = std::make_unique<router>(std::move(options.routes),
                                     options.default_sinks.value_or(names), names, metrics);
  if (options.rate_limit) rate_limit_.emplace(*options.rate_limit, metrics);
  if (options.dedup) dedup_.emplace(*options.dedup, metrics);
}

bool dispatcher::route_and_push(const record_ptr& r, bool may_wait) {
  const std::uint64_t mask = router_->destinations(*r);
  bool all = true;
  for (std::size_t i = 0; i < runners_.size(); ++i) {
    if ((mask >> i & 1u) == 0) continue;
    // A durable runner confirms the record once it is durable there (or fails it); the
    // expectation is registered before the push so a fast confirmation cannot come first.
    const bool expects = r->ack && runners_[i]->durable();
    if (expects) r->ack->expect();
    if (!runners_[i]->push(r, may_wait)) {
      all = false;
      if (expects) r->ack->done(false);
    }
  }
  if (!all && r->ack) r->ack->poison();
  return all;
}

bool dispatcher::accept(const record_ptr& r) {
  const bool inform = r->pdu == "inform";
  if (rate_limit_ || dedup_) {
    std::lock_guard lock(mu_);
    const auto now = clock::now();
    if (rate_limit_ && !rate_limit_->admit(r, now)) return true;  // counted, summarised later
    if (dedup_ && !dedup_->admit(r, now)) return true;
  }
  return route_and_push(r, !inform);
}

void dispatcher::emit(std::vector<record> summaries) {
  for (auto& s : summaries) {
    route_and_push(std::make_shared<const record>(std::move(s)), true);
  }
}

void dispatcher::tick(clock::time_point now) {
  std::vector<record> due;
  {
    std::lock_guard lock(mu_);
    if (rate_limit_) due = rate_limit_->expire(now);
    if (dedup_) {
      auto more = dedup_->expire(now);
      due.insert(due.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
    }
  }
  emit(std::move(due));
}

void dispatcher::stop(std::chrono::milliseconds deadline) {
  std::vector<record> due;
  {
    std::lock_guard lock(mu_);
    if (rate_limit_) due = rate_limit_->flush();
    if (dedup_) {
      auto more = dedup_->flush();
      due.insert(due.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
    }
  }
  emit(std::move(due));
  // One deadline for all the runners, not one each.
  const auto end = clock::now() + deadline;
  for (auto& r : runners_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now());
    r->stop(std::max(left, std::chrono::milliseconds{0}));
  }
}

}  // namespace trapsink::pipeline
