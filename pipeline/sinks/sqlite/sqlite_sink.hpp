#pragma once
// The SQLite sink: the embedded default store. Each batch is one transaction of prepared
// multi-row inserts into `events` (one row per record, the whole record JSON included, up to
// sixteen records per statement) and `varbind_index` (one entry per search key of the batch,
// listing the seqs of the batch's events with that key; up to 32 entries per statement). WAL
// journal, so readers (`trapsink query`) never block the writer. Retention by age and/or row count
// runs inside the batches' transactions in small chunks. Schema, durability and failure behaviour:
// docs/storage.md and pipeline/sinks/sqlite/README.md.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/sink.hpp"
#include "pipeline/sinks/sqlite/sqlite_db.hpp"

namespace trapsink::pipeline::sinks {

/// How hard SQLite works to make a commit survive a crash of the machine (PRAGMA synchronous).
enum class sqlite_synchronous {
  /// WAL + NORMAL: a commit survives the process being killed at any moment; a power loss or
  /// kernel crash can lose the last commits since the previous checkpoint, never corrupt the
  /// database. No fsync per batch.
  normal,
  /// WAL + FULL: the WAL is fsynced at every commit, so a committed batch also survives a power
  /// loss. One fsync per batch.
  full,
};

/// "normal" / "full".
std::string_view name(sqlite_synchronous s) noexcept;

struct sqlite_options;

/// The retention of `o` for people: "delete events older than 30d or beyond 1000000 events", or
/// "none (events are kept forever)".
std::string describe_retention(const sqlite_options& o);

/// Options of the SQLite sink.
struct sqlite_options {
  /// The database file; created (mode 0640) when absent. Its directory must exist.
  std::string path;
  /// Delete events older than this (by their `time`); zero keeps events forever.
  std::chrono::milliseconds retention_age{0};
  /// Keep at most about this many events, deleting the oldest; zero means no limit.
  std::uint64_t retention_rows = 0;
  /// PRAGMA synchronous.
  sqlite_synchronous synchronous = sqlite_synchronous::normal;

  // Tuning (not in the configuration file; tests and benchmarks set them).
  /// How often retention is checked when there is no backlog.
  std::chrono::milliseconds retention_interval{1000};
  /// Most events deleted in one retention transaction.
  std::size_t retention_chunk = 1000;
  /// Most time one write() spends on retention after its batch is committed; a backlog left
  /// over is continued after the next batch.
  std::chrono::milliseconds retention_budget{50};
  /// How long a write waits for a lock held by another connection before answering retry.
  std::chrono::milliseconds busy_timeout{250};
  /// The SQLite VFS to use; empty is the default (tests register a fault-injecting one).
  std::string vfs{};

  bool operator==(const sqlite_options&) const = default;
};

/// Stores records in an SQLite database (see the file comment).
class sqlite_sink final : public sink {
 public:
  /// Create or open the database, set WAL and PRAGMA synchronous, apply the schema migrations
  /// and prepare the statements. Throws std::runtime_error subclasses whose message names the
  /// path and what to do: the directory does not exist, the file is read-only or not a database,
  /// the database belongs to another application or has a newer schema (sqlite::schema_error).
  explicit sqlite_sink(sqlite_options options);
  ~sqlite_sink() override;

  sqlite_sink(const sqlite_sink&) = delete;
  sqlite_sink& operator=(const sqlite_sink&) = delete;

  /// "sqlite".
  std::string_view name() const noexcept override { return "sqlite"; }

  /// Insert the batch in one transaction. ok: committed (visible to readers; durable as
  /// `synchronous` says). retry: a transient failure (database locked by another writer, disk
  /// full, I/O error, read-only file, out of memory): the transaction is rolled back and the
  /// runner retries the same batch; records already stored by an earlier attempt are not
  /// stored twice (same id). drop: the database is corrupt or refuses the batch for good. Runs
  /// due retention after a committed batch. Never throws.
  write_result write(std::span<const record_ptr> batch) noexcept override;

  /// Every ok batch is committed already; this runs a passive WAL checkpoint.
  void flush() noexcept override;

  /// Delete what retention says is due now, in chunks, for at most `budget` (tests use a large
  /// one). Returns the number of events deleted. Never throws (errors are logged).
  std::uint64_t apply_retention(std::chrono::milliseconds budget) noexcept;

  /// The options in use.
  const sqlite_options& options() const noexcept { return options_; }

  /// "writing a batch to 'PATH' failed: REASON (CODE)" for the last failed write.
  std::string last_error() const override { return last_error_; }

 private:
  /// What one retention pass did inside a transaction, applied once it commits.
  struct retention_run {
    bool active = false;       ///< retention ran in this transaction
    int rc = SQLITE_OK;        ///< its failure (then rolled back to its savepoint)
    bool may_count = true;     ///< an exact count(*) is allowed (start of a pass)
    std::int64_t rows = 0;     ///< events in the table, as far as known
    std::int64_t deleted = 0;  ///< events deleted
    std::size_t chunks = 0;
    bool more = false;  ///< more is due than was deleted
  };

