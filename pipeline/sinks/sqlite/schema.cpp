// The SQLite store's schema and migrations (pipeline/sinks/sqlite/schema.hpp, docs/storage.md).
#include "pipeline/sinks/sqlite/schema.hpp"

#include <fmt/format.h>

#include <array>

namespace trapsink::pipeline::sinks::sqlite {
namespace {

/// Version 1: events (one row per record, the whole record JSON in `record`), varbinds (one row
/// per varbind, for searching by OID and value), their indexes, the trigger that keeps varbinds
/// in step with deleted events, and a view with readable times.
void schema_v1(connection& db) {
  db.exec(R"sql(
CREATE TABLE events (
  seq                         INTEGER PRIMARY KEY,
  id                          TEXT NOT NULL UNIQUE,
  time                        INTEGER NOT NULL,
  source_address              TEXT NOT NULL,
  source_port                 INTEGER NOT NULL,
  transport                   TEXT NOT NULL,
  version                     TEXT NOT NULL,
  pdu                         TEXT NOT NULL,
  community                   TEXT,
  request_id                  INTEGER,
  uptime                      INTEGER,
  trap_oid                    TEXT NOT NULL,
  trap_name                   TEXT,
  agent_address               TEXT NOT NULL,
  security_user               TEXT,
  security_level              TEXT,
  security_engine_id          TEXT,
  security_context_engine_id  TEXT,
  security_context_name       TEXT,
  security_auth_protocol      TEXT,
  security_priv_protocol      TEXT,
  v1_enterprise               TEXT,
  v1_generic_trap             INTEGER,
  v1_specific_trap            INTEGER,
  record                      TEXT NOT NULL
);
CREATE INDEX events_time ON events(time);
CREATE INDEX events_source ON events(source_address, time);
CREATE INDEX events_trap_oid ON events(trap_oid, time);

CREATE TABLE varbinds (
  event_seq INTEGER NOT NULL,
  idx       INTEGER NOT NULL,
  oid       TEXT NOT NULL,
  type      TEXT NOT NULL,
  value     TEXT,
  encoding  TEXT,
  PRIMARY KEY (event_seq, idx)
) WITHOUT ROWID;
CREATE INDEX varbinds_oid_value ON varbinds(oid, value);

CREATE TRIGGER events_delete_varbinds AFTER DELETE ON events BEGIN
  DELETE FROM varbinds WHERE event_seq = old.seq;
END;

CREATE VIEW events_utc AS
  SELECT seq, id,
         strftime('%Y-%m-%dT%H:%M:%S', time / 1000000, 'unixepoch')
           || printf('.%06dZ', time % 1000000) AS time_utc,
         time, source_address, source_port, transport, version, pdu, community, request_id,
         uptime, trap_oid, trap_name, agent_address, security_user, security_level,
         security_engine_id, security_context_engine_id, security_context_name,
         security_auth_protocol, security_priv_protocol, v1_enterprise, v1_generic_trap,
         v1_specific_trap, record
  FROM events;
)sql",
          "schema v1");
}

/// Version 2: the varbinds search costs one B-tree insert per varbind instead of two (see
/// docs/storage.md, Schema). The varbinds table and its (oid, value) index are replaced by
/// `varbind_index`, a WITHOUT ROWID table whose primary key is the search key itself: one text
/// (bucket of 65,536 events, OID number, value) compared with one memcmp, then the event. The
/// bucket leads so that retention drops the entries of old events with range deletes from the
/// start of the table instead of a trigger; OIDs are numbered once in `oids`. `varbinds`
/// becomes a view over the record JSON with the columns it had. Existing rows are carried over.
void schema_v2(connection& db) {
  db.exec(R"sql(
CREATE TABLE oids (
  id   INTEGER PRIMARY KEY,
  oid  TEXT NOT NULL UNIQUE
);

CREATE TABLE varbind_index (
  key        TEXT NOT NULL,
  event_seq  INTEGER NOT NULL,
  PRIMARY KEY (key, event_seq)
) WITHOUT ROWID;

INSERT INTO oids (oid) SELECT DISTINCT oid FROM varbinds ORDER BY oid;
INSERT OR IGNORE INTO varbind_index (key, event_seq)
  SELECT printf('%08x%08x', v.event_seq >> 16, o.id)
           || CASE WHEN v.value IS NULL THEN 'n' ELSE 't' || v.value END,
         v.event_seq
  FROM varbinds AS v JOIN oids AS o ON o.oid = v.oid;

DROP TRIGGER events_delete_varbinds;
DROP TABLE varbinds;

CREATE VIEW varbinds AS
  SELECT e.seq AS event_seq,
         j.key AS idx,
         json_extract(j.value, '$.oid') AS oid,
         json_extract(j.value, '$.type') AS type,
         CAST(json_extract(j.value, '$.value') AS TEXT) AS value,
         json_extract(j.value, '$.encoding') AS encoding
  FROM events AS e, json_each(e.record, '$.varbinds') AS j;
)sql",
          "schema v2");
}

