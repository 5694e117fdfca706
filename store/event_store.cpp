// Reading the SQLite store (store/event_store.hpp).
#include "store/event_store.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <memory>
#include <new>
#include <system_error>
#include <variant>

#include "pipeline/sinks/sqlite/schema.hpp"

namespace trapsink::store {
namespace {

namespace sq = pipeline::sinks::sqlite;

/// SQL function trapsink_in_prefix(PREFIX, ADDRESS): 1 when the textual address lies in the
/// prefix. The parsed prefix is kept as auxiliary data for the statement's life.
void in_prefix(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) noexcept {
  try {
    auto* prefix = static_cast<core::cidr*>(sqlite3_get_auxdata(ctx, 0));
    if (prefix == nullptr) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
      auto parsed = core::cidr::parse(text != nullptr ? text : "");
      if (!parsed) {
        sqlite3_result_int(ctx, 0);
        return;
      }
      sqlite3_set_auxdata(ctx, 0, new core::cidr(std::move(*parsed)),
                          [](void* p) { delete static_cast<core::cidr*>(p); });
      prefix = static_cast<core::cidr*>(sqlite3_get_auxdata(ctx, 0));
      if (prefix == nullptr) {
        sqlite3_result_error_nomem(ctx);
        return;
      }
    }
    const auto* address = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    sqlite3_result_int(ctx, address != nullptr && prefix->contains(std::string_view(address)));
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (...) {
    sqlite3_result_error(ctx, "trapsink_in_prefix failed", -1);
  }
}

/// The WHERE clause of a query and the values bound to its parameters, in order.
struct where {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> values;

  void add(std::string_view condition) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += condition;
  }
};

/// OID text o and everything below it: [o, o + "/"), since '/' follows '.' and precedes the
/// digits, so "1.3.6.1.6.3.1.1.5.3" covers ".5.3" and ".5.3.x" but not ".5.30".
std::string past_subtree(const std::string& oid) { return oid + "/"; }

where build_where(const query& q) {
  where w;
  if (q.since_us) {
    w.add("time >= ?");
    w.values.emplace_back(*q.since_us);
  }
  if (q.until_us) {
    w.add("time < ?");
    w.values.emplace_back(*q.until_us);
  }
  if (q.source) {
    const std::string& text = q.source->to_string();
    boost::system::error_code ec;
    const auto host = text.find('/') == std::string::npos ? boost::asio::ip::make_address(text, ec)
                                                          : boost::asio::ip::address{};
    if (text.find('/') == std::string::npos && !ec) {
      w.add("source_address = ?");  // the index; the text as the receiver writes it
      w.values.emplace_back(host.to_string());
    } else {
      w.add("trapsink_in_prefix(?, source_address)");
      w.values.emplace_back(text);
    }
  }
  if (q.trap) {
    const trap_filter& t = *q.trap;
    if (t.oid) {
      w.add("(trap_oid >= ? AND trap_oid < ?)");
      w.values.emplace_back(*t.oid);
      w.values.emplace_back(past_subtree(*t.oid));
    } else if (t.name) {
      std::string cond = "(trap_name = ?";
      w.values.emplace_back(*t.name);
      if (t.name->find("::") == std::string::npos) {
        cond += " OR substr(trap_name, -(length(?) + 2)) = '::' || ?";
        w.values.emplace_back(*t.name);
        w.values.emplace_back(*t.name);
      }
      if (t.well_known_oid) {
        cond += " OR trap_oid = ?";
        w.values.emplace_back(*t.well_known_oid);
      }
      w.add(cond + ")");
    }
  }
  for (const auto& v : q.varbinds) {
    // varbind_index (schema v2, v3): for each OID of the subtree (oids) and each bucket of
    // 65,536 events that still holds events, the entries of that OID with this value (key equal
    // to bucket + OID number + 't' + value) or with any value (keys from bucket + OID number up
    // to the next OID number); an entry's events are its event_seq, or the seqs of its `seqs`
    // array when it has one. CROSS JOIN keeps that order: the planner has no statistics.
    std::string cond = fmt::format(
        "seq IN (WITH RECURSIVE r(lo, hi) AS (SELECT (SELECT min(seq) FROM events) >> {0}, "
        "(SELECT max(seq) FROM events) >> {0}), b(n) AS (SELECT lo FROM r WHERE lo IS NOT NULL "
        "UNION ALL SELECT n + 1 FROM b, r WHERE n < r.hi) "
        "SELECT coalesce(j.value, x.event_seq) FROM oids AS o CROSS JOIN b CROSS JOIN "
        "varbind_index AS x LEFT JOIN json_each(x.seqs) AS j "
        "WHERE o.oid >= ? AND o.oid < ? AND ",
        pipeline::sinks::sqlite::varbind_bucket_shift);
    w.values.emplace_back(v.oid);
    w.values.emplace_back(past_subtree(v.oid));
    if (v.value) {
      cond += "x.key = printf('%08x%08x', b.n, o.id) || 't' || ?";
      w.values.emplace_back(*v.value);
    } else {
      cond +=
          "x.key >= printf('%08x%08x', b.n, o.id) AND x.key < printf('%08x%08x', b.n, o.id + 1)";
    }
    w.add(cond + ")");
  }
  if (q.text) {
    w.add("instr(record, ?) > 0");
    w.values.emplace_back(*q.text);
  }
  if (q.after_seq) {
    w.add("seq > ?");
    w.values.emplace_back(*q.after_seq);
  }
  if (q.before) {
    w.add("(time < ? OR (time = ? AND seq < ?))");
    w.values.emplace_back(q.before->time_us);
    w.values.emplace_back(q.before->time_us);
    w.values.emplace_back(q.before->seq);
  }
  if (q.up_to_seq) {
    w.add("seq <= ?");
    w.values.emplace_back(*q.up_to_seq);
  }
  return w;
}

constexpr const char* columns =
    "SELECT seq, id, time, source_address, source_port, transport, version, pdu, trap_oid, "
    "trap_name, agent_address, record FROM events";

}  // namespace

