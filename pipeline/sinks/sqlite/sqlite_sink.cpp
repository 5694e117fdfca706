// The SQLite sink (pipeline/sinks/sqlite/README.md, docs/storage.md).
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>
#include <variant>

#include "pipeline/record/json_writer.hpp"
#include "pipeline/sinks/sqlite/schema.hpp"

namespace trapsink::pipeline::sinks {
namespace {

using snmp::ber::tag;
using sqlite::connection;
using sqlite::statement;

constexpr const char* insert_event_sql = R"sql(
INSERT INTO events (id, time, source_address, source_port, transport, version, pdu, community,
                    request_id, uptime, trap_oid, trap_name, agent_address, security_user,
                    security_level, security_engine_id, security_context_engine_id,
                    security_context_name, security_auth_protocol, security_priv_protocol,
                    v1_enterprise, v1_generic_trap, v1_specific_trap, record)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21, ?22, ?23, ?24)
ON CONFLICT(id) DO NOTHING)sql";

/// An insert of `rows` varbinds at once (one statement per record instead of one per varbind).
std::string insert_varbinds_sql(std::size_t rows) {
  std::string sql =
      "INSERT OR IGNORE INTO varbinds (event_seq, idx, oid, type, value, encoding) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)";
  // OR IGNORE, not ON CONFLICT: a multi-row insert that may abort needs a statement journal.
  return sql;
}

// Oldest first by the time index; the trigger removes their varbinds.
constexpr const char* delete_older_sql =
    "DELETE FROM events WHERE seq IN "
    "(SELECT seq FROM events WHERE time < ?1 ORDER BY time LIMIT ?2)";
constexpr const char* delete_oldest_sql =
    "DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY time LIMIT ?1)";

/// Octets under the OctetString rule of docs/record.md: the text when printable UTF-8, else
/// lowercase hex. Returns a view of the text itself, or of `buf` holding the hex.
std::string_view render_octets(const std::string& octets, std::string& buf) {
  if (json::is_printable_utf8(octets)) return octets;
  buf.clear();
  json::append_hex(buf, octets);
  return buf;
}

/// A varbind value as stored in varbinds.value: the record JSON's "value" as text (numbers in
/// decimal, OctetString text or hex, OIDs dotted). Returns the encoding ("text", "hex" or "");
/// `null` is set for Null and the exceptions (stored as NULL).
std::string_view render_value(const snmp::message::value& v, std::string& out, bool& null) {
  out.clear();
  null = false;
  switch (v.type) {
    case tag::integer:
      if (const auto* i = std::get_if<std::int32_t>(&v.data)) {
        json::append_int(out, *i);
        return {};
      }
      break;
    case tag::counter32:
    case tag::gauge32:
    case tag::timeticks:
      if (const auto* u = std::get_if<std::uint32_t>(&v.data)) {
        json::append_uint(out, *u);
        return {};
      }
      break;
    case tag::counter64:
      if (const auto* u = std::get_if<std::uint64_t>(&v.data)) {
        json::append_uint(out, *u);
        return {};
      }
      break;
    case tag::octet_string:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (json::is_printable_utf8(*s)) {
          out = *s;
          return "text";
        }
        json::append_hex(out, *s);
        return "hex";
      }
      break;
    case tag::opaque:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        json::append_hex(out, *s);
        return "hex";
      }
      break;
    case tag::ip_address:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (s->size() == 4) {
          json::append_dotted_octets(out, *s);
          return {};
        }
        json::append_hex(out, *s);
        return "hex";
      }
      break;
    case tag::object_identifier:
      if (const auto* o = std::get_if<snmp::ber::oid>(&v.data)) {
        json::append_arcs(out, o->arcs());
        return {};
      }
      break;
    default:
      break;
  }
  null = true;  // Null, noSuchObject, noSuchInstance, endOfMibView (and a mismatched payload)
  return {};
}

/// Whether a failure can go away by itself or through an operator (retry), or is for good.
write_result classify(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_CONSTRAINT:
    case SQLITE_RANGE:
    case SQLITE_MISUSE:
      return write_result::drop;
    default:  // BUSY, LOCKED, FULL, IOERR, NOMEM, READONLY, CANTOPEN, PERM, PROTOCOL, ...
      return write_result::retry;
  }
}

