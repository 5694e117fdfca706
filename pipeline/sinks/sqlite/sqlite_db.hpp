#pragma once
// A thin RAII layer over the SQLite C API (sqlite3.h), shared by the SQLite sink and by the
// store library that reads the database back: a connection, a prepared statement with typed
// binds and reads, and an exception that carries SQLite's result code and message.
//
// Only what trapsink needs; every function that can fail either throws sqlite_error (startup,
// queries) or returns the SQLite result code (the sink's write path, which must not throw).
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trapsink::pipeline::sinks::sqlite {

/// An SQLite failure: what() is "CONTEXT: MESSAGE" with SQLite's own message; code() the
/// (extended) result code, e.g. SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR_WRITE.
class sqlite_error : public std::runtime_error {
 public:
  sqlite_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  /// The extended result code.
  int code() const noexcept { return code_; }
  /// The primary result code (code() & 0xff).
  int primary() const noexcept { return code_ & 0xff; }

 private:
  int code_;
};

/// One database connection, closed on destruction. Not thread-safe: use it from one thread at a
/// time (the sink's thread, or the query's).
class connection {
 public:
  /// Not connected.
  connection() = default;
  /// Open `path` with sqlite3_open_v2 flags (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, or
  /// SQLITE_OPEN_READONLY); `vfs` empty means the default VFS. Extended result codes are on.
  /// Throws sqlite_error("CONTEXT: cannot open 'PATH': REASON").
  connection(const std::string& path, int flags, const std::string& vfs = {},
             std::string_view context = "sqlite");
  ~connection();
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// The handle (null when not connected).
  sqlite3* get() const noexcept { return db_; }
  /// The path given at open.
  const std::string& path() const noexcept { return path_; }

  /// Run one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT). Throws
  /// sqlite_error("CONTEXT: MESSAGE").
  void exec(const char* sql, std::string_view context = "sqlite");
  /// As exec, but returns the result code instead of throwing.
  int try_exec(const char* sql) noexcept;

  /// The integer value of `PRAGMA name` (user_version, application_id, ...). Throws.
  std::int64_t pragma_int(const char* name);
  /// The text value of a PRAGMA statement such as "PRAGMA journal_mode=WAL". Throws.
  std::string pragma_text(const char* sql);

  /// The current error message of the connection.
  std::string errmsg() const;

 private:
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::string path_;
};

/// A prepared statement, finalized on destruction. Bind indexes count from 1; column indexes
/// from 0 (as in the C API).
class statement {
 public:
  statement() = default;
  /// Prepare sql on db (SQLITE_PREPARE_PERSISTENT: meant to be reused). Throws sqlite_error.
  statement(connection& db, std::string_view sql);
  ~statement();
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  /// The handle.
  sqlite3_stmt* get() const noexcept { return stmt_; }

  /// Bind a value. Text is bound SQLITE_STATIC: it must stay valid until the statement is reset
  /// (the caller steps and resets before the text goes away). Return the SQLite result code.
  int bind(int i, std::int64_t v) noexcept { return sqlite3_bind_int64(stmt_, i, v); }
  int bind(int i, std::string_view text) noexcept {
    return sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  int bind_null(int i) noexcept { return sqlite3_bind_null(stmt_, i); }
  /// Bind text, or NULL when absent.
  int bind(int i, const std::optional<std::string>& text) noexcept {
    return text ? bind(i, std::string_view(*text)) : bind_null(i);
  }
  /// Bind a text copy (SQLITE_TRANSIENT), for values that do not outlive the call.
  int bind_copy(int i, std::string_view text) noexcept {
    return sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }

  /// sqlite3_step: SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept { return sqlite3_step(stmt_); }
  /// Reset for the next execution and clear the bindings. Returns nothing: the error of a
  /// failed step was already reported by step().
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  /// Step once, expecting SQLITE_DONE, then reset. Throws sqlite_error on an error.
  void run(connection& db, std::string_view context);

  /// Column values of the current row.
  std::int64_t column_int(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }
  bool column_is_null(int i) const noexcept { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string column_text(int i) const;
  std::optional<std::string> column_optional_text(int i) const;
  std::optional<std::int64_t> column_optional_int(int i) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// Throws sqlite_error(rc, "CONTEXT: MESSAGE") with the connection's message when rc is an
/// error (neither SQLITE_OK, SQLITE_ROW nor SQLITE_DONE).
void check(connection& db, int rc, std::string_view context);

/// sqlite3_errstr for a result code ("database is locked", "database or disk is full").
std::string describe(int rc);

}  // namespace trapsink::pipeline::sinks::sqlite
