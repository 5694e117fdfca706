// Schema version 2's varbind search (docs/storage.md): a version-1 database with rows is carried
// over and stays searchable; the index of deleted events goes with their bucket; a seq is never
// given twice, so entries left by deleted events never match; Null and empty values; a retried
// batch that mixes stored and new records.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/record/record_json.hpp"
#include "pipeline/sinks/sqlite/schema.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "store/event_store.hpp"
#include "tests/unit/pipeline/sinks/sqlite/sqlite_test_util.hpp"

namespace trapsink::store {
namespace {

using namespace std::chrono_literals;
using pipeline::record;
using pipeline::record_ptr;
using pipeline::write_result;
using pipeline::sinks::sqlite_sink;
using snmp::ber::oid;
using snmp::message::value;
using tests::open_rw;
using tests::scalar;
using tests::text;
namespace sq = pipeline::sinks::sqlite;

using ids_t = std::vector<std::string>;

class SqliteVarbindIndex : public tests::temp_dir_test {
 protected:
  /// The ids `trapsink query --varbind SPEC...` returns, newest first.
  ids_t varbind(std::initializer_list<const char*> specs) {
    query q;
    q.limit = 0;
    for (const char* s : specs) q.varbinds.push_back(parse_varbind(s));
    event_store db(db_path());
    ids_t out;
    for (const auto& e : db.newest(q)) out.push_back(e.id);
    return out;
  }
  /// How many (key, event) pairs of varbind_index (an entry's event_seq, or each seq of its
  /// `seqs`) are exactly what docs/storage.md says (the key of each varbind of the varbinds
  /// view), and how many there are.
  std::pair<std::int64_t, std::int64_t> documented_keys() {
    auto db = open_rw(db_path());
    const std::string pairs =
        "WITH p(key, seq) AS (SELECT x.key, coalesce(j.value, x.event_seq) FROM varbind_index x "
        "LEFT JOIN json_each(x.seqs) j) ";
    return {scalar(db, pairs + "SELECT count(*) FROM p WHERE EXISTS (SELECT 1 FROM varbinds v JOIN "
                               "oids o ON o.oid = v.oid WHERE v.event_seq = p.seq AND p.key = "
                               "printf('%08x%08x', v.event_seq >> 16, o.id) || coalesce('t' || "
                               "v.value, 'n'))"),
            scalar(db, pairs + "SELECT count(*) FROM p")};
  }
  /// The rows of the varbinds view: "id idx oid type value encoding".
  std::vector<std::string> varbinds_view() {
    auto db = open_rw(db_path());
    sq::statement st(db,
                     "SELECT e.id, v.idx, v.oid, v.type, coalesce(v.value, '<null>'), "
                     "coalesce(v.encoding, '-') FROM varbinds v JOIN events e ON e.seq = "
                     "v.event_seq ORDER BY e.id, v.idx");
    std::vector<std::string> rows;
    while (st.step() == SQLITE_ROW) {
      rows.push_back(st.column_text(0) + " " + std::to_string(st.column_int(1)) + " " +
                     st.column_text(2) + " " + st.column_text(3) + " " + st.column_text(4) + " " +
                     st.column_text(5));
    }
    return rows;
  }
};

/// An SNMPv3 inform with a hex OctetString, a Null and an OID value.
record sample_v3() {
  record r = pipeline::samples::sample_v2c();
  r.id = "01KAKQ5Z7V3N8R2B4C6D8E0F3V";
  r.version = "3";
  r.pdu = "inform";
  r.community.reset();
  r.security =
      pipeline::record_security{"ops", "authPriv", "8000000001", "8000000001", "", "SHA", "AES"};
  r.varbinds = {{oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, value::octets(std::string("\x00\x1b\x21", 3))},
                {oid{1, 3, 6, 1, 2, 1, 1, 6, 0}, value::null()},
                {oid{1, 3, 6, 1, 2, 1, 1, 2, 0}, value::object_id(oid{1, 3, 6, 1, 4, 1, 8072})}};
  return r;
}

/// The varbinds of the three samples as version 1 stored them (and the view gives them).
const std::vector<std::string>& sample_varbind_rows() {
  static const std::vector<std::string> rows{
      "01KAKQ5Z7V0000000000000001 0 1.3.6.1.4.1.8072.2.3.2.1 OctetString disk \"/var\" at 95% "
      "text",
      "01KAKQ5Z7V0000000000000001 1 1.3.6.1.4.1.8072.2.3.2.2 IpAddress 192.0.2.1 -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 0 1.3.6.1.2.1.2.2.1.1.2 Integer32 2 -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 1 1.3.6.1.2.1.2.2.1.7.2 Integer32 1 -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 2 1.3.6.1.2.1.2.2.1.8.2 Integer32 2 -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 3 1.3.6.1.2.1.2.2.1.2.2 OctetString eth0 text",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 4 1.3.6.1.2.1.31.1.1.1.18.2 OctetString Z\xc3\xbcrich uplink "
      "text",
      "01KAKQ5Z7V3N8R2B4C6D8E0F1G 5 1.3.6.1.2.1.31.1.1.1.6.2 Counter64 18446744073709551615 -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F3V 0 1.3.6.1.2.1.1.5.0 OctetString 001b21 hex",
      "01KAKQ5Z7V3N8R2B4C6D8E0F3V 1 1.3.6.1.2.1.1.6.0 Null <null> -",
      "01KAKQ5Z7V3N8R2B4C6D8E0F3V 2 1.3.6.1.2.1.1.2.0 ObjectIdentifier 1.3.6.1.4.1.8072 -",
  };
  return rows;
}

/// A version-1 database holding the three samples as the version-1 sink wrote them: events
/// rows (seq 1 to 3) and one varbinds row per varbind with the value as text.
void write_version_1(const std::string& path) {
  auto db = open_rw(path);
  sq::migrate(db, path, sq::migrations().first(1));
  ASSERT_EQ(db.pragma_int("user_version"), 1);
  const record rs[] = {pipeline::samples::sample_v1(), pipeline::samples::sample_v2c(),
                       sample_v3()};
  sq::statement ev(db,
                   "INSERT INTO events (seq, id, time, source_address, source_port, transport, "
                   "version, pdu, trap_oid, agent_address, record) VALUES "
                   "(?, ?, 1795282143123456, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::int64_t seq = 1;
  for (const auto& r : rs) {
    const std::string json = pipeline::to_json(r);
    ev.bind(1, seq++);
    ev.bind(2, std::string_view(r.id));
    ev.bind(3, std::string_view(r.source.address));
    ev.bind(4, static_cast<std::int64_t>(r.source.port));
    ev.bind(5, std::string_view(r.source.transport));
    ev.bind(6, std::string_view(r.version));
    ev.bind(7, std::string_view(r.pdu));
    ev.bind(8, std::string_view(r.trap_oid));
    ev.bind(9, std::string_view(r.source.address));
    ev.bind(10, std::string_view(json));
    ev.run(db, "insert event");
  }
  db.exec(R"sql(INSERT INTO varbinds (event_seq, idx, oid, type, value, encoding) VALUES
    (1, 0, '1.3.6.1.4.1.8072.2.3.2.1', 'OctetString', 'disk "/var" at 95%', 'text'),
    (1, 1, '1.3.6.1.4.1.8072.2.3.2.2', 'IpAddress', '192.0.2.1', NULL),
    (2, 0, '1.3.6.1.2.1.2.2.1.1.2', 'Integer32', '2', NULL),
    (2, 1, '1.3.6.1.2.1.2.2.1.7.2', 'Integer32', '1', NULL),
    (2, 2, '1.3.6.1.2.1.2.2.1.8.2', 'Integer32', '2', NULL),
    (2, 3, '1.3.6.1.2.1.2.2.1.2.2', 'OctetString', 'eth0', 'text'),
    (2, 4, '1.3.6.1.2.1.31.1.1.1.18.2', 'OctetString', 'Zürich uplink', 'text'),
    (2, 5, '1.3.6.1.2.1.31.1.1.1.6.2', 'Counter64', '18446744073709551615', NULL),
    (3, 0, '1.3.6.1.2.1.1.5.0', 'OctetString', '001b21', 'hex'),
    (3, 1, '1.3.6.1.2.1.1.6.0', 'Null', NULL, NULL),
    (3, 2, '1.3.6.1.2.1.1.2.0', 'ObjectIdentifier', '1.3.6.1.4.1.8072', NULL))sql");
}

constexpr const char* v1_id = "01KAKQ5Z7V0000000000000001";
constexpr const char* v2c_id = "01KAKQ5Z7V3N8R2B4C6D8E0F1G";
constexpr const char* v3_id = "01KAKQ5Z7V3N8R2B4C6D8E0F3V";

TEST_F(SqliteVarbindIndex, AVersion1DatabaseIsCarriedOverAndStaysSearchable) {
  write_version_1(db_path());
  // A version-1 database cannot be queried until serve migrates it.
  EXPECT_THROW(event_store{db_path()}, store_error);
  {
    sqlite_sink s({.path = db_path()});
    auto db = open_rw(db_path());
    EXPECT_EQ(db.pragma_int("user_version"), 3);
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM events"), 3);
    EXPECT_EQ(text(db, "SELECT record FROM events WHERE seq = 2"),
              pipeline::samples::sample_v2c_json());
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM varbind_index"), 11);
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM oids"), 11);
    EXPECT_EQ(text(db, "PRAGMA integrity_check"), "ok");
  }
  // The view gives back exactly what version 1 stored; the keys are the documented ones.
  EXPECT_EQ(varbinds_view(), sample_varbind_rows());
  EXPECT_EQ(documented_keys(), std::make_pair(std::int64_t{11}, std::int64_t{11}));
  {
    auto db = open_rw(db_path());
    EXPECT_EQ(scalar(db,
                     "SELECT count(*) FROM varbind_index WHERE key = '00000000' || printf('%08x', "
                     "(SELECT id FROM oids WHERE oid = '1.3.6.1.2.1.2.2.1.2.2')) || 'teth0' AND "
                     "event_seq = 2"),
              1);
    EXPECT_EQ(
        scalar(db,
               "SELECT count(*) FROM varbind_index WHERE key = '00000000' || printf('%08x', "
               "(SELECT id FROM oids WHERE oid = '1.3.6.1.2.1.1.6.0')) || 'n' AND event_seq = 3"),
        1);
  }
  // Every filter of `trapsink query --varbind` finds exactly the carried-over events.
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.2=eth0"}), ids_t{v2c_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1=2"}), ids_t{v2c_id});  // ifIndex.2 and ifOperStatus.2
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1=3"}), ids_t{});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.31.1.1.1.6.2=18446744073709551615"}), ids_t{v2c_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.31.1.1.1.18=Z\xc3\xbcrich uplink"}), ids_t{v2c_id});
  EXPECT_EQ(varbind({"1.3.6.1.4.1.8072.2.3.2.1=disk \"/var\" at 95%"}), ids_t{v1_id});
  EXPECT_EQ(varbind({"1.3.6.1.4.1.8072.2.3.2.2=192.0.2.1"}), ids_t{v1_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1.5.0=001b21"}), ids_t{v3_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1.2.0=1.3.6.1.4.1.8072"}), ids_t{v3_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1.6.0"}), ids_t{v3_id});  // Null: any value
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1.6.0="}), ids_t{});      // Null is not the empty string
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1"}), ids_t{v3_id});
  EXPECT_EQ(varbind({"1.3.6.1"}).size(), 3u);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.1.2=2", "1.3.6.1.2.1.2.2.1.2=eth0"}), ids_t{v2c_id});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.1.2=2", "1.3.6.1.2.1.1.5.0=001b21"}), ids_t{});

  // Writing goes on after the migration: seqs continue, the new event is found too.
  {
    sqlite_sink s({.path = db_path()});
    auto r = std::make_shared<record>(pipeline::samples::sample_v2c());
    r->id = "NEW";
    ASSERT_EQ(s.write(std::vector<record_ptr>{r}), write_result::ok);
  }
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.2=eth0"}), (ids_t{"NEW", v2c_id}));
  EXPECT_EQ(documented_keys(), std::make_pair(std::int64_t{17}, std::int64_t{17}));
  auto db = open_rw(db_path());
  EXPECT_EQ(scalar(db, "SELECT seq FROM events WHERE id = 'NEW'"), 4);
}

