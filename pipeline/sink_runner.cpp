// The sink runner: bounded queue, batching thread, retry with backoff, staged shutdown.
#include "pipeline/sink_runner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace trapsink::pipeline {
namespace {

/// A Prometheus label value with `\`, `"` and newlines escaped.
std::string label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

/// `sink="name"` plus an optional reason label.
std::string labels(const std::string& name, std::string_view reason = {}) {
  std::string out = "sink=\"" + label_value(name) + "\"";
  if (!reason.empty()) out += ",reason=\"" + std::string(reason) + "\"";
  return out;
}

/// The sink, checked for null before anything else uses it.
std::unique_ptr<sink> checked(std::unique_ptr<sink> s) {
  if (!s) throw std::invalid_argument("sink_runner: no sink given");
  return s;
}

/// The options, checked for values that cannot work.
sink_runner_options checked(sink_runner_options o) {
  if (o.queue_capacity == 0) throw std::invalid_argument("sink_runner: queue_capacity must be > 0");
  if (o.max_batch == 0) throw std::invalid_argument("sink_runner: max_batch must be > 0");
  if (o.initial_backoff.count() <= 0) o.initial_backoff = std::chrono::milliseconds{1};
  if (o.max_backoff < o.initial_backoff) o.max_backoff = o.initial_backoff;
  return o;
}

}  // namespace

sink_runner::sink_runner(std::unique_ptr<sink> s, core::metrics_registry& metrics,
                         sink_runner_options options)
    : sink_(checked(std::move(s))),
      options_(checked(std::move(options))),
      name_(options_.instance.empty() ? std::string(sink_->name()) : options_.instance),
      received_(metrics.get("trapsink_sink_received_total", labels(name_),
                            "Records offered to a sink's queue.")),
      sent_(metrics.get("trapsink_sink_sent_total", labels(name_), "Records a sink accepted.")),
      errors_(metrics.get("trapsink_sink_errors_total", labels(name_),
                          "Sink write calls that answered retry or drop.")),
      discarded_queue_full_(metrics.get("trapsink_sink_discarded_total",
                                        labels(name_, "queue_full"),
                                        "Records a sink gave up on, by reason.")),
      discarded_write_failed_(
          metrics.get("trapsink_sink_discarded_total", labels(name_, "write_failed"))),
      discarded_shutdown_(metrics.get("trapsink_sink_discarded_total", labels(name_, "shutdown"))) {
  batch_.reserve(options_.max_batch);
  thread_ = std::thread([this] { run(); });
}

sink_runner::~sink_runner() { stop(options_.destructor_deadline); }

bool sink_runner::try_push(record_ptr r) noexcept { return push(std::move(r), false); }

bool sink_runner::push(record_ptr r, bool may_wait) noexcept {
  received_.inc();
  const bool wait = may_wait && options_.overflow == sink_runner_options::overflow_policy::block;
  bool notify = false;
  try {
    std::unique_lock lock(mu_);
    if (wait && queue_.size() >= options_.queue_capacity && !stopping_) {
      ++waiting_producers_;
      space_cv_.wait_for(lock, options_.block_timeout,
                         [&] { return stopping_ || queue_.size() < options_.queue_capacity; });
      --waiting_producers_;
    }
    if (stopping_) {
      discarded_shutdown_.inc();
      return false;
    }
    if (queue_.size() >= options_.queue_capacity) {
      discarded_queue_full_.inc();
      return false;
    }
    queue_.push_back(std::move(r));
    if (wake_at_ != 0 && queue_.size() >= wake_at_) {
      wake_at_ = 0;
      notify = true;
    }
  } catch (...) {  // std::bad_alloc from the deque (or a lock failure): as a full queue
    discarded_queue_full_.inc();
    return false;
  }
  if (notify) cv_.notify_one();
  return true;
}

void sink_runner::stop(std::chrono::milliseconds deadline) {
  if (stopped_) return;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      // Clamp: a huge deadline (milliseconds::max()) must not overflow the time_point.
      deadline_ = clock::now() + std::clamp(deadline, std::chrono::milliseconds{0},
                                            std::chrono::milliseconds{std::chrono::hours{24}});
    }
  }
  cv_.notify_all();
  space_cv_.notify_all();  // producers waiting for space give up
  if (thread_.joinable()) thread_.join();
  stopped_ = true;
}

std::size_t sink_runner::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::optional<sink_problem> sink_runner::health() const {
  {
    std::lock_guard lock(health_mu_);
    if (failure_) return failure_;
  }
  return sink_->problem();
}

