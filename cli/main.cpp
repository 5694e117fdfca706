// trapsink: one binary, one subcommand per task. Exit codes (docs/cli.md):
//   0 success, 1 runtime failure (cannot bind, cannot open an output), 2 bad arguments.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <stdexcept>

#include "cli/blast_command.hpp"
#include "cli/check_config_command.hpp"
#include "cli/cmdgen_command.hpp"
#include "cli/mib_command.hpp"
#include "cli/notify_command.hpp"
#include "cli/query_command.hpp"
#include "cli/reload_command.hpp"
#include "cli/serve_command.hpp"

namespace {
constexpr const char* version = "0.1.0";
}

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries records when --jsonl is '-'.
  auto logger = spdlog::stderr_color_mt("trapsink");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  CLI::App app{"trapsink: SNMP notification receiver and collector", "trapsink"};
  app.set_version_flag("--version", version);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();

  auto serve = trapsink::cli::add_serve_command(app);
  auto check_config = trapsink::cli::add_check_config_command(app);
  auto query = trapsink::cli::add_query_command(app);
  auto blast = trapsink::cli::add_blast_command(app);
  auto cmdgen = trapsink::cli::add_cmdgen_commands(app);
  auto notify = trapsink::cli::add_notify_commands(app);
  auto mib = trapsink::cli::add_mib_command(app);
  auto reload = trapsink::cli::add_reload_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "trapsink: " << e.what()
              << "\nRun 'trapsink --help' or 'trapsink serve --help'.\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (app.got_subcommand("serve")) return serve();
    if (app.got_subcommand("check-config")) return check_config();
    if (app.got_subcommand("query")) return query();
    if (app.got_subcommand("blast")) return blast();
    if (auto rc = cmdgen()) return *rc;
    if (auto rc = notify()) return *rc;
    if (app.got_subcommand("mib")) return mib();
    if (app.got_subcommand("reload")) return reload();
  } catch (const std::invalid_argument& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