TEST_F(SqliteVarbindIndex, AVersion2DatabaseIsCarriedOverAndNewEntriesListTheirEvents) {
  write_version_1(db_path());
  {
    auto db = open_rw(db_path());
    sq::migrate(db, db_path(), sq::migrations().first(2));
    ASSERT_EQ(db.pragma_int("user_version"), 2);
  }
  {
    sqlite_sink s({.path = db_path()});
    auto db = open_rw(db_path());
    EXPECT_EQ(db.pragma_int("user_version"), 3);
    // The version-2 entries stay as they were: one event each, no list.
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM varbind_index WHERE seqs IS NULL"), 11);
    EXPECT_EQ(text(db, "PRAGMA integrity_check"), "ok");
    // A batch of three events with the same varbinds (one also twice): one entry per key.
    std::vector<record_ptr> batch;
    for (const char* id : {"N1", "N2", "N3"}) {
      auto r = std::make_shared<record>(pipeline::samples::sample_v2c());
      r->id = id;
      if (batch.empty()) r->varbinds.push_back(r->varbinds.front());
      batch.push_back(r);
    }
    ASSERT_EQ(s.write(batch), write_result::ok);
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM varbind_index"), 11 + 6);
    EXPECT_EQ(text(db,
                   "SELECT group_concat(seqs, ' ') FROM varbind_index WHERE seqs IS NOT NULL "
                   "AND key LIKE '%teth0'"),
              "[4,5,6]");
  }
  EXPECT_EQ(varbinds_view().size(), 11u + 7 + 6 + 6);
  EXPECT_EQ(documented_keys(), std::make_pair(std::int64_t{11 + 18}, std::int64_t{11 + 18}));
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.2=eth0"}), (ids_t{"N3", "N2", "N1", v2c_id}));
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.1.2=2", "1.3.6.1.2.1.31.1.1.1.18"}),
            (ids_t{"N3", "N2", "N1", v2c_id}));
  EXPECT_EQ(varbind({"1.3.6.1.2.1.1.5.0=001b21"}), ids_t{v3_id});
  // A sink opened again gives seqs above the listed ones.
  {
    sqlite_sink s({.path = db_path()});
    auto r = std::make_shared<record>(pipeline::samples::sample_v2c());
    r->id = "N4";
    ASSERT_EQ(s.write(std::vector<record_ptr>{r}), write_result::ok);
  }
  auto db = open_rw(db_path());
  EXPECT_EQ(scalar(db, "SELECT seq FROM events WHERE id = 'N4'"), 7);
}