void sink_runner::note_failure(std::string_view fallback) noexcept {
  try {
    std::string why = sink_->last_error();
    if (why.empty()) {
      const auto p = sink_->problem();
      why = p ? p->error : std::string(fallback);
    }
    std::lock_guard lock(health_mu_);
    if (!failure_) {
      failure_.emplace();
      failure_->since = std::chrono::system_clock::now();
    }
    failure_->error = std::move(why);
  } catch (...) {  // std::bad_alloc: the health report keeps its previous text
  }
}

void sink_runner::run() noexcept {
  while (take_batch()) {
    deliver();
    batch_.clear();
  }
  discard_remaining();
  sink_->flush();
}

bool sink_runner::past_deadline_locked(clock::time_point now) const {
  return stopping_ && now >= deadline_;
}

bool sink_runner::take_batch() {
  std::unique_lock lock(mu_);
  while (queue_.empty() && !stopping_) {
    wake_at_ = 1;
    cv_.wait(lock);
  }
  wake_at_ = 0;
  if (queue_.empty() || past_deadline_locked(clock::now())) return false;

  // Linger for a fuller batch, unless shutting down (then write what there is at once).
  if (!stopping_ && queue_.size() < options_.max_batch && options_.linger.count() > 0) {
    const auto until = clock::now() + options_.linger;
    while (!stopping_ && queue_.size() < options_.max_batch) {
      wake_at_ = options_.max_batch;
      if (cv_.wait_until(lock, until) == std::cv_status::timeout) break;
    }
    wake_at_ = 0;
  }

  const std::size_t n = std::min(queue_.size(), options_.max_batch);
  for (std::size_t i = 0; i < n; ++i) {
    batch_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (waiting_producers_ > 0) space_cv_.notify_all();
  return true;
}

void sink_runner::deliver() {
  const std::uint64_t n = batch_.size();
  auto backoff = options_.initial_backoff;
  for (;;) {
    const write_result res = sink_->write(std::span<const record_ptr>(batch_));
    if (res == write_result::ok) {
      sent_.inc(n);
      if (options_.durable) {
        const bool any = std::any_of(batch_.begin(), batch_.end(),
                                     [](const record_ptr& r) { return r->ack != nullptr; });
        if (any) {
          const bool synced = sink_->sync();
          if (!synced) {
            spdlog::error(
                "sink {}: could not make a written batch durable; its informs stay "
                "unacknowledged (the senders retransmit them)",
                name_);
          }
          settle(batch_, synced);
        }
      }
      if (failing_) {
        spdlog::info("sink {}: writing again after {} failed attempt(s)", name_, burst_errors_);
        failing_ = false;
        burst_errors_ = 0;
        std::lock_guard lock(health_mu_);
        failure_.reset();
      }
      return;
    }
    errors_.inc();
    ++burst_errors_;
    note_failure(res == write_result::drop ? "write rejected a batch (discarded)"
                                           : "write failed (retrying)");
    if (res == write_result::drop) {
      discarded_write_failed_.inc(n);
      settle(batch_, false);
      if (!failing_) {
        spdlog::error(
            "sink {}: write rejected a batch of {} record(s); discarded (counted in "
            "trapsink_sink_discarded_total{{reason=\"write_failed\"}})",
            name_, n);
      }
      failing_ = true;
      return;
    }
    if (!failing_) {
      spdlog::warn("sink {}: write failed, retrying with backoff from {} ms", name_,
                   backoff.count());
      failing_ = true;
    }
    if (!backoff_wait(backoff)) {
      discarded_shutdown_.inc(n);
      settle(batch_, false);
      spdlog::error("sink {}: shutdown deadline passed while retrying; discarded {} record(s)",
                    name_, n);
      return;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool sink_runner::backoff_wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  const auto until = clock::now() + d;
  for (;;) {
    const auto now = clock::now();
    if (past_deadline_locked(now)) return false;
    if (now >= until) return true;
    // stop() notifies: the wait is then re-bounded by the deadline.
    cv_.wait_until(lock, stopping_ ? std::min(until, deadline_) : until);
  }
}

void sink_runner::discard_remaining() {
  std::deque<record_ptr> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  if (left.empty()) return;
  discarded_shutdown_.inc(left.size());
  for (const auto& r : left) settle(std::span<const record_ptr>(&r, 1), false);
  spdlog::error("sink {}: shutdown deadline passed; discarded {} queued record(s)", name_,
                left.size());
}

void sink_runner::settle(std::span<const record_ptr> records, bool ok) noexcept {
  if (!options_.durable) return;  // only durable runners were expected to confirm
  for (const auto& r : records) {
    if (r->ack) r->ack->done(ok);
  }
}

}  // namespace trapsink::pipeline
