#include "cli/query_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "receiver/server.hpp"
#include "store/event_store.hpp"
#include "store/format.hpp"
#include "store/query.hpp"
#include "store/time_spec.hpp"

namespace trapsink::cli {
namespace {

/// The flags of `query`.
struct query_flags {
  std::string db;
  std::string config;
  std::string since;
  std::string until;
  std::string source;
  std::string trap;
  std::vector<std::string> varbinds;
  std::string text;
  std::size_t limit = 100;
  std::string format = "table";
  bool follow = false;
  double interval_s = 1.0;

  CLI::Option* db_opt = nullptr;
  CLI::Option* config_opt = nullptr;
  CLI::Option* since_opt = nullptr;
  CLI::Option* until_opt = nullptr;
  CLI::Option* source_opt = nullptr;
  CLI::Option* trap_opt = nullptr;
  CLI::Option* text_opt = nullptr;
};

/// Set by SIGINT/SIGTERM while following.
volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) { stop_requested = 1; }

/// The database path: --db, else the sqlite path of the --config file.
std::string database_path(const query_flags& f) {
  if (f.db_opt->count() > 0) {
    if (f.db.empty()) throw store::usage_error("--db: the database path is empty");
    return f.db;
  }
  if (f.config_opt->count() > 0) {
    auto o = receiver::default_server_options();
    config::apply_config_file(f.config, o);
    if (!o.sqlite) {
      throw store::usage_error(f.config +
                               " has no 'sqlite:' key, so it names no database; "
                               "give --db FILE");
    }
    return o.sqlite->path;
  }
  throw store::usage_error(
      "which database? give --db FILE (the file `trapsink serve --sqlite FILE` writes) or "
      "--config FILE (its 'sqlite:' path)");
}

/// The query the filter flags describe.
store::query build_query(const query_flags& f) {
  store::query q;
  const auto now = std::chrono::system_clock::now();
  auto time_flag = [&](const char* flag, const std::string& text) {
    try {
      return store::to_micros(store::parse_time(text, now));
    } catch (const store::usage_error& e) {
      throw store::usage_error(std::string(flag) + ": " + e.what());
    }
  };
  if (f.since_opt->count() > 0) q.since_us = time_flag("--since", f.since);
  if (f.until_opt->count() > 0) q.until_us = time_flag("--until", f.until);
  if (q.since_us && q.until_us && *q.since_us >= *q.until_us) {
    throw store::usage_error("--since must be before --until (--until is exclusive)");
  }
  if (f.source_opt->count() > 0) q.source = store::parse_source(f.source);
  if (f.trap_opt->count() > 0) q.trap = store::parse_trap(f.trap);
  for (const auto& v : f.varbinds) q.varbinds.push_back(store::parse_varbind(v));
  if (f.text_opt->count() > 0) {
    if (f.text.empty()) throw store::usage_error("--text: give the text to look for");
    q.text = f.text;
  }
  q.limit = f.limit;
  return q;
}

/// Print what matches now, then what arrives, until SIGINT or SIGTERM.
void follow(store::event_store& db, store::query q, store::event_writer& out,
            std::chrono::milliseconds interval) {
  stop_requested = 0;
  auto* old_int = std::signal(SIGINT, request_stop);
  auto* old_term = std::signal(SIGTERM, request_stop);
  std::int64_t seen = db.last_seq();
  q.up_to_seq = seen;
  auto rows = db.newest(q);
  std::reverse(rows.begin(), rows.end());  // like tail -f: oldest first, the newest last
  out.begin(rows);
  out.rows(rows);
  q.limit = 0;
  while (stop_requested == 0) {
    const auto until = std::chrono::steady_clock::now() + interval;
    while (stop_requested == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stop_requested != 0) break;
    const std::int64_t last = db.last_seq();
    if (last <= seen) continue;
    q.after_seq = seen;
    q.up_to_seq = last;
    out.rows(db.in_stored_order(q));
    seen = last;
  }
  out.end();
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
}

int run(const query_flags& f) {
  std::string path;
  store::query q;
  store::output_format format{};
  try {
    path = database_path(f);
    q = build_query(f);
    format = store::parse_format(f.format);
    if (f.follow && format == store::output_format::json) {
      throw store::usage_error(
          "--follow writes rows as they arrive, which one JSON array cannot: use --format "
          "jsonl (or table, csv)");
    }
  } catch (const store::usage_error& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 2;
  } catch (const config::config_error& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 2;
  }
  try {
    store::event_store db(path);
    store::event_writer out(std::cout, format);
    if (f.follow) {
      follow(db, q, out, std::chrono::milliseconds(static_cast<std::int64_t>(f.interval_s * 1000)));
      return 0;
    }
    const auto rows = db.newest(q);
    out.begin(rows);
    out.rows(rows);
    out.end();
    if (rows.empty() && format == store::output_format::table) {
      std::cerr << "trapsink: no stored event matches\n";
    }
    return 0;
  } catch (const store::store_error& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

std::function<int()> add_query_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "query",
      "Show events stored in the SQLite database, newest first (docs/storage.md); filters "
      "combine with AND");
  auto f = std::make_shared<query_flags>();
  f->db_opt = cmd->add_option("--db", f->db,
                              "The SQLite database (default: the 'sqlite:' path of --config)")
                  ->type_name("FILE");
  f->config_opt =
      cmd->add_option("--config", f->config, "Take the database path from this configuration")
          ->type_name("FILE");
  f->since_opt = cmd->add_option("--since", f->since,
                                 "Events received at or after TIME: 15m, 1h, 2d (that long "
                                 "ago), 2026-11-21, '2026-11-21 17:29', RFC 3339; UTC")
                     ->type_name("TIME");
  f->until_opt = cmd->add_option("--until", f->until, "Events received before TIME (same forms)")
                     ->type_name("TIME");
  f->source_opt = cmd->add_option("--source", f->source,
                                  "Events from this address or prefix (192.0.2.1, 10.0.0.0/8)")
                      ->type_name("ADDR");
  f->trap_opt = cmd->add_option("--trap", f->trap,
                                "Notifications with this OID or below it "
                                "(1.3.6.1.6.3.1.1.5 matches linkDown .5.3), or this name "
                                "(linkDown, IF-MIB::linkDown)")
                    ->type_name("NAME|OID");
  cmd->add_option("--varbind", f->varbinds,
                  "Events with a varbind at OID (or below it) whose value is VALUE, as in the "
                  "record ('=VALUE' left out: any value); repeatable")
      ->type_name("OID=VALUE");
  f->text_opt =
      cmd->add_option("--text", f->text, "Events whose record JSON contains TEXT (case-sensitive)")
          ->type_name("TEXT");
  cmd->add_option("--limit", f->limit, "Most events shown, the newest (0: all)")
      ->check(CLI::Validator(
          [](const std::string& v) -> std::string {
            const bool digits = !v.empty() && v.find_first_not_of("0123456789") == v.npos;
            return digits ? "" : "give a whole number of events (0: all), not '" + v + "'";
          },
          "N"))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "table, json, jsonl or csv")->capture_default_str();
  cmd->add_flag("--follow", f->follow,
                "Then keep printing new events as they are stored, until Ctrl-C (SIGINT)");
  cmd->add_option("--interval", f->interval_s, "Seconds between polls with --follow")
      ->check(CLI::Range(0.05, 3600.0))
      ->capture_default_str();
  return [f]() { return run(*f); };
}

}  // namespace trapsink::cli
