// RAII over the SQLite C API (pipeline/sinks/sqlite/sqlite_db.hpp).
#include "pipeline/sinks/sqlite/sqlite_db.hpp"

#include <fmt/format.h>

#include <utility>

namespace trapsink::pipeline::sinks::sqlite {

std::string describe(int rc) { return sqlite3_errstr(rc); }

namespace {

/// Before the process's first connection: no memory statistics (trapsink reads none; keeping
/// them takes a global mutex and bookkeeping on every allocation, about 7 % of an insert).
/// sqlite3_config only works before SQLite is initialized; later it is refused and changes
/// nothing.
void configure_once() noexcept {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

}  // namespace

connection::connection(const std::string& path, int flags, const std::string& vfs,
                       std::string_view context)
    : path_(path) {
  configure_once();
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_EXRESCODE,
                                 vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 may give a handle even on failure: it carries the message, then goes.
    std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : describe(rc);
    close();
    throw sqlite_error(rc, fmt::format("{}: cannot open '{}': {}", context, path, why));
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() { close(); }

connection::connection(connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void connection::close() noexcept {
  if (db_ != nullptr) {
    // Statements are owned by their `statement` objects and finalized first by their owners;
    // sqlite3_close_v2 defers the close until the last of them is gone in any case.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

std::string connection::errmsg() const {
  return db_ != nullptr ? std::string(sqlite3_errmsg(db_)) : std::string("not connected");
}

int connection::try_exec(const char* sql) noexcept {
  return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
}

void connection::exec(const char* sql, std::string_view context) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string why = msg != nullptr ? std::string(msg) : describe(rc);
    sqlite3_free(msg);
    throw sqlite_error(rc, fmt::format("{}: {}", context, why));
  }
}

std::int64_t connection::pragma_int(const char* name) {
  statement st(*this, fmt::format("PRAGMA {}", name));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return st.column_int(0);
  check(*this, rc, fmt::format("PRAGMA {}", name));
  return 0;
}

std::string connection::pragma_text(const char* sql) {
  statement st(*this, sql);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return st.column_text(0);
  check(*this, rc, sql);
  return {};
}

statement::statement(connection& db, std::string_view sql) {
  const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    throw sqlite_error(rc, fmt::format("cannot prepare '{}': {}", sql, db.errmsg()));
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement::statement(statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void statement::run(connection& db, std::string_view context) {
  const int rc = step();
  reset();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) check(db, rc, context);
}

std::string statement::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::optional<std::string> statement::column_optional_text(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_text(i);
}

std::optional<std::int64_t> statement::column_optional_int(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_int(i);
}

void check(connection& db, int rc, std::string_view context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  // The connection's message is about its last call; when it does not match rc, SQLite's
  // description of the code is the more accurate one.
  const int last = db.get() != nullptr ? sqlite3_extended_errcode(db.get()) : rc;
  const std::string why = last == rc ? db.errmsg() : describe(rc);
  throw sqlite_error(rc, fmt::format("{}: {}", context, why));
}

}  // namespace trapsink::pipeline::sinks::sqlite
