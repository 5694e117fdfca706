#pragma once
// `trapsink get | getnext | getbulk | set | walk | bulkwalk`: the command generator from the
// command line, with Net-SNMP's options, output and exit codes (docs/cli.md).
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace trapsink::cli {

/// Register the six subcommands on app. The returned function runs the one chosen after
/// parsing (nullopt when none of them was).
std::function<std::optional<int>()> add_cmdgen_commands(CLI::App& app);

/// Register a subcommand whose arguments are parsed the Net-SNMP way (passed through
/// untouched); the returned pointer's remaining() holds them after parsing.
CLI::App* add_passthrough_command(CLI::App& app, const std::string& name,
                                  const std::string& description);

}  // namespace trapsink::cli
