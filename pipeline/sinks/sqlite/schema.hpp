#pragma once
// The SQLite store's schema (docs/storage.md) and its migrations. The schema version is the
// database's PRAGMA user_version; the database is marked as trapsink's with PRAGMA
// application_id. Opening a database applies every migration it has not had yet, one
// transaction per step. A database newer than this code is refused, never touched.
//
// To change the schema: append one function to the list in schema.cpp (its version is the next
// number), describe the change in docs/storage.md, and add a test that a database of the
// previous version is carried over. Never edit a migration that has shipped.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pipeline/sinks/sqlite/sqlite_db.hpp"

namespace trapsink::pipeline::sinks::sqlite {

/// PRAGMA application_id of a trapsink database: "trps" in ASCII.
inline constexpr std::int32_t application_id = 0x74727073;

/// Schema version 2's varbind_index.key: printf('%08x%08x', event_seq >> varbind_bucket_shift,
/// oids.id) followed by 't' and the value as text, or by 'n' for Null and the exceptions. 65,536
/// events per bucket. Readers and retention rely on it.
inline constexpr int varbind_bucket_shift = 16;

/// One schema step: brings a database from version `version - 1` to `version`. `apply` runs
/// inside the step's transaction and throws sqlite_error on failure (the step is rolled back).
struct migration {
  int version;
  std::string_view summary;
  void (*apply)(connection& db);
};

/// Every step, in order; migrations().back().version is the current schema version.
std::span<const migration> migrations();

/// The schema version this code writes and reads.
int current_schema_version();

/// Why a database cannot be used (thrown by check_identity and migrate).
class schema_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user_version of a database, after checking that it is a trapsink database: one with
/// trapsink's application_id, or an empty one (no tables; version 0). Throws schema_error for a
/// foreign database (another application_id, or tables without a trapsink schema) and for one
/// whose version is newer than `known` (written by a newer trapsink). `what` names the database
/// in messages.
int check_identity(connection& db, int known, std::string_view what);

/// Bring the database to the last version in `steps` (default: migrations()), applying each
/// missing step in its own BEGIN IMMEDIATE transaction together with the new user_version
/// (and trapsink's application_id).
/// Returns the version the database had before. Throws schema_error (foreign or newer database)
/// or sqlite_error (a step failed; the database stays at the last completed version).
int migrate(connection& db, std::string_view what, std::span<const migration> steps = migrations());

}  // namespace trapsink::pipeline::sinks::sqlite