event_store::event_store(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw store_error(fmt::format(
        "no database at '{}': trapsink creates it when it runs with `trapsink serve --sqlite "
        "{}` (or 'sqlite: {}' in the configuration file); check the path",
        path, path, path));
  }
  try {
    db_ = sq::connection(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, {}, "query");
    sqlite3_busy_timeout(db_.get(), 5000);
    const int known = sq::current_schema_version();
    const int version = sq::check_identity(db_, known, path);
    if (version == 0) {
      throw store_error(fmt::format(
          "'{}' holds no trapsink schema yet (an empty database): start `trapsink serve "
          "--sqlite {}` once to create it",
          path, path));
    }
    if (version < known) {
      throw store_error(fmt::format(
          "'{}' has schema version {}, older than this trapsink's ({}): start `trapsink serve "
          "--sqlite {}` once to migrate it",
          path, version, known, path));
    }
    sq::check(db_,
              sqlite3_create_function_v2(db_.get(), "trapsink_in_prefix", 2,
                                         SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &in_prefix,
                                         nullptr, nullptr, nullptr),
              "query");
  } catch (const sq::schema_error& e) {
    throw store_error(e.what());
  } catch (const sq::sqlite_error& e) {
    const int p = e.primary();
    throw store_error(fmt::format(
        "{}{}", e.what(),
        p == SQLITE_NOTADB || p == SQLITE_CORRUPT
            ? " (the file is not an SQLite database, or is damaged)"
        : p == SQLITE_CANTOPEN || p == SQLITE_READONLY || p == SQLITE_PERM
            ? " (reading a database in WAL mode needs read access to the file and its -wal and "
              "-shm files, and write access to the -shm file or its directory)"
            : ""));
  }
}

std::vector<event> event_store::newest(const query& q) { return run(q, true); }

std::vector<event> event_store::in_stored_order(const query& q) { return run(q, false); }

std::int64_t event_store::last_seq() {
  try {
    sq::statement st(db_, "SELECT coalesce(max(seq), 0) FROM events");
    const int rc = st.step();
    if (rc != SQLITE_ROW) sq::check(db_, rc, "query");
    return st.column_int(0);
  } catch (const sq::sqlite_error& e) {
    throw store_error(e.what());
  }
}

std::vector<event> event_store::run(const query& q, bool newest_first) {
  where w = build_where(q);
  std::string sql = columns + w.sql;
  sql += newest_first ? " ORDER BY time DESC, seq DESC" : " ORDER BY seq";
  if (q.limit > 0) {
    sql += " LIMIT ?";
    w.values.emplace_back(static_cast<std::int64_t>(q.limit));
  }
  std::vector<event> out;
  try {
    sq::statement st(db_, sql);
    int i = 1;
    for (const auto& v : w.values) {
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        st.bind(i++, *n);
      } else {
        st.bind(i++, std::string_view(std::get<std::string>(v)));  // w outlives the steps
      }
    }
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) {
      event e;
      e.seq = st.column_int(0);
      e.id = st.column_text(1);
      e.time_us = st.column_int(2);
      e.source_address = st.column_text(3);
      e.source_port = st.column_int(4);
      e.transport = st.column_text(5);
      e.version = st.column_text(6);
      e.pdu = st.column_text(7);
      e.trap_oid = st.column_text(8);
      e.trap_name = st.column_optional_text(9);
      e.agent_address = st.column_text(10);
      e.record = st.column_text(11);
      out.push_back(std::move(e));
    }
    sq::check(db_, rc, fmt::format("query on '{}'", db_.path()));
  } catch (const sq::sqlite_error& e) {
    throw store_error(e.what());
  }
  return out;
}

}  // namespace trapsink::store
