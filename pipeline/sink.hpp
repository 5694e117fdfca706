#pragma once
// The sink contract: a sink is built from validated options, then fed batches of records on its
// own thread by a sink_runner. A write never throws through the pipeline; it answers ok, retry
// (transient: the runner retries the batch with backoff) or drop (permanent: counted, discarded).
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {

/// The outcome of one batch write.
enum class write_result { ok, retry, drop };

/// Something that keeps a sink from delivering: the error and since when it lasts. /readyz
/// reports it and trapsink_sink_up is 0 while there is one.
struct sink_problem {
  std::string error;
  std::chrono::system_clock::time_point since{};
};

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
  /// Why the last write answered retry or drop, e.g. "write to 'x' failed: No space left on
  /// device"; empty: no more than the result. Called on the runner's thread, after such a write.
  virtual std::string last_error() const { return {}; }
  /// A problem the sink sees outside write() (the Kafka sink: no broker reachable), or none.
  /// Thread-safe: /readyz calls it from the HTTP thread.
  virtual std::optional<sink_problem> problem() const { return std::nullopt; }
};

}  // namespace trapsink::pipeline
