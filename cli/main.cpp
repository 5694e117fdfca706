// trapsink: one binary, one subcommand per task. Exit codes (docs/cli.md):
//   0 success, 1 runtime failure (cannot bind, cannot open an output), 2 bad arguments.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cli/blast_command.hpp"
#include "cli/check_config_command.hpp"
#include "cli/cmdgen_command.hpp"
#include "cli/mib_command.hpp"
#include "cli/notify_command.hpp"
#include "cli/query_command.hpp"
#include "cli/reload_command.hpp"
#include "cli/serve_command.hpp"
#include "service/logging.hpp"

#ifndef TRAPSINK_VERSION
#define TRAPSINK_VERSION "unknown"
#endif
#ifndef TRAPSINK_GIT_DESCRIBE
#define TRAPSINK_GIT_DESCRIBE ""
#endif

namespace {
/// "trapsink 0.1.0" or, built from a git checkout, "trapsink 0.1.0 (git a51a4ba)".
std::string version_text() {
  std::string v = std::string("trapsink ") + TRAPSINK_VERSION;
  if (const std::string_view git = TRAPSINK_GIT_DESCRIBE; !git.empty()) {
    v += " (git " + std::string(git) + ")";
  }
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries records when --jsonl is '-'.
  trapsink::service::init_logging();

  CLI::App app{"trapsink: SNMP notification receiver and collector", "trapsink"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  std::string log_level = "info";
  auto* log_level_opt =
      app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical, off")
          ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
          ->capture_default_str();
  std::string log_format = "text";
  auto* log_format_opt =
      app.add_option("--log-format", log_format,
                     "Log lines as text or as JSON objects (ts, level, logger, msg)")
          ->check(CLI::IsMember({"text", "json"}))
          ->capture_default_str();
  std::string log_file;
  auto* log_file_opt =
      app.add_option("--log-file", log_file,
                     "Append the log to FILE instead of standard error ('-': standard error); "
                     "serve reopens it on SIGHUP")
          ->type_name("FILE");

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
  try {
    trapsink::service::log_settings flags;
    if (log_level_opt->count() > 0) flags.level = log_level;
    if (log_format_opt->count() > 0) flags.format = log_format;
    if (log_file_opt->count() > 0) flags.file = log_file;
    trapsink::service::set_command_line_logging(flags);
    trapsink::service::apply_logging();
  } catch (const std::exception& e) {
    std::cerr << "trapsink: " << e.what() << '\n';
    return 1;
  }

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