TEST_F(SqliteVarbindIndex, NullAndEmptyValuesAreDistinct) {
  record with_null = pipeline::samples::sample_v2c();
  with_null.id = "NULL";
  with_null.varbinds = {{oid{1, 3, 6, 1, 4, 1, 99, 1}, value::null()}};
  record with_empty = with_null;
  with_empty.id = "EMPTY";
  with_empty.varbinds = {{oid{1, 3, 6, 1, 4, 1, 99, 1}, value::octets("")}};
  record with_text = with_null;
  with_text.id = "TEXT";
  with_text.varbinds = {{oid{1, 3, 6, 1, 4, 1, 99, 1}, value::octets("n")}};
  {
    sqlite_sink s({.path = db_path()});
    const std::vector<record_ptr> rs{std::make_shared<record>(with_null),
                                     std::make_shared<record>(with_empty),
                                     std::make_shared<record>(with_text)};
    ASSERT_EQ(s.write(rs), write_result::ok);
  }
  EXPECT_EQ(varbind({"1.3.6.1.4.1.99.1"}), (ids_t{"TEXT", "EMPTY", "NULL"}));
  EXPECT_EQ(varbind({"1.3.6.1.4.1.99.1="}), ids_t{"EMPTY"});
  EXPECT_EQ(varbind({"1.3.6.1.4.1.99.1=n"}), ids_t{"TEXT"});
  EXPECT_EQ(varbind({"1.3.6.1.4.1.99"}).size(), 3u);
  EXPECT_EQ(varbind({"1.3.6.1.4.1.9"}), ids_t{});  // .99 is not below .9
  EXPECT_EQ(documented_keys(), std::make_pair(std::int64_t{3}, std::int64_t{3}));
}

