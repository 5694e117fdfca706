#pragma once
// `trapsink blast`: a load generator. Sends distinct notifications (v1 traps, v2c traps, v2c
// informs, SNMPv3 traps with any USM protocols) to a receiver with sendmmsg(2), at a set rate or
// as fast as it can, for a bounded count and/or time; counts the acknowledgements of informs.
// Reports what it sent, the rate achieved and, for informs, the loss (docs/cli.md).
#include <CLI/CLI.hpp>
#include <functional>

namespace trapsink::cli {

/// Register the `blast` subcommand on app. The returned function runs it (after parsing) and
/// returns the exit code: 0 when every message was sent (unacknowledged informs are reported,
/// not an error: measuring them is the point), 1 when sending failed, 2 on bad arguments.
std::function<int()> add_blast_command(CLI::App& app);

}  // namespace trapsink::cli
