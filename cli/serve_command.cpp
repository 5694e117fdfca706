#include "cli/serve_command.hpp"

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/netsnmp_users.hpp"
#include "receiver/server.hpp"
#include "service/logging.hpp"

namespace trapsink::cli {

std::shared_ptr<server_flags> add_server_flags(CLI::App& cmd) {
  auto f = std::make_shared<server_flags>();
  f->config_opt = cmd.add_option("--config", f->config,
                                 "Read the configuration from this YAML (or JSON) file; flags "
                                 "given override its values (docs/configuration.md)")
                      ->type_name("FILE");
  cmd.add_option("--listen", f->listen,
                 "Listen address, repeatable: udp:ADDR:PORT or udp6:[ADDR]:PORT "
                 "(default: udp:127.0.0.1:1162 and udp6:[::1]:1162)")
      ->type_name("ADDR");
  f->jsonl_opt = cmd.add_option("--jsonl", f->jsonl,
                                "Write records as JSON lines to FILE ('-' = stdout, 'none' = off)")
                     ->type_name("FILE")
                     ->capture_default_str();
  f->sqlite_opt = cmd.add_option("--sqlite", f->sqlite,
                                 "Also store records in this SQLite database (created if absent; "
                                 "docs/storage.md); JSON lines stay on unless --jsonl none")
                      ->type_name("FILE");
  f->kafka_brokers_opt = cmd.add_option("--kafka-brokers", f->kafka_brokers,
                                        "Also forward records to Kafka at these bootstrap servers "
                                        "(HOST:PORT[,HOST:PORT]; docs/kafka.md)")
                             ->type_name("HOSTS");
  f->kafka_topic_opt = cmd.add_option("--kafka-topic", f->kafka_topic,
                                      "The Kafka topic, a template (default: trapsink.events)")
                           ->type_name("NAME");
  cmd.add_option("--community", f->communities,
                 "Accept this community (v1/v2c), repeatable (default: public)")
      ->type_name("NAME");
  f->any_community_opt =
      cmd.add_flag("--any-community", f->any_community, "Accept every community");
  f->queue_capacity_opt =
      cmd.add_option("--queue-capacity", f->queue_capacity, "Records each sink queue holds")
          ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26))
          ->capture_default_str();
  f->receive_shards_opt =
      cmd.add_option("--receive-shards", f->receive_shards,
                     "Sockets (SO_REUSEPORT) and threads receiving on each listen address; "
                     "0 = one per core")
          ->check(CLI::Range(std::size_t{0}, std::size_t{256}))
          ->capture_default_str();
  f->receive_buffer_opt =
      cmd.add_option("--receive-buffer", f->receive_buffer,
                     "SO_RCVBUF in bytes asked for each receive socket (0 = kernel default; "
                     "capped by net.core.rmem_max)")
          ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30))
          ->capture_default_str();
  f->dedup_window_opt =
      cmd.add_option("--inform-dedup-window", f->dedup_window_s,
                     "Seconds a recorded inform is remembered, so a retransmission is "
                     "acknowledged but not recorded twice")
          ->check(CLI::Range(0.0, 86400.0))
          ->capture_default_str();
  cmd.add_option("--users-from", f->users_from,
                 "Read SNMPv3 users from the createUser lines of this Net-SNMP file "
                 "(snmptrapd.conf), repeatable; added to the configuration's users")
      ->type_name("FILE");
  f->engine_id_opt =
      cmd.add_option("--engine-id", f->engine_id,
                     "trapsink's own snmpEngineID in hex, 5 to 32 octets (default: the one kept "
                     "in --state-dir)")
          ->type_name("HEX");
  f->state_dir_opt = cmd.add_option("--state-dir", f->state_dir,
                                    "Keep the engine ID and engine boots in this directory")
                         ->type_name("DIR");
  f->mib_index_opt =
      cmd.add_option("--mib-index", f->mib_index,
                     "Name records with this compiled MIB index (trapsink mib compile) instead "
                     "of the bundled one; reloaded on SIGHUP; 'none': no names")
          ->type_name("FILE");
  f->http_opt = cmd.add_option("--http", f->http,
                               "Serve metrics, health, the events API and the web page over HTTP "
                               "at ADDR:PORT (e.g. 127.0.0.1:8162; docs/http.md); a non-loopback "
                               "address needs a token (http.token_file in --config)")
                    ->type_name("ADDR");
  f->pid_file_opt =
      cmd.add_option("--pid-file", f->pid_file,
                     "Write the process ID to FILE, and the outcome of each configuration "
                     "reload to FILE.reload, for 'trapsink reload' (default: none)")
          ->type_name("FILE");
  f->user_opt = cmd.add_option("--user", f->user,
                               "Once the sockets are bound and the outputs open, switch to this "
                               "user (name or uid) for good (docs/operations.md)")
                    ->type_name("USER");
  f->group_opt =
      cmd.add_option("--group", f->group, "The group for --user (default: the user's own)")
          ->type_name("GROUP");
  return f;
}