/// varbind_index as (key, event) pairs: an entry's event_seq, or each seq of its `seqs`.
constexpr const char* pairs_cte =
    "WITH p(key, seq) AS (SELECT x.key, coalesce(j.value, x.event_seq) FROM varbind_index x "
    "LEFT JOIN json_each(x.seqs) j) ";

/// How many (key, event) pairs varbind_index holds.
std::int64_t index_pairs(sq::connection& db) {
  return scalar(db, std::string(pairs_cte) + "SELECT count(*) FROM p");
}

/// `n` v2c records "<prefix>NNNN" at t, each with ifDescr.<i> = "if<prefix>".
std::vector<record_ptr> batch(const std::string& prefix, int n,
                              std::chrono::system_clock::time_point t) {
  auto out = tests::v2c_batch(prefix, n, t);
  for (auto& r : out) {
    auto copy = std::make_shared<record>(*r);
    copy->varbinds.push_back({oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 77}, value::octets("if" + prefix)});
    r = copy;
  }
  return out;
}

TEST_F(SqliteVarbindIndex, RetentionDeletesTheEntriesOfBucketsWithoutEvents) {
  const auto now = std::chrono::system_clock::now();
  const std::int64_t bucket = std::int64_t{1} << sq::varbind_bucket_shift;
  // A chunk of 2 events (16 index entries) and no time budget: the index is purged a chunk
  // per retention pass.
  sqlite_sink s({.path = db_path(),
                 .retention_age = 1h,
                 .retention_interval = 0ms,
                 .retention_chunk = 2,
                 .retention_budget = 0ms});
  ASSERT_EQ(s.write(batch("old", 5, now - 2h)), write_result::ok);  // seqs 1..5, bucket 0
  auto db = open_rw(db_path());
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM events"), 3);          // one chunk went at once
  EXPECT_EQ(index_pairs(db), 35);                                   // 7 each, bucket kept
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifold"}).size(), 3u);  // entries of deleted: no match
  // Events two buckets on: a row far ahead makes the next seqs start there.
  db.exec(fmt::format("INSERT INTO events (seq, id, time, source_address, source_port, "
                      "transport, version, pdu, trap_oid, agent_address, record) VALUES ({}, "
                      "'far', 0, '', 0, '', '', '', '', '', '{{}}')",
                      2 * bucket)
              .c_str());
  ASSERT_EQ(s.write(batch("new", 4, now)), write_result::ok);
  EXPECT_EQ(scalar(db, "SELECT min(seq) FROM events WHERE id LIKE 'new%'"), 2 * bucket + 1);
  s.apply_retention(10s);  // the rest of the old events, 'far', and then the old bucket
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM events"), 4);
  EXPECT_EQ(index_pairs(db), 28);
  EXPECT_EQ(scalar(db, std::string(pairs_cte) +
                           "SELECT count(*) FROM p WHERE seq NOT IN (SELECT seq FROM events)"),
            0);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifnew"}).size(), 4u);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifold"}), ids_t{});
  EXPECT_EQ(text(db, "PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteVarbindIndex, EntriesOfDeletedEventsStayUntilTheirBucketIsEmpty) {
  const auto now = std::chrono::system_clock::now();
  {
    sqlite_sink fill({.path = db_path()});
    ASSERT_EQ(fill.write(batch("old", 20, now - 2h)), write_result::ok);  // 140 entries
  }
  {
    // Delete every event in the shell: their entries stay until retention purges them.
    auto db = open_rw(db_path());
    db.exec("DELETE FROM events");
    EXPECT_EQ(index_pairs(db), 140);
  }
  // Reopened: seqs continue above the entries that remain (never given twice).
  sqlite_sink s({.path = db_path(),
                 .retention_rows = 1000,
                 .retention_interval = 0ms,
                 .retention_chunk = 2,
                 .retention_budget = 0ms});
  auto db = open_rw(db_path());
  ASSERT_EQ(s.write(batch("new", 1, now)), write_result::ok);
  EXPECT_EQ(scalar(db, "SELECT seq FROM events"), 21);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77"}), ids_t{"new0000"});
  // The bucket still holds an event: nothing is purged.
  EXPECT_EQ(s.apply_retention(10s), 0u);
  EXPECT_EQ(index_pairs(db), 147);
}

TEST_F(SqliteVarbindIndex, ASeqIsNeverGivenTwice) {
  const auto now = std::chrono::system_clock::now();
  {
    sqlite_sink s({.path = db_path()});
    ASSERT_EQ(s.write(batch("a", 3, now)), write_result::ok);  // seqs 1..3
    // The newest event is deleted in the shell; its index entries stay (same bucket).
    auto db = open_rw(db_path());
    db.exec("DELETE FROM events WHERE seq = 3");
    ASSERT_EQ(s.write(batch("b", 1, now)), write_result::ok);
    EXPECT_EQ(scalar(db, "SELECT seq FROM events WHERE id = 'b0000'"), 4);
    db.exec("DELETE FROM events WHERE seq = 4");
  }
  // After a restart too: the deleted events' entries never match another event.
  sqlite_sink s({.path = db_path()});
  ASSERT_EQ(s.write(batch("c", 1, now)), write_result::ok);
  auto db = open_rw(db_path());
  EXPECT_EQ(scalar(db, "SELECT seq FROM events WHERE id = 'c0000'"), 5);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifa"}), (ids_t{"a0001", "a0000"}));
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifb"}), ids_t{});
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifc"}), ids_t{"c0000"});
}

TEST_F(SqliteVarbindIndex, ARetriedBatchMixingStoredAndNewRecords) {
  const auto now = std::chrono::system_clock::now();
  sqlite_sink s({.path = db_path()});
  auto first = batch("x", 10, now);
  ASSERT_EQ(s.write(std::span<const record_ptr>(first.data(), 5)), write_result::ok);
  // The same ten again (five already stored, in the middle of multi-row inserts) plus three.
  auto retry = batch("y", 3, now + 1s);
  retry.insert(retry.begin() + 1, first.begin(), first.end());
  ASSERT_EQ(s.write(retry), write_result::ok);
  auto db = open_rw(db_path());
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM events"), 13);
  EXPECT_EQ(index_pairs(db), 13 * 7);
  EXPECT_EQ(scalar(db, std::string(pairs_cte) +
                           "SELECT count(*) FROM p WHERE seq NOT IN (SELECT seq FROM events)"),
            0);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ifx"}).size(), 10u);
  EXPECT_EQ(varbind({"1.3.6.1.2.1.2.2.1.2.77=ify"}).size(), 3u);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM varbinds"), 13 * 7);
  EXPECT_EQ(documented_keys(), std::make_pair(std::int64_t{13 * 7}, std::int64_t{13 * 7}));
}

}  // namespace
}  // namespace trapsink::store
