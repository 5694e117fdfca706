#include "cli/check_config_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "cli/serve_command.hpp"
#include "config/config.hpp"
#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"
#include "receiver/server.hpp"

namespace trapsink::cli {

std::function<int()> add_check_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "check-config",
      "Load and validate the configuration (--config and the serve flags), check the outputs "
      "offline (directories writable, Kafka properties), print a summary; exit 0 when all is "
      "well, 2 for an invalid configuration, 1 when an output could not be opened");
  auto flags = add_server_flags(*cmd);
  flags->config_opt->required();
  return [flags]() {
    try {
      const auto o = resolve_server_options(*flags);
      auto problems = config::check_outputs(o);
      // Enrich rules: their names resolve with the MIB index serve would load, and their
      // credentials work (as at startup).
      if (!o.enrich.empty()) {
        std::shared_ptr<const mibs::resolver> names;
        std::optional<std::filesystem::path> index;
        if (o.mib_index.empty()) {
          index = mibs::bundled_index_path();
        } else if (o.mib_index != receiver::mib_index_disabled) {
          index = o.mib_index;
        }
        try {
          if (index) names = mibs::load_resolver(*index);
          pipeline::compile_enrich_rules(o.enrich, receiver::enrich_resolver(names));
        } catch (const std::exception& e) {
          std::cerr << "trapsink: " << e.what() << '\n';
          return 2;
        }
      }
      for (const auto& p : problems) std::cerr << "trapsink: " << p << '\n';
      if (!problems.empty()) return 1;
      std::cout << "configuration OK: " << flags->config << '\n'
                << config::describe(o)
                << "outputs: checked offline (files and directories writable, Kafka "
                   "configuration valid; no broker contacted, nothing created)\n";
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
