#pragma once
// The JSON-lines sink: one record per line (docs/record.md), appended to a file or written to
// standard output. See pipeline/sinks/jsonl/README.md for options and failure behaviour.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/sink.hpp"

namespace trapsink::pipeline::sinks {

/// Options of the jsonl sink.
struct jsonl_options {
  /// The file to append to (created with mode 0640 if absent), or "-" for standard output.
  std::string path = "-";
  /// Encoded lines are gathered per batch and written with one write(2) once the buffer holds
  /// at least this many bytes, and always at the end of the batch.
  std::size_t buffer_size = 64 * 1024;
  /// Rotate once the file reaches this many bytes (checked after each batch); 0: never.
  std::uint64_t rotate_size = 0;
  /// Rotate when the file has been open this long; 0: never.
  std::chrono::seconds rotate_interval{0};
  /// Rotated files kept (PATH.1 newest ... PATH.N oldest); older ones are deleted.
  std::size_t keep = 10;
  /// gzip rotated files (PATH.1.gz ...).
  bool compress = false;
  /// When lines reach the disk: never fsync (the kernel writes them out; a power loss may lose
  /// the last seconds), or after every batch.
  enum class fsync_policy : std::uint8_t { never, batch } fsync = fsync_policy::never;

  bool operator==(const jsonl_options&) const = default;
};

/// Writes each record as one JSON line. Each write(batch) hands the whole batch to the kernel
/// before answering ok, so "sent" means "in the file" (not necessarily on disk: no fsync).
class jsonl_sink final : public sink {
 public:
  /// Open the file (append mode, created if absent). Throws std::system_error whose message
  /// names the path and the system error (e.g. "jsonl sink: cannot open '/x/y.jsonl': No such
  /// file or directory"), or std::invalid_argument for an empty path.
  explicit jsonl_sink(jsonl_options options);
  /// Writes out a torn line if one is pending, then closes the file (never standard output).
  ~jsonl_sink() override;

  jsonl_sink(const jsonl_sink&) = delete;
  jsonl_sink& operator=(const jsonl_sink&) = delete;

  /// "jsonl".
  std::string_view name() const noexcept override { return "jsonl"; }

  /// Encode and write the batch. On a write error (disk full, I/O error, a non-blocking pipe
  /// that is full) answers retry, keeping the unwritten bytes: the runner's retry of the same
  /// batch resumes exactly where the kernel stopped, so a line is never duplicated or torn.
  /// Logs the first error of a burst and the recovery, not every attempt.
  write_result write(std::span<const record_ptr> batch) noexcept override;

  /// Nothing is held back after an ok write; this writes out the rest of a torn line left by an
  /// abandoned batch so the file ends with a complete line.
  void flush() noexcept override;

  /// fdatasync the file (rotation and reopening sync the file they leave behind). False for
  /// standard output, which cannot be made durable.
  bool sync() noexcept override;

  /// "write to 'PATH' failed: REASON" for the last failed write.
  std::string last_error() const override { return last_error_; }

  /// The path written to ("-" for standard output).
  const std::string& path() const noexcept { return options_.path; }

  /// Close and reopen the file (SIGHUP, after logrotate moved it): before the next batch is
  /// written, or right after the batch being written now, so every line handed over after this
  /// call goes to the reopened path. Thread-safe (an atomic flag the writer thread consumes);
  /// a no-op for standard output.
  void request_reopen() noexcept { reopen_.store(true, std::memory_order_relaxed); }

 private:
  /// Write pending_[written_..] out; true when all of it was written.
  bool drain() noexcept;
  /// Drop every pending line that has not started, keeping the rest of a torn line.
  void abandon_pending() noexcept;
  /// Open options_.path for appending; false (logged) on failure.
  bool open_file() noexcept;
  /// Reopen the path if request_reopen() was called (and the flag is still set).
  void reopen_if_requested() noexcept;
  /// After a complete batch: reopen if asked, rotate if due, fsync if the policy says so.
  void after_batch() noexcept;
  /// Shift PATH.N ... PATH.1, move PATH to PATH.1 (compressing it if asked), reopen PATH.
  void rotate() noexcept;

  jsonl_options options_;
  int fd_ = -1;
  bool owns_fd_ = false;

  std::string pending_;      ///< encoded lines of the batch being written
  std::size_t written_ = 0;  ///< bytes of pending_ already written
  /// Identity of the batch whose bytes are in pending_ (to recognise the runner's retry).
  const record* batch_first_ = nullptr;
  std::string batch_first_id_;  ///< id of that first record, to tell a retry from a new batch
  std::size_t batch_size_ = 0;
  std::size_t encoded_ = 0;  ///< records of that batch already encoded into pending_
  bool failing_ = false;     ///< inside an error burst (for rate-limited logging)
  std::uint64_t burst_errors_ = 0;
  std::string last_error_;  ///< the last write error, for the runner's health report
  std::atomic<bool> reopen_{false};
  std::uint64_t file_size_ = 0;  ///< bytes in the current file
  std::chrono::steady_clock::time_point opened_at_;
};

/// The file options in words, for logs and check-config: "no rotation; fsync never" or
/// "rotate at 104857600 bytes or every 1d, keep 10, gzip; fsync batch".
std::string describe_file_options(const jsonl_options& o);

}  // namespace trapsink::pipeline::sinks