receiver::server_options resolve_server_options(const server_flags& f) {
  auto o = receiver::default_server_options();
  if (f.config_opt->count() > 0) config::apply_config_file(f.config, o);

  if (!f.listen.empty()) {
    o.listeners.clear();
    for (const auto& l : f.listen) o.listeners.push_back(receiver::parse_listen_address(l));
  }
  if (!f.communities.empty()) {
    o.communities.communities.clear();
    for (const auto& c : f.communities) o.communities.communities.push_back({c, {}});
  }
  if (f.any_community_opt->count() > 0) o.communities.any_community = f.any_community;
  if (f.jsonl_opt->count() > 0) {
    if (f.jsonl.empty()) {
      throw config::config_error("--jsonl: give a file path, '-' for standard output, or 'none'");
    }
    if (f.jsonl == receiver::jsonl_disabled) {
      o.jsonl.reset();
    } else {
      // Keeps the file's rotation and fsync settings; only the path changes.
      if (!o.jsonl) o.jsonl.emplace();
      o.jsonl->path = f.jsonl;
    }
    o.origins.erase("jsonl.path");
  }
  if (f.sqlite_opt->count() > 0) {
    if (f.sqlite.empty()) throw config::config_error("--sqlite: the database path is empty");
    // Keeps the file's retention and synchronous settings; only the path changes.
    if (!o.sqlite) o.sqlite.emplace();
    o.sqlite->path = f.sqlite;
    o.origins.erase("sqlite.path");
  }
  if (f.kafka_brokers_opt->count() > 0) {
    if (f.kafka_brokers.empty()) throw config::config_error("--kafka-brokers: the list is empty");
    if (!o.kafka) o.kafka.emplace();
    o.kafka->brokers = f.kafka_brokers;
  }
  if (f.kafka_topic_opt->count() > 0) {
    if (!o.kafka) {
      throw config::config_error(
          "--kafka-topic needs Kafka: give --kafka-brokers HOST:PORT (or "
          "'kafka:' in the configuration file)");
    }
    o.kafka->topic = f.kafka_topic;
  }
  if (f.queue_capacity_opt->count() > 0) o.queue_capacity = f.queue_capacity;
  if (f.receive_shards_opt->count() > 0) o.receive_shards = f.receive_shards;
  if (f.receive_buffer_opt->count() > 0) o.receive_buffer = f.receive_buffer;
  if (f.dedup_window_opt->count() > 0) {
    o.inform_dedup_window =
        std::chrono::milliseconds(static_cast<std::int64_t>(f.dedup_window_s * 1000));
  }
  for (const auto& path : f.users_from) {
    for (auto& u : config::read_netsnmp_users(path)) o.users.push_back(std::move(u));
  }
  if (f.engine_id_opt->count() > 0) {
    try {
      o.engine_id = config::parse_engine_id(f.engine_id);
    } catch (const config::config_error& e) {
      throw config::config_error(std::string("--engine-id: ") + e.what());
    }
  }
  if (f.state_dir_opt->count() > 0) o.state_dir = f.state_dir;
  if (f.mib_index_opt->count() > 0) o.mib_index = f.mib_index;
  if (f.pid_file_opt->count() > 0) o.pid_file = f.pid_file;
  if (f.http_opt->count() > 0) {
    // Keeps the file's token and limits; only the address changes.
    if (!o.http) o.http.emplace();
    try {
      o.http->listen = http::parse_http_endpoint(f.http);
    } catch (const http::http_config_error& e) {
      throw config::config_error(std::string("--http: ") + e.what());
    }
    o.origins.erase("http");
  }
  if (f.user_opt->count() > 0) o.user = f.user;
  if (f.group_opt->count() > 0) o.group = f.group;

  config::validate(o);
  return o;
}

std::function<int()> add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve", "Receive SNMP notifications and write them as records (runs until SIGINT/SIGTERM)");
  auto flags = add_server_flags(*cmd);
  return [flags]() {
    receiver::server_options o;
    try {
      o = resolve_server_options(*flags);
    } catch (const config::config_error& e) {
      std::cerr << "trapsink: " << e.what() << '\n';
      return 2;
    }
    // The configuration's log settings (the global flags win); a log file that cannot be
    // opened is a startup failure.
    try {
      service::apply_logging(o.logging);
    } catch (const std::invalid_argument& e) {
      std::cerr << "trapsink: " << e.what() << '\n';
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "trapsink: " << e.what() << '\n';
      return 1;
    }
    // A reload (SIGHUP) reads the configuration again the same way: the file, then the same
    // flags on top (they keep precedence), then the same validation.
    return receiver::run_server(o, [flags] { return resolve_server_options(*flags); });
  };
}

}  // namespace trapsink::cli
