#pragma once
// `trapsink trap` and `trapsink inform`: the notification originator with snmptrap(1)'s
// argument order (docs/cli.md).
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace trapsink::cli {

/// Register `trap` and `inform` on app; the returned function runs the one chosen (nullopt
/// when neither was).
std::function<std::optional<int>()> add_notify_commands(CLI::App& app);

}  // namespace trapsink::cli
