#pragma once
// `trapsink query`: read events from the SQLite store (docs/storage.md) with filters, as a table,
// JSON, JSON lines or CSV, optionally following the database as it grows. Argument parsing and
// output only; the work is in store/.
#include <CLI/CLI.hpp>
#include <functional>

namespace trapsink::cli {

/// Register the `query` subcommand on app. The returned function runs it (after parsing) and
/// returns the exit code: 0 success (also when nothing matches), 1 the database cannot be read,
/// 2 a bad argument (docs/cli.md).
std::function<int()> add_query_command(CLI::App& app);

}  // namespace trapsink::cli
