#include "cli/check_config_command.hpp"

#include <iostream>
#include <stdexcept>

#include "cli/serve_command.hpp"
#include "config/config.hpp"

namespace trapsink::cli {

std::function<int()> add_check_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "check-config",
      "Load and validate the configuration (--config and the serve flags), print a summary; exit "
      "0 when valid, 2 otherwise");
  auto flags = add_server_flags(*cmd);
  flags->config_opt->required();
  return [flags]() {
    try {
      const auto o = resolve_server_options(*flags);
      std::cout << "configuration OK: " << flags->config << '\n' << config::describe(o);
      return 0;
    } catch (const config::config_error& e) {
      std::cerr << "trapsink: " << e.what() << '\n';
    } catch (const std::invalid_argument& e) {
      std::cerr << "trapsink: " << e.what() << '\n';
    }
    return 2;
  };
}

}  // namespace trapsink::cli
