#pragma once
// Durable inform acknowledgement (inform_ack: durable, docs/delivery.md). An inform's record
// carries a delivery_ack; the dispatcher expects one confirmation from every durable sink the
// record is routed to, and each such sink's runner confirms once the sink has made the record
// durable (SQLite commit, Kafka delivery report or spool fsync, JSON-lines fdatasync) or reports
// that it never will (write failed, shutdown). The receiver holds the ack while it hands the
// record over and releases it afterwards; when the last confirmation is in, the callback runs
// once, on whichever thread gave it, with ok = every confirmation succeeded and no queue refused
// the record.
#include <atomic>
#include <functional>
#include <utility>

namespace trapsink::pipeline {

class delivery_ack {
 public:
  /// `settled(ok)` runs exactly once, when release() and every expect()ed done() have been
  /// called. It must not throw (an exception is swallowed).
  explicit delivery_ack(std::function<void(bool ok)> settled) : settled_(std::move(settled)) {}

  delivery_ack(const delivery_ack&) = delete;
  delivery_ack& operator=(const delivery_ack&) = delete;

  /// One more confirmation is awaited. Only before release().
  void expect() noexcept { pending_.fetch_add(1, std::memory_order_relaxed); }

  /// One awaited confirmation arrived: ok, or the record will never be durable there.
  void done(bool ok) noexcept {
    if (!ok) failed_.store(true, std::memory_order_relaxed);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) settle();
  }

  /// The record was not accepted everywhere it was routed (a queue refused it): the outcome is
  /// a failure whatever the confirmations say.
  void poison() noexcept { failed_.store(true, std::memory_order_relaxed); }

  /// The creator's own hold, taken at construction: call exactly once, after handing over.
  void release() noexcept { done(true); }

 private:
  void settle() noexcept {
    auto f = std::move(settled_);
    settled_ = nullptr;  // drop what the callback captured
    try {
      if (f) f(!failed_.load(std::memory_order_relaxed));
    } catch (...) {
    }
  }

  std::atomic<int> pending_{1};
  std::atomic<bool> failed_{false};
  std::function<void(bool)> settled_;
};

}  // namespace trapsink::pipeline