/// What an operator can do about a failure, appended to the log line.
std::string_view advice(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another connection holds the write lock (a long write transaction in the sqlite3 "
             "shell?); retrying";
    case SQLITE_FULL:
      return "the disk (or quota) is full: free space; retrying";
    case SQLITE_IOERR:
      return "I/O error: check the disk and the kernel log; retrying";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return "the file or its directory is not writable: check permissions and mounts; retrying";
    case SQLITE_NOMEM:
      return "out of memory; retrying";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the database is damaged: stop trapsink, move the file away and start again "
             "(`sqlite3 FILE .recover` can salvage rows); batches are discarded meanwhile";
    default:
      return classify(rc) == write_result::drop ? "the batch is discarded" : "retrying";
  }
}

/// Create the database file with mode 0640 if it does not exist (records carry community
/// strings; SQLite would create it 0644, and its -wal and -shm files copy the file's mode).
void create_if_absent(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno == EEXIST) return;
  const int err = errno;
  throw std::system_error(
      err, std::generic_category(),
      fmt::format("sqlite sink: cannot create '{}'{}", path,
                  err == ENOENT   ? " (create its directory first)"
                  : err == EACCES ? " (the directory is not writable by this user)"
                                  : ""));
}

}  // namespace

std::string_view name(sqlite_synchronous s) noexcept {
  return s == sqlite_synchronous::full ? "full" : "normal";
}

