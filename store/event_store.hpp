#pragma once
// Reading the SQLite store back (docs/storage.md): the events a query selects, newest first,
// and the events stored after a known one (to follow a database as it grows). Read-only: it
// never changes the database, and in WAL mode it never blocks the sink that writes it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/sinks/sqlite/sqlite_db.hpp"
#include "store/query.hpp"

namespace trapsink::store {

/// The database cannot be read: it does not exist, is not a trapsink database, has another
/// schema version, or SQLite fails. what() says what to do. The CLI answers exit code 1.
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One stored event, as queries return it: the main columns and the whole record.
struct event {
  std::int64_t seq = 0;  ///< the row's number in events (grows as events are stored)
  std::string id;
  std::int64_t time_us = 0;  ///< microseconds since the Unix epoch
  std::string source_address;
  std::int64_t source_port = 0;
  std::string transport;
  std::string version;
  std::string pdu;
  std::string trap_oid;
  std::optional<std::string> trap_name;
  std::string agent_address;
  /// The record JSON (docs/record.md), byte for byte what the JSON-lines sink writes.
  std::string record;
};

/// A read-only connection to a trapsink SQLite database.
class event_store {
 public:
  /// Open `path` read-only. Throws store_error when the file does not exist (the message says
  /// how to create it), is not a trapsink database, has a schema version other than this
  /// trapsink's, or cannot be opened.
  explicit event_store(const std::string& path);

  /// The newest events matching q, newest first (by time, then by seq), at most q.limit.
  /// Throws store_error on an SQLite failure.
  std::vector<event> newest(const query& q);

  /// The events matching q in the order they were stored (by seq, oldest first), at most
  /// q.limit. With q.after_seq, this reads what arrived since. Throws store_error.
  std::vector<event> in_stored_order(const query& q);

  /// The greatest seq in the database (0 when it holds no event). Throws store_error.
  std::int64_t last_seq();

  /// The path opened.
  const std::string& path() const noexcept { return db_.path(); }

 private:
  std::vector<event> run(const query& q, bool newest_first);

  pipeline::sinks::sqlite::connection db_;
};

}  // namespace trapsink::store
