#pragma once
// `trapsink check-config`: load and validate the configuration exactly as `serve` would, print a
// short summary (never a secret), and exit 0 when it is valid or 2 with the error.
#include <CLI/CLI.hpp>
#include <functional>

namespace trapsink::cli {

/// Register the `check-config` subcommand on app (--config FILE is required; every `serve` flag
/// is accepted and overrides the file). The returned function runs it and returns the exit code.
std::function<int()> add_check_config_command(CLI::App& app);

}  // namespace trapsink::cli
