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
using sqlite::check;
using sqlite::connection;
using sqlite::statement;

/// An insert of `rows` events at once, each with its seq given. OR IGNORE: an event whose id is
/// stored already (a retried batch) is skipped, and a multi-row insert that may abort would need
/// a statement journal, which costs as much again.
std::string insert_events_sql(std::size_t rows) {
  std::string sql =
      "INSERT OR IGNORE INTO events (seq, id, time, source_address, source_port, transport, "
      "version, pdu, community, request_id, uptime, trap_oid, trap_name, agent_address, "
      "security_user, security_level, security_engine_id, security_context_engine_id, "
      "security_context_name, security_auth_protocol, security_priv_protocol, v1_enterprise, "
      "v1_generic_trap, v1_specific_trap, record) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i == 0 ? "(" : ",(";
    for (int c = 0; c < 25; ++c) sql += c == 0 ? "?" : ",?";
    sql += ")";
  }
  return sql;
}
constexpr int event_columns = 25;

/// An insert of `rows` varbind_index entries at once: key, first seq, and the JSON array of all
/// the seqs (NULL for one). OR IGNORE: an entry stored already by an earlier attempt.
std::string insert_index_sql(std::size_t rows) {
  std::string sql = "INSERT OR IGNORE INTO varbind_index (key, event_seq, seqs) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?,?,?)" : ",(?,?,?)";
  return sql;
}

/// Append v in lowercase hex, zero-padded to `width` (at most 16) digits: printf's %0<width>x.
void append_hex(std::string& out, std::uint64_t v, int width) {
  static constexpr char digits[] = "0123456789abcdef";
  char buf[16];
  int n = 16;
  do {
    buf[--n] = digits[v & 0xf];
    v >>= 4;
  } while (v != 0);
  while (16 - n < width) buf[--n] = '0';
  out.append(buf + n, static_cast<std::size_t>(16 - n));
}

// Oldest first by the time index. Their varbind_index entries go with their bucket
// (purge_index).
constexpr const char* delete_older_sql =
    "DELETE FROM events WHERE seq IN "
    "(SELECT seq FROM events WHERE time < ?1 ORDER BY time LIMIT ?2)";
constexpr const char* delete_oldest_sql =
    "DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY time LIMIT ?1)";
// The entry `limit` places into the buckets wholly below the oldest event, and the deletes up to
// it or of all of them: range deletes from the start of the table.
constexpr const char* purge_find_sql =
    "SELECT key, event_seq FROM varbind_index WHERE key < printf('%08x', ?1) "
    "ORDER BY key, event_seq LIMIT 1 OFFSET ?2";
constexpr const char* purge_below_sql =
    "DELETE FROM varbind_index WHERE (key, event_seq) < (?1, ?2)";
constexpr const char* purge_buckets_sql =
    "DELETE FROM varbind_index WHERE key < printf('%08x', ?1)";

/// Octets under the OctetString rule of docs/record.md: the text when printable UTF-8, else
/// lowercase hex. Returns a view of the text itself, or of `buf` holding the hex.
std::string_view render_octets(const std::string& octets, std::string& buf) {
  if (json::is_printable_utf8(octets)) return octets;
  buf.clear();
  json::append_hex(buf, octets);
  return buf;
}

/// Append a varbind value as the varbinds view gives it: the record JSON's "value" as text
/// (numbers in decimal, OctetString text or hex, OIDs dotted). Returns the encoding ("text",
/// "hex" or ""); `null` is set for Null and the exceptions (nothing appended).
std::string_view render_value(const snmp::message::value& v, std::string& out, bool& null) {
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
          out += *s;
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
    // 16 KiB pages for a new database (no effect on an existing one): a quarter of the WAL
    // frames and write calls of 4 KiB pages, and 3 % fewer instructions per insert.
    db_.exec("PRAGMA page_size=16384", "sqlite sink");
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
    // A checkpoint (copying the WAL into the database, two fsyncs) once the WAL holds 64 MiB
    // rather than SQLite's 1000 pages: the pages every batch rewrites (the ends of the indexes)
    // are copied once per 64 MiB, and the fsyncs are rarer. About 14 % more records/s here; a
    // power loss (not a killed process) can lose up to that much WAL with synchronous=normal.
    db_.exec(fmt::format(
                 "PRAGMA wal_autocheckpoint={}",
                 std::int64_t{64 << 20} / std::max<std::int64_t>(db_.pragma_int("page_size"), 512))
                 .c_str(),
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
    for (std::size_t i = 0; i < insert_events_.size(); ++i) {
      insert_events_[i] = statement(db_, insert_events_sql(i + 1));
    }
    event_exists_ = statement(db_, "SELECT 1 FROM events WHERE seq = ?1");
    max_seq_ = statement(db_, "SELECT max(seq) FROM events");
    for (std::size_t i = 0; i < insert_index_.size(); ++i) {
      insert_index_[i] = statement(db_, insert_index_sql(i + 1));
    }
    find_oid_ = statement(db_, "SELECT id FROM oids WHERE oid = ?1");
    insert_oid_ = statement(db_, "INSERT INTO oids (oid) VALUES (?1)");
    count_events_ = statement(db_, "SELECT count(*) FROM events");
    delete_older_ = statement(db_, delete_older_sql);
    delete_oldest_ = statement(db_, delete_oldest_sql);
    min_seq_ = statement(db_, "SELECT min(seq) FROM events");
    purge_find_ = statement(db_, purge_find_sql);
    purge_below_ = statement(db_, purge_below_sql);
    purge_buckets_ = statement(db_, purge_buckets_sql);
    // Above every seq stored, and every seq the index still refers to (the last bucket's).
    statement last(db_,
                   "SELECT max(coalesce((SELECT max(seq) FROM events), 0), "
                   "coalesce((SELECT max(coalesce(seqs ->> '$[#-1]', event_seq)) FROM "
                   "varbind_index WHERE key >= "
                   "(SELECT substr(max(key), 1, 8) FROM varbind_index)), 0))");
    check(db_, last.step(), "reading the last seq");
    next_seq_ = last.column_int(0) + 1;
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
  try {
    last_error_ =
        fmt::format("{} '{}' failed: {} ({})", what, options_.path, sqlite::describe(rc), rc);
  } catch (...) {  // std::bad_alloc: keep the previous text
  }
  if (failing_) return;
  failing_ = true;
  try {
    spdlog::warn("sqlite sink: {} '{}' failed: {} ({}); {}", what, options_.path,
                 sqlite::describe(rc), rc, advice(rc));
  } catch (...) {  // logging must not throw out of write()
  }
}

int sqlite_sink::bind_event(statement& st, std::size_t row, const record& r, std::int64_t seq) {
  event_texts& t = texts_[row];
  t.json.clear();
  append_json(r, t.json);
  const auto time_us =
      std::chrono::duration_cast<std::chrono::microseconds>(r.time.time_since_epoch()).count();
  // Every parameter is bound (NULL when absent): the statement is reset without clearing them.
  const int p = static_cast<int>(row) * event_columns;
  int rc = SQLITE_OK;
  auto keep = [&rc](int b) {
    if (rc == SQLITE_OK && b != SQLITE_OK) rc = b;
  };
  auto optional_int = [&](int i, auto v) {
    keep(v ? st.bind(p + i, static_cast<std::int64_t>(*v)) : st.bind_null(p + i));
  };
  keep(st.bind(p + 1, seq));
  keep(st.bind(p + 2, std::string_view(r.id)));
  keep(st.bind(p + 3, static_cast<std::int64_t>(time_us)));
  keep(st.bind(p + 4, std::string_view(r.source.address)));
  keep(st.bind(p + 5, static_cast<std::int64_t>(r.source.port)));
  keep(st.bind(p + 6, std::string_view(r.source.transport)));
  keep(st.bind(p + 7, std::string_view(r.version)));
  keep(st.bind(p + 8, std::string_view(r.pdu)));
  keep(r.community ? st.bind(p + 9, render_octets(*r.community, t.community))
                   : st.bind_null(p + 9));
  optional_int(10, r.request_id);
  optional_int(11, r.uptime);
  keep(st.bind(p + 12, std::string_view(r.trap_oid)));
  keep(st.bind(p + 13, r.trap_name));
  if (r.agent_address.empty()) {
    t.agent_address = derive_agent_address(r);  // as the JSON encoder does
    keep(st.bind(p + 14, std::string_view(t.agent_address)));
  } else {
    keep(st.bind(p + 14, std::string_view(r.agent_address)));
  }
  if (const auto& sec = r.security) {
    keep(st.bind(p + 15, render_octets(sec->user, t.user)));
    keep(st.bind(p + 16, std::string_view(sec->level)));
    keep(st.bind(p + 17, std::string_view(sec->engine_id)));
    keep(st.bind(p + 18, std::string_view(sec->context_engine_id)));
    keep(st.bind(p + 19, render_octets(sec->context_name, t.context_name)));
    keep(st.bind(p + 20, std::string_view(sec->auth_protocol)));
    keep(st.bind(p + 21, std::string_view(sec->priv_protocol)));
  } else {
    for (int i = 15; i <= 21; ++i) keep(st.bind_null(p + i));
  }
  if (const auto& v1 = r.v1) {
    keep(st.bind(p + 22, std::string_view(v1->enterprise)));
    keep(st.bind(p + 23, static_cast<std::int64_t>(v1->generic_trap)));
    keep(st.bind(p + 24, static_cast<std::int64_t>(v1->specific_trap)));
  } else {
    for (int i = 22; i <= 24; ++i) keep(st.bind_null(p + i));
  }
  keep(st.bind(p + 25, std::string_view(t.json)));
  return rc;
}

int sqlite_sink::insert_events(std::span<const record* const> group) {
  const std::size_t k = group.size();
  statement& st = insert_events_[k - 1];
  int rc = SQLITE_OK;
  for (std::size_t j = 0; j < k && rc == SQLITE_OK; ++j) {
    rc = bind_event(st, j, *group[j], next_seq_ + static_cast<std::int64_t>(j));
  }
  if (rc == SQLITE_OK) rc = st.step();
  sqlite3_reset(st.get());
  if (rc != SQLITE_DONE) return rc == SQLITE_OK ? SQLITE_ERROR : rc;
  // Fewer rows than given: some ids were stored already (a retry of a batch whose commit went
  // through). Their varbinds are stored too; find which seqs were taken.
  const bool all = static_cast<std::size_t>(sqlite3_changes(db_.get())) == k;
  for (std::size_t j = 0; j < k; ++j) {
    const std::int64_t seq = next_seq_ + static_cast<std::int64_t>(j);
    if (!all) {
      event_exists_.bind(1, seq);
      rc = event_exists_.step();
      event_exists_.reset();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return rc;
    }
    for (const auto& v : group[j]->varbinds) {
      rc = add_varbind(seq, v);
      if (rc != SQLITE_OK) return rc;
    }
  }
  next_seq_ += static_cast<std::int64_t>(k);
  return SQLITE_OK;
}

int sqlite_sink::oid_id(const snmp::ber::oid& oid, std::int64_t& id) {
  const auto arcs = oid.arcs();
  oid_key_.assign(reinterpret_cast<const char*>(arcs.data()), arcs.size_bytes());
  if (const auto it = oid_ids_.find(oid_key_); it != oid_ids_.end()) {
    id = it->second;
    return SQLITE_OK;
  }
  oid_text_.clear();
  json::append_arcs(oid_text_, arcs);
  find_oid_.bind(1, std::string_view(oid_text_));
  int rc = find_oid_.step();
  if (rc == SQLITE_ROW) {
    id = find_oid_.column_int(0);
    find_oid_.reset();
  } else {
    find_oid_.reset();
    if (rc != SQLITE_DONE) return rc;
    insert_oid_.bind(1, std::string_view(oid_text_));
    rc = step_once(insert_oid_);
    if (rc != SQLITE_OK) return rc;
    id = sqlite3_last_insert_rowid(db_.get());
  }
  // A bounded cache: a store that sees millions of distinct OIDs looks the rare ones up again.
  if (oid_ids_.size() >= 1'000'000) {
    oid_ids_.clear();
    new_oids_.clear();
  }
  oid_ids_.emplace(oid_key_, id);
  new_oids_.push_back(oid_key_);
  return SQLITE_OK;
}

void sqlite_sink::forget_new_oids() noexcept {
  for (const auto& key : new_oids_) oid_ids_.erase(key);
  new_oids_.clear();
}

int sqlite_sink::add_varbind(std::int64_t seq, const snmp::message::varbind& v) {
  std::int64_t oid = 0;
  const int rc = oid_id(v.name, oid);
  if (rc != SQLITE_OK) return rc;
  std::string& key = key_buf_;
  key.clear();
  append_hex(key, static_cast<std::uint64_t>(seq >> sqlite::varbind_bucket_shift), 8);
  append_hex(key, static_cast<std::uint64_t>(oid), 8);
  key += 't';
  bool null = false;
  render_value(v.val, key, null);
  if (null) key.back() = 'n';
  const auto [it, added] = entry_of_key_.try_emplace(key, entries_used_);
  if (!added) {
    index_entry& e = entries_[it->second];
    if (e.seqs.back() == seq) return SQLITE_OK;  // the same OID and value twice in one event
    if (e.seqs.size() < max_seqs_per_entry) {
      e.seqs.push_back(seq);
      return SQLITE_OK;
    }
    it->second = entries_used_;  // full: later seqs go to a new entry
  }
  if (entries_used_ == entries_.size()) entries_.emplace_back();
  index_entry& e = entries_[entries_used_++];
  e.key = key;
  e.seqs.clear();
  e.seqs.push_back(seq);
  return SQLITE_OK;
}

int sqlite_sink::flush_index() {
  // In the order the keys first came (sorting them by key cost more than it saved).
  for (std::size_t done = 0; done < entries_used_;) {
    const std::size_t n = std::min(rows_per_index_insert, entries_used_ - done);
    statement& st = insert_index_[n - 1];
    int rc = SQLITE_OK;
    auto keep = [&rc](int b) {
      if (rc == SQLITE_OK && b != SQLITE_OK) rc = b;
    };
    for (std::size_t i = 0; i < n; ++i) {
      const index_entry& e = entries_[done + i];
      const int p = static_cast<int>(i) * 3;
      keep(st.bind(p + 1, std::string_view(e.key)));
      keep(st.bind(p + 2, e.seqs.front()));
      if (e.seqs.size() == 1) {
        keep(st.bind_null(p + 3));
      } else {
        std::string& t = seqs_texts_[i];
        t.clear();
        t += '[';
        for (const std::int64_t q : e.seqs) {
          json::append_int(t, q);
          t += ',';
        }
        t.back() = ']';
        keep(st.bind(p + 3, std::string_view(t)));
      }
    }
    if (rc == SQLITE_OK) rc = st.step();
    sqlite3_reset(st.get());
    if (rc != SQLITE_DONE) return rc == SQLITE_OK ? SQLITE_ERROR : rc;
    done += n;
  }
  return SQLITE_OK;
}

int sqlite_sink::insert_batch(std::span<const record_ptr> batch) {
  // Seqs continue above the stored ones (another connection may have written meanwhile).
  int rc = max_seq_.step();
  if (rc != SQLITE_ROW) {
    max_seq_.reset();
    return rc;
  }
  next_seq_ = std::max(next_seq_, max_seq_.column_int(0) + 1);
  max_seq_.reset();
  entries_used_ = 0;
  entry_of_key_.clear();
  std::array<const record*, events_per_insert> group{};
  std::size_t n = 0;
  for (const auto& r : batch) {
    if (!r) continue;
    group[n++] = r.get();
    if (n == group.size()) {
      rc = insert_events({group.data(), n});
      if (rc != SQLITE_OK) return rc;
      n = 0;
    }
  }
  if (n > 0) {
    rc = insert_events({group.data(), n});
    if (rc != SQLITE_OK) return rc;
  }
  return flush_index();
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
    forget_new_oids();
    note_failure(rc, "writing a batch to");
    return classify(rc);
  }
  new_oids_.clear();
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
  // The index entries of buckets whose events are all gone, as many as the events deleted have
  // (six varbinds each is typical), so the index keeps up with the events.
  bool purge_more = false;
  const int rc = purge_index(chunk * 8, purge_more);
  if (rc != SQLITE_OK) return rc;
  run.more = run.more || purge_more;
  run.may_count = false;
  run.rows -= deleted;
  run.deleted += deleted;
  ++run.chunks;
  return SQLITE_OK;
}

int sqlite_sink::purge_index(std::int64_t limit, bool& more) {
  more = false;
  // Buckets below the oldest event's hold only entries of deleted events.
  int rc = min_seq_.step();
  if (rc != SQLITE_ROW) {
    min_seq_.reset();
    return rc;
  }
  const std::int64_t oldest = min_seq_.column_is_null(0) ? next_seq_ : min_seq_.column_int(0);
  min_seq_.reset();
  const std::int64_t below = oldest >> sqlite::varbind_bucket_shift;
  purge_find_.bind(1, below);
  purge_find_.bind(2, limit);
  rc = purge_find_.step();
  if (rc == SQLITE_ROW) {
    // More than `limit` are due: delete the first `limit` (the keys before this one).
    for (int i = 0; i < 2; ++i) {
      sqlite3_bind_value(purge_below_.get(), i + 1, sqlite3_column_value(purge_find_.get(), i));
    }
    purge_find_.reset();
    more = true;
    return step_once(purge_below_);
  }
  purge_find_.reset();
  if (rc != SQLITE_DONE) return rc;
  purge_buckets_.bind(1, below);
  return step_once(purge_buckets_);
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