/// Version 3: one varbind_index entry per search key and batch instead of per varbind (see
/// docs/storage.md, Schema). `seqs` is NULL for an entry of one event (`event_seq`, as every
/// version-2 entry is), else a JSON array of the seqs of all the batch's events with this key,
/// ascending, `event_seq` first. Existing entries stay as they are.
void schema_v3(connection& db) {
  db.exec("ALTER TABLE varbind_index ADD COLUMN seqs TEXT", "schema v3");
}

// The list of steps. Version N is element N-1; append, never edit.
constexpr std::array<migration, 3> all_migrations{{
    {1, "events and varbinds tables, indexes, events_utc view", &schema_v1},
    {2,
     "varbind_index keyed for search (one B-tree insert per varbind), oids dictionary, "
     "varbinds view",
     &schema_v2},
    {3, "varbind_index.seqs: one entry for the events of a batch with the same search key",
     &schema_v3},
}};

/// Whether the database holds any table, index, view or trigger.
bool has_schema_objects(connection& db) {
  statement st(db, "SELECT count(*) FROM sqlite_schema");
  const int rc = st.step();
  check(db, rc, "reading the schema");
  return st.column_int(0) > 0;
}

}  // namespace

std::span<const migration> migrations() { return all_migrations; }

int current_schema_version() { return all_migrations.back().version; }

int check_identity(connection& db, int known, std::string_view what) {
  const auto app = db.pragma_int("application_id");
  const auto version = db.pragma_int("user_version");
  if (app != 0 && app != application_id) {
    throw schema_error(fmt::format(
        "'{}' is an SQLite database of another application (application_id {:#x}), not a "
        "trapsink database; give another file (a new one is created)",
        what, static_cast<std::uint32_t>(app)));
  }
  if (app == 0 && (version != 0 || has_schema_objects(db))) {
    throw schema_error(fmt::format(
        "'{}' is an SQLite database but not a trapsink one (it has tables but no trapsink "
        "schema); give another file (a new one is created)",
        what));
  }
  if (version > known) {
    throw schema_error(fmt::format(
        "'{}' has schema version {}, newer than this trapsink knows ({}): it was written by a "
        "newer trapsink. Upgrade trapsink, or use another file",
        what, version, known));
  }
  if (version < 0) {
    throw schema_error(fmt::format("'{}' has an invalid schema version {}", what, version));
  }
  return static_cast<int>(version);
}

int migrate(connection& db, std::string_view what, std::span<const migration> steps) {
  const int known = steps.empty() ? 0 : steps.back().version;
  const int before = check_identity(db, known, what);
  for (const auto& step : steps) {
    // Each step under the write lock, re-reading the version: another process may be opening
    // the same database at the same moment.
    db.exec("BEGIN IMMEDIATE", "schema migration");
    try {
      const int now = check_identity(db, known, what);
      if (now >= step.version) {
        db.exec("COMMIT", "schema migration");
        continue;
      }
      if (now != step.version - 1) {
        throw schema_error(
            fmt::format("'{}': schema version {} has no migration to {}", what, now, step.version));
      }
      step.apply(db);
      db.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", application_id,
                          step.version)
                  .c_str(),
              "schema migration");
      db.exec("COMMIT", fmt::format("schema migration to version {}", step.version));
    } catch (...) {
      db.try_exec("ROLLBACK");
      throw;
    }
  }
  return before;
}

}  // namespace trapsink::pipeline::sinks::sqlite
