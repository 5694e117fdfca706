#pragma once
// serve's side of running unprivileged (service/privileges.hpp): which paths its outputs use.
#include <optional>
#include <vector>

#include "receiver/server.hpp"
#include "service/privileges.hpp"

namespace trapsink::receiver {

/// The outputs of a configuration that a user must be able to write: JSON-lines files (not
/// standard output), SQLite databases, Kafka spool directories, the state directory and the
/// log file, each with its configuration key.
std::vector<service::output_path> output_paths(const server_options& options);

/// For `user:` set: the privilege drop, prepared before the sinks open anything (call
/// complete() once everything is bound and open). Unset `user:`: nothing, with a warning when
/// running as root.
std::optional<service::privilege_drop> prepare_run_as(const server_options& options);

}  // namespace trapsink::receiver
