#pragma once
// Net-SNMP-style arguments shared by the command generator and notification originator
// commands (snmpcmd(1)): options come first, POSIX style (a value attached, "-v2c", or
// separate, "-v 2c"); the first argument that is not an option is the agent, the rest are
// positional (OIDs, or TYPE VALUE triplets where a SET value "-5" is not read as an option).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "snmp/cmdgen/agent.hpp"

namespace trapsink::cli {

/// Output flags of -O (snmpcmd(1) "OUTPUT OPTIONS").
struct output_flags {
  bool numeric = false;       ///< n: numeric OIDs
  bool full = false;          ///< f: full OID names
  bool suffix = false;        ///< s: the last name only
  bool quick = false;         ///< q: no " = " and no type
  bool quick_equals = false;  ///< Q: no type, keeps " = "
  bool value_only = false;    ///< v: the value alone
  bool raw_ticks = false;     ///< t: TimeTicks as a number
};

/// Everything parsed.
struct snmp_args {
  snmp::cmdgen::security sec;
  double timeout_seconds = 1.0;  ///< -t
  int retries = 5;               ///< -r
  output_flags out;
  std::string app_flags;  ///< the letters (and numbers) of every -C
  bool json = false;      ///< --json
  bool help = false;      ///< -h / --help
  /// --objects INDEX (trap and inform): expand the notification to its OBJECTS with this
  /// instance index (docs/cli.md).
  std::optional<std::string> objects_index;
  std::vector<std::string> mib_modules;  ///< -m (kept for the MIB resolver)
  std::vector<std::string> mib_dirs;     ///< -M
  std::string agent;                     ///< the agent address as given
  std::vector<std::string> positional;   ///< after the agent
};

/// Parse args (without the program and command names). With options_anywhere, options may
/// also follow the agent (GNU getopt's permutation, as snmpget and snmpwalk allow; an
/// argument "-" followed by a digit stays positional); without, everything after the agent is
/// positional (as snmpset and snmptrap). "--" ends the options. Throws std::invalid_argument
/// naming the option and what it accepts.
snmp_args parse_snmp_args(const std::vector<std::string>& args, bool options_anywhere);

/// The options' help text (appended to each command's usage).
const char* snmp_args_help();

/// -C flags: true when letter c appears (e.g. 'c' in "-Cc").
bool has_app_flag(const snmp_args& a, char c);
/// -C flags with a number: -Cr10 -> 10 for 'r'; fallback when absent.
int app_flag_number(const snmp_args& a, char c, int fallback);

/// The agent options for the parsed arguments and a default port (161 or 162). Throws
/// std::invalid_argument for a bad address, std::runtime_error when it does not resolve.
snmp::cmdgen::agent_options make_agent_options(const snmp_args& a, std::uint16_t default_port);

}  // namespace trapsink::cli