  /// Insert the batch's records inside the open transaction; returns an SQLite result code.
  int insert_batch(std::span<const record_ptr> batch);
  /// Insert up to events_per_insert records with one statement, and queue their varbinds.
  int insert_events(std::span<const record* const> group);
  /// Bind one record as row `row` of a multi-row events insert, with this seq.
  int bind_event(sqlite::statement& st, std::size_t row, const record& r, std::int64_t seq);
  /// Add event `seq` to the batch's varbind_index entry of this varbind's search key.
  int add_varbind(std::int64_t seq, const snmp::message::varbind& v);
  /// Insert the batch's varbind_index entries, rows_per_index_insert at a time.
  int flush_index();
  /// The oids.id of an OID, adding it to the dictionary when new.
  int oid_id(const snmp::ber::oid& oid, std::int64_t& id);
  /// Forget dictionary entries added by a transaction that did not commit.
  void forget_new_oids() noexcept;
  /// Delete the varbind_index entries of buckets whose events are all gone, at most `limit`
  /// entries; `more` says whether some are left.
  int purge_index(std::int64_t limit, bool& more);
  /// Step a statement that returns no rows, reset it; SQLITE_OK or the error code.
  static int step_once(sqlite::statement& st) noexcept;
  /// Whether a retention pass is due (configured, and a backlog or the interval passed).
  bool retention_due() const noexcept;
  /// Delete one chunk of what is due inside the open transaction; updates run.
  int retention_chunk(retention_run& run);
  /// Chunks until nothing more is due or `budget` is spent.
  int retention_chunks(retention_run& run, std::chrono::milliseconds budget);
  /// Take over the outcome of a committed retention pass (estimate, backlog, next time, logs).
  void retention_committed(const retention_run& run) noexcept;
  /// Roll back a transaction left open by a failed step.
  void rollback() noexcept;
  /// Log the first failure of a burst.
  void note_failure(int rc, std::string_view what) noexcept;

  sqlite_options options_;
  sqlite::connection db_;
  sqlite::statement begin_;
  sqlite::statement commit_;
  sqlite::statement savepoint_;
  sqlite::statement release_;
  sqlite::statement rollback_to_;
  /// Most events inserted by one statement.
  static constexpr std::size_t events_per_insert = 16;
  /// insert_events_[k - 1] inserts k events (INSERT OR IGNORE, explicit seq).
  std::array<sqlite::statement, events_per_insert> insert_events_;
  sqlite::statement event_exists_;
  sqlite::statement max_seq_;
  /// Most varbind_index rows inserted by one statement.
  static constexpr std::size_t rows_per_index_insert = 32;
  /// insert_index_[k - 1] inserts k varbind_index rows.
  std::array<sqlite::statement, rows_per_index_insert> insert_index_;
  sqlite::statement find_oid_;
  sqlite::statement insert_oid_;
  sqlite::statement count_events_;
  sqlite::statement delete_older_;
  sqlite::statement delete_oldest_;
  sqlite::statement min_seq_;
  sqlite::statement purge_find_;
  sqlite::statement purge_below_;
  sqlite::statement purge_buckets_;

  /// Per row of a multi-row events insert: the texts being bound.
  struct event_texts {
    std::string json;  ///< the record JSON
    std::string community;
    std::string user;
    std::string context_name;
    std::string agent_address;  ///< derived when the record has none
  };
  std::array<event_texts, events_per_insert> texts_;
  /// The batch's varbind_index entries: a search key and the seqs of the events that have it.
  struct index_entry {
    std::string key;
    std::vector<std::int64_t> seqs;  ///< ascending
  };
  /// Most seqs in one entry (a larger group continues in another entry).
  static constexpr std::size_t max_seqs_per_entry = 1024;
  std::vector<index_entry> entries_;  ///< the first entries_used_ are this batch's
  std::size_t entries_used_ = 0;
  std::unordered_map<std::string, std::size_t> entry_of_key_;  ///< key -> index in entries_
  std::string key_buf_;
  std::array<std::string, rows_per_index_insert> seqs_texts_;  ///< JSON arrays being bound
  /// The next events.seq to give: above every seq stored or referenced by varbind_index, so a
  /// seq is never given twice (varbind_index entries of deleted events may remain until their
  /// bucket goes).
  std::int64_t next_seq_ = 1;
  /// The OID dictionary as far as this sink has used it: the OID's arcs (raw bytes) -> oids.id.
  std::unordered_map<std::string, std::int64_t> oid_ids_;
  std::vector<std::string> new_oids_;  ///< added by the open transaction
  std::string oid_key_;                ///< lookup buffer
  std::string oid_text_;

  using clock = std::chrono::steady_clock;
  bool retention_enabled_ = false;
  bool retention_backlog_ = false;      ///< the last pass stopped before everything due went
  clock::time_point next_retention_{};  ///< when the next pass is due (no backlog)
  std::int64_t rows_estimate_ = 0;      ///< events in the table, as far as this sink knows
  std::uint64_t pass_deleted_ = 0;      ///< deleted by the pass in progress
  std::size_t pass_chunks_ = 0;

  bool failing_ = false;  ///< inside a write error burst (for rate-limited logging)
  std::uint64_t burst_errors_ = 0;
  std::string last_error_;  ///< the last write error, for the runner's health report
  bool retention_failing_ = false;
};

}  // namespace trapsink::pipeline::sinks
