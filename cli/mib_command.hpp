#pragma once
// `trapsink mib ...`: the MIB subcommand group. `mib compile` compiles MIB modules into an index
// file (docs/cli.md, docs/mibs.md). A further subcommand (translate, info) is a function
// `void add_mib_X_command(mib_group&)` like add_mib_compile_command, called from add_mib_command:
// it adds its CLI11 subcommand to group.app and its runner to group.runners.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace trapsink::cli {

/// The `mib` group: its CLI11 subcommand and the runners of its subcommands by name.
struct mib_group {
  CLI::App* app = nullptr;
  std::vector<std::pair<std::string, std::function<int()>>> runners;
};

/// Register the `mib` subcommand group on app, with `mib compile`. The returned function runs
/// whichever `mib` subcommand was given and returns the exit code.
std::function<int()> add_mib_command(CLI::App& app);

/// The group add_mib_command created (for other files to add subcommands before parsing).
mib_group& mib_subcommands();

/// `trapsink mib compile PATH... -o FILE [--strict] [--quiet] [--no-leniency NAME]...`.
/// Exit codes: 0 written (failed modules are reported, not fatal), 1 on an I/O error or, with
/// --strict, when a module failed or misses an import, 2 on bad arguments.
void add_mib_compile_command(mib_group& group);

/// `trapsink mib translate [-On|-Of|-Os|-Td] [--index FILE] NAME|OID...` and
/// `trapsink mib info [--index FILE] NAME...` (cli/mib_translate_command.cpp). Exit codes: 0 all
/// translated, 1 when one did not (or no index could be loaded), 2 on bad arguments.
void add_mib_translate_command(mib_group& group);

}  // namespace trapsink::cli
