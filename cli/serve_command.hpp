#pragma once
// `trapsink serve`: argument parsing only; the work is in receiver/server. The flags that shape
// server_options are shared with `trapsink check-config`.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "receiver/server.hpp"

namespace trapsink::cli {

/// The flags of `serve` and `check-config`. A flag given overrides the configuration file's
/// value (--listen and --community replace the lists; --users-from adds users).
struct server_flags {
  std::string config;
  std::vector<std::string> listen;
  std::vector<std::string> communities;
  bool any_community = false;
  std::string jsonl = "-";
  std::string sqlite;
  std::string kafka_brokers;
  std::string kafka_topic;
  std::size_t queue_capacity = 65536;
  std::size_t receive_shards = 0;
  std::size_t receive_buffer = 8 * 1024 * 1024;
  double dedup_window_s = 60;
  std::vector<std::string> users_from;
  std::string engine_id;
  std::string state_dir;
  std::string mib_index;
  std::string http;
  std::string pid_file;
  std::string user;
  std::string group;

  // The options, to tell which were given.
  CLI::Option* config_opt = nullptr;
  CLI::Option* any_community_opt = nullptr;
  CLI::Option* jsonl_opt = nullptr;
  CLI::Option* sqlite_opt = nullptr;
  CLI::Option* kafka_brokers_opt = nullptr;
  CLI::Option* kafka_topic_opt = nullptr;
  CLI::Option* queue_capacity_opt = nullptr;
  CLI::Option* receive_shards_opt = nullptr;
  CLI::Option* receive_buffer_opt = nullptr;
  CLI::Option* dedup_window_opt = nullptr;
  CLI::Option* engine_id_opt = nullptr;
  CLI::Option* pid_file_opt = nullptr;
  CLI::Option* state_dir_opt = nullptr;
  CLI::Option* mib_index_opt = nullptr;
  CLI::Option* http_opt = nullptr;
  CLI::Option* user_opt = nullptr;
  CLI::Option* group_opt = nullptr;
};

/// Add the server flags to a subcommand; the returned object holds their values after parsing.
std::shared_ptr<server_flags> add_server_flags(CLI::App& cmd);

/// default_server_options(), then the --config file, then the flags given, then
/// config::validate(). Throws config::config_error (file, flag or validation errors) or
/// std::invalid_argument (a malformed --listen).
receiver::server_options resolve_server_options(const server_flags& flags);

/// Register the `serve` subcommand on app. The returned function runs it (after parsing) and
/// returns the exit code (2 for a configuration error).
std::function<int()> add_serve_command(CLI::App& app);

}  // namespace trapsink::cli
