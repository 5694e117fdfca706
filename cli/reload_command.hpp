#pragma once
// `trapsink reload`: ask a running `serve` to reload its configuration (SIGHUP) and report
// whether it was applied or refused, from the outcome serve writes next to its pid file.
//
// Exit codes (docs/cli.md): 0 applied, 1 refused (the reason is printed; the running
// configuration stays), 2 bad arguments (no pid file named, unreadable configuration),
// 3 serve is not running (no pid file, no such process, not allowed to signal it), 4 no outcome
// within --timeout.
#include <CLI/CLI.hpp>
#include <functional>

namespace trapsink::cli {

/// Register the `reload` subcommand on app. The returned function runs it and returns the exit
/// code.
std::function<int()> add_reload_command(CLI::App& app);

}  // namespace trapsink::cli
