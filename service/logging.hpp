#pragma once
// Where and how trapsink logs (docs/operations.md, "Logs"): text (the default) or JSON lines,
// to standard error (the default) or to a file that SIGHUP reopens after logrotate moved it.
//
// JSON lines carry ts (RFC 3339 UTC, microseconds), level, logger and msg, one object a line:
//   {"ts":"2026-11-22T03:04:05.123456Z","level":"info","logger":"trapsink","msg":"..."}
#include <optional>
#include <string>

namespace trapsink::service {

/// The log settings: `log_format`, `log_file`, `log_level` in the configuration, or the global
/// flags --log-format, --log-file, --log-level. Unset members keep what is in force.
struct log_settings {
  /// "text" or "json".
  std::optional<std::string> format{};
  /// A file to append to; "" or "-": standard error.
  std::optional<std::string> file{};
  /// trace, debug, info, warn, error, critical, off.
  std::optional<std::string> level{};
};

/// Whether `format` is a log format ("text", "json") and `level` a level name.
bool valid_log_format(const std::string& format) noexcept;
bool valid_log_level(const std::string& level) noexcept;

/// Install the default logger: text on standard error at level info.
void init_logging();

/// Remember the settings given on the command line: they win over a configuration file's
/// (apply_logging merges them last). Call before apply_logging.
void set_command_line_logging(const log_settings& s);

/// Switch the default logger to `file_values` overlaid with the command-line settings. Throws
/// std::runtime_error naming the file when the log file cannot be opened, std::invalid_argument
/// for an unknown format or level.
void apply_logging(const log_settings& file_values = {});

/// Reopen the log file (SIGHUP, after logrotate moved it); a no-op when logging to standard
/// error. On failure the old file stays in use and the reason is logged there.
void reopen_log_file() noexcept;

/// The log file in use, empty for standard error.
std::string log_file_path();

}  // namespace trapsink::service
