#pragma once
// The sink contract: a sink is built from validated options, then fed batches of records on its
// own thread by a sink_runner. A write never throws through the pipeline; it answers ok, retry
// (transient: the runner retries the batch with backoff) or drop (permanent: counted, discarded).
#include <span>
#include <string>
#include <string_view>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {

/// The outcome of one batch write.
enum class write_result { ok, retry, drop };

/// A destination for records. Called from exactly one thread (its runner's).
class sink {
 public:
  virtual ~sink() = default;
  /// Short name used in logs and metric labels ("jsonl", "sqlite", "kafka").
  virtual std::string_view name() const noexcept = 0;
  /// Write a batch. Must not throw.
  virtual write_result write(std::span<const record_ptr> batch) noexcept = 0;
  /// Make everything written so far durable/visible (fflush, commit, producer flush).
  virtual void flush() noexcept = 0;
  /// For inform_ack: durable: make what write() answered ok for survive a crash of this
  /// process (and, as far as the sink's settings go, of the machine) before the informs in it
  /// are acknowledged. Sinks whose ok already means that (SQLite commits in write, Kafka answers
  /// ok on delivery reports or a synced spool) keep this default. False: it could not be done.
  virtual bool sync() noexcept { return true; }
};

}  // namespace trapsink::pipeline
