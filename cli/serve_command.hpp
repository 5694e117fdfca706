#pragma once
// `trapsink serve`: argument parsing only; the work is in receiver/server.
#include <CLI/CLI.hpp>

#include <functional>

namespace trapsink::cli {

/// Register the `serve` subcommand on app. The returned function runs it (after parsing) and
/// returns the exit code.
std::function<int()> add_serve_command(CLI::App& app);

}  // namespace trapsink::cli