std::string describe_retention(const sqlite_options& o) {
  // The largest unit that divides the age: "30d", "12h", "90m", "45s" or "1500ms".
  auto age = [](std::int64_t ms) {
    if (ms % 86'400'000 == 0) return fmt::format("{}d", ms / 86'400'000);
    if (ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
    if (ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
    if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
  };
  std::string out;
  if (o.retention_age.count() > 0) out = "older than " + age(o.retention_age.count());
  if (o.retention_rows > 0) {
    out += fmt::format("{}beyond {} events", out.empty() ? "" : " or ", o.retention_rows);
  }
  return out.empty() ? std::string("none (events are kept forever)") : "delete events " + out;
}

sqlite_sink::sqlite_sink(sqlite_options options) : options_(std::move(options)) {
  const std::string& path = options_.path;
  if (path.empty()) throw std::invalid_argument("sqlite sink: empty database path");
  create_if_absent(path);
  db_ = connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                   options_.vfs, "sqlite sink");
  if (sqlite3_db_readonly(db_.get(), "main") == 1) {
    throw std::runtime_error(fmt::format(
        "sqlite sink: '{}' can only be opened read-only: make the file (and its directory, "
        "for the -wal and -shm files) writable by the user trapsink runs as",
        path));
  }
  sqlite3_busy_timeout(db_.get(), static_cast<int>(options_.busy_timeout.count()));
  try {
    // WAL: readers never block the writer nor the writer them; a commit appends to the WAL.
    const std::string mode = db_.pragma_text("PRAGMA journal_mode=WAL");
    if (mode != "wal") {
      throw std::runtime_error(fmt::format(
          "sqlite sink: '{}' cannot use write-ahead logging (journal mode stays '{}'); put the "
          "database on a local file system",
          path, mode));
    }
    db_.exec(options_.synchronous == sqlite_synchronous::full ? "PRAGMA synchronous=FULL"
                                                              : "PRAGMA synchronous=NORMAL",
             "sqlite sink");
    // Room for the indexes' hot pages (negative: KiB), and no temp files for sorts.
    db_.exec("PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY", "sqlite sink");
    const int before = sqlite::migrate(db_, path);
    if (before != sqlite::current_schema_version()) {
      spdlog::info("sqlite sink: '{}' {} schema version {}", path,
                   before == 0 ? "created with" : "migrated to", sqlite::current_schema_version());
    }
    begin_ = statement(db_, "BEGIN IMMEDIATE");
    commit_ = statement(db_, "COMMIT");
    savepoint_ = statement(db_, "SAVEPOINT retention");
    release_ = statement(db_, "RELEASE retention");
    rollback_to_ = statement(db_, "ROLLBACK TO retention");
    insert_event_ = statement(db_, insert_event_sql);
    for (std::size_t i = 0; i < insert_varbinds_.size(); ++i) {
      insert_varbinds_[i] = statement(db_, insert_varbinds_sql(i + 1));
    }
    count_events_ = statement(db_, "SELECT count(*) FROM events");
    delete_older_ = statement(db_, delete_older_sql);
    delete_oldest_ = statement(db_, delete_oldest_sql);
  } catch (const sqlite::schema_error& e) {
    throw sqlite::schema_error(fmt::format("sqlite sink: {}", e.what()));
  } catch (const sqlite::sqlite_error& e) {
    const int primary = e.primary();
    const bool not_db = primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
    throw sqlite::sqlite_error(
        e.code(), fmt::format("sqlite sink: '{}': {}{}", path, e.what(),
                              not_db ? " (the file is not an SQLite database, or is damaged; "
                                       "give another file)"
                              : primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY
                                  ? " (check that the file and its directory are "
                                    "writable)"
                                  : ""));
  }
  retention_enabled_ = options_.retention_age.count() > 0 || options_.retention_rows > 0;
  if (options_.retention_chunk == 0) options_.retention_chunk = 1;
  if (retention_enabled_) {
    if (options_.retention_rows > 0) {
      const int rc = count_events_.step();
      rows_estimate_ = rc == SQLITE_ROW ? count_events_.column_int(0) : 0;
      count_events_.reset();
    }
    // What is due already goes now, as far as the budget allows; a backlog left continues
    // with the first batches.
    apply_retention(options_.retention_budget);
  }
}

sqlite_sink::~sqlite_sink() = default;

void sqlite_sink::rollback() noexcept {
  if (sqlite3_get_autocommit(db_.get()) == 0) db_.try_exec("ROLLBACK");
}

void sqlite_sink::note_failure(int rc, std::string_view what) noexcept {
  ++burst_errors_;
  if (failing_) return;
  failing_ = true;
  try {
    spdlog::warn("sqlite sink: {} '{}' failed: {} ({}); {}", what, options_.path,
                 sqlite::describe(rc), rc, advice(rc));
  } catch (...) {  // logging must not throw out of write()
  }
}

int sqlite_sink::insert_record(const record& r) {
  statement& st = insert_event_;
  json_.clear();
  append_json(r, json_);
  const auto time_us =
      std::chrono::duration_cast<std::chrono::microseconds>(r.time.time_since_epoch()).count();

  int rc = SQLITE_OK;
  auto keep = [&rc](int b) {
    if (rc == SQLITE_OK && b != SQLITE_OK) rc = b;
  };
  keep(st.bind(1, std::string_view(r.id)));
  keep(st.bind(2, static_cast<std::int64_t>(time_us)));
  keep(st.bind(3, std::string_view(r.source.address)));
  keep(st.bind(4, static_cast<std::int64_t>(r.source.port)));
  keep(st.bind(5, std::string_view(r.source.transport)));
  keep(st.bind(6, std::string_view(r.version)));
  keep(st.bind(7, std::string_view(r.pdu)));
  if (r.community) keep(st.bind(8, render_octets(*r.community, community_)));
  if (r.request_id) keep(st.bind(9, static_cast<std::int64_t>(*r.request_id)));
  if (r.uptime) keep(st.bind(10, static_cast<std::int64_t>(*r.uptime)));
  keep(st.bind(11, std::string_view(r.trap_oid)));
  keep(st.bind(12, r.trap_name));
  std::string derived;
  if (r.agent_address.empty()) derived = derive_agent_address(r);  // as the JSON encoder does
  keep(st.bind(13, std::string_view(r.agent_address.empty() ? derived : r.agent_address)));
  if (const auto& sec = r.security) {
    keep(st.bind(14, render_octets(sec->user, user_)));
    keep(st.bind(15, std::string_view(sec->level)));
    keep(st.bind(16, std::string_view(sec->engine_id)));
    keep(st.bind(17, std::string_view(sec->context_engine_id)));
    keep(st.bind(18, render_octets(sec->context_name, context_name_)));
    keep(st.bind(19, std::string_view(sec->auth_protocol)));
    keep(st.bind(20, std::string_view(sec->priv_protocol)));
  }
  if (const auto& v1 = r.v1) {
    keep(st.bind(21, std::string_view(v1->enterprise)));
    keep(st.bind(22, static_cast<std::int64_t>(v1->generic_trap)));
    keep(st.bind(23, static_cast<std::int64_t>(v1->specific_trap)));
  }
  keep(st.bind(24, std::string_view(json_)));
  if (rc != SQLITE_OK) {
    st.reset();
    return rc;
  }
  rc = st.step();
  st.reset();  // clears the bindings: absent optionals are NULL for the next record
  if (rc != SQLITE_DONE) return rc;
  rc = SQLITE_OK;
  // Already stored (a retry of a batch whose commit went through): its varbinds are too.
  if (sqlite3_changes(db_.get()) == 0) return SQLITE_OK;

  const std::int64_t seq = sqlite3_last_insert_rowid(db_.get());
  const std::size_t n = r.varbinds.size();
  for (std::size_t first = 0; first < n;) {
    const std::size_t k = std::min(n - first, varbinds_per_insert);
    statement& vb = insert_varbinds_[k - 1];
    for (std::size_t j = 0; j < k; ++j) {
      const auto& v = r.varbinds[first + j];
      oid_[j].clear();
      json::append_arcs(oid_[j], v.name.arcs());
      bool null = false;
      const std::string_view encoding = render_value(v.val, value_[j], null);
      const int base = static_cast<int>(j) * 6;
      keep(vb.bind(base + 1, seq));
      keep(vb.bind(base + 2, static_cast<std::int64_t>(first + j)));
      keep(vb.bind(base + 3, std::string_view(oid_[j])));
      keep(vb.bind(base + 4, snmp::ber::smi_type_name(v.val.type)));
      if (!null) keep(vb.bind(base + 5, std::string_view(value_[j])));
      if (!encoding.empty()) keep(vb.bind(base + 6, encoding));
    }
    if (rc != SQLITE_OK) {
      vb.reset();
      return rc;
    }
    rc = vb.step();
    vb.reset();
    if (rc != SQLITE_DONE) return rc;
    rc = SQLITE_OK;
    first += k;
  }
  return SQLITE_OK;
}

int sqlite_sink::insert_batch(std::span<const record_ptr> batch) {
  for (const auto& r : batch) {
    if (!r) continue;
    const int rc = insert_record(*r);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int sqlite_sink::step_once(sqlite::statement& st) noexcept {
  const int rc = st.step();
  st.reset();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

write_result sqlite_sink::write(std::span<const record_ptr> batch) noexcept {
  if (batch.empty()) return write_result::ok;
  int rc = SQLITE_OK;
  retention_run run;
  try {
    rollback();  // a transaction a failed attempt could not roll back
    rc = step_once(begin_);
    if (rc == SQLITE_OK) rc = insert_batch(batch);
    // Retention inside the batch's transaction: the pages both touch are written once. Under a
    // savepoint, so a failing delete never costs the batch.
    if (rc == SQLITE_OK && retention_due()) {
      run.rows = rows_estimate_ + static_cast<std::int64_t>(batch.size());
      run.active = true;
      if (step_once(savepoint_) == SQLITE_OK) {
        run.rc = retention_chunks(run, options_.retention_budget);
        if (run.rc != SQLITE_OK) {
          step_once(rollback_to_);
          run.deleted = 0;
        }
        step_once(release_);
      }
    }
    if (rc == SQLITE_OK) rc = step_once(commit_);
  } catch (const std::bad_alloc&) {
    rc = SQLITE_NOMEM;
  } catch (...) {
    rc = SQLITE_ERROR;
  }
  if (rc != SQLITE_OK) {
    rollback();
    note_failure(rc, "writing a batch to");
    return classify(rc);
  }
  rows_estimate_ += static_cast<std::int64_t>(batch.size());
  if (run.active) retention_committed(run);
  if (failing_) {
    try {
      spdlog::info("sqlite sink: writing to '{}' again after {} failed attempt(s)", options_.path,
                   burst_errors_);
    } catch (...) {
    }
    failing_ = false;
    burst_errors_ = 0;
  }
  return write_result::ok;
}

bool sqlite_sink::retention_due() const noexcept {
  return retention_enabled_ && (retention_backlog_ || clock::now() >= next_retention_);
}

int sqlite_sink::retention_chunk(retention_run& run) {
  const auto chunk = static_cast<std::int64_t>(options_.retention_chunk);
  std::int64_t deleted = 0;
  run.more = false;
  if (options_.retention_age.count() > 0) {
    // In microseconds, clamped: "now - age" must not overflow for a huge age.
    const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    const std::int64_t age_ms =
        std::min<std::int64_t>(options_.retention_age.count(), std::int64_t{1'000'000'000'000'000});
    delete_older_.bind(1, now_us - age_ms * 1000);
    delete_older_.bind(2, chunk);
    const int rc = step_once(delete_older_);
    if (rc != SQLITE_OK) return rc;
    deleted += sqlite3_changes(db_.get());
    run.more = deleted >= chunk;
  }
  if (options_.retention_rows > 0 && deleted < chunk) {
    const auto limit = static_cast<std::int64_t>(options_.retention_rows);
    // Count exactly only at the start of a pass, and only when the running estimate says the
    // table may be over the limit; the count corrects the estimate (another connection may
    // have deleted rows, or a retried batch may have been stored already).
    if (run.may_count && run.rows - deleted > limit) {
      const int rc = count_events_.step();
      if (rc != SQLITE_ROW) {
        count_events_.reset();
        return rc;
      }
      run.rows = count_events_.column_int(0) + deleted;
      count_events_.reset();
    }
    const std::int64_t excess = run.rows - deleted - limit;
    if (excess > 0) {
      delete_oldest_.bind(1, std::min(excess, chunk - deleted));
      const int rc = step_once(delete_oldest_);
      if (rc != SQLITE_OK) return rc;
      const std::int64_t n = sqlite3_changes(db_.get());
      deleted += n;
      run.more = run.more || (n > 0 && excess > n);
    }
  }
  run.may_count = false;
  run.rows -= deleted;
  run.deleted += deleted;
  ++run.chunks;
  return SQLITE_OK;
}

int sqlite_sink::retention_chunks(retention_run& run, std::chrono::milliseconds budget) {
  run.may_count = !retention_backlog_;
  const auto start = clock::now();
  do {
    const int rc = retention_chunk(run);
    if (rc != SQLITE_OK) return rc;
  } while (run.more && clock::now() - start < budget);
  return SQLITE_OK;
}

void sqlite_sink::retention_committed(const retention_run& run) noexcept {
  if (run.rc != SQLITE_OK) {
    if (!retention_failing_) {
      try {
        spdlog::warn("sqlite sink: retention on '{}' failed: {} ({}); will try again",
                     options_.path, sqlite::describe(run.rc), run.rc);
      } catch (...) {
      }
    }
    retention_failing_ = true;
    retention_backlog_ = false;
    next_retention_ = clock::now() + options_.retention_interval;
    return;
  }
  retention_failing_ = false;
  rows_estimate_ = run.rows;
  retention_backlog_ = run.more;
  pass_deleted_ += static_cast<std::uint64_t>(run.deleted);
  pass_chunks_ += run.chunks;
  if (run.more) return;
  try {
    if (pass_chunks_ > 1 && pass_deleted_ > options_.retention_chunk) {
      spdlog::info("sqlite sink: retention deleted {} event(s) from '{}'", pass_deleted_,
                   options_.path);
    } else if (pass_deleted_ > 0) {
      spdlog::debug("sqlite sink: retention deleted {} event(s) from '{}'", pass_deleted_,
                    options_.path);
    }
  } catch (...) {
  }
  pass_deleted_ = 0;
  pass_chunks_ = 0;
  next_retention_ = clock::now() + options_.retention_interval;
}

std::uint64_t sqlite_sink::apply_retention(std::chrono::milliseconds budget) noexcept {
  if (!retention_enabled_) return 0;
  const auto start = clock::now();
  std::uint64_t total = 0;
  try {
    rollback();
    // One chunk per transaction: each commit is small.
    do {
      retention_run run;
      run.active = true;
      run.rows = rows_estimate_;
      run.may_count = !retention_backlog_;
      int rc = step_once(begin_);
      if (rc == SQLITE_OK) rc = retention_chunk(run);
      if (rc == SQLITE_OK) rc = step_once(commit_);
      if (rc != SQLITE_OK) {
        rollback();
        run.rc = rc;
        run.deleted = 0;
      }
      retention_committed(run);
      if (rc != SQLITE_OK) break;
      total += static_cast<std::uint64_t>(run.deleted);
    } while (retention_backlog_ && clock::now() - start < budget);
  } catch (...) {  // bad_alloc: try again later
    rollback();
    retention_backlog_ = false;
    next_retention_ = clock::now() + options_.retention_interval;
  }
  return total;
}

void sqlite_sink::flush() noexcept {
  rollback();
  sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

}  // namespace trapsink::pipeline::sinks
