#pragma once
// What the command generator and notification originator commands share: running one request
// to completion on a private io_context, printing varbinds (text or --json), and turning
// failures into Net-SNMP's messages and exit codes (docs/cli.md):
//   0 success; 1 timeout, authentication or other request failure, "OID not increasing";
//   2 an error-status from the agent ("Error in packet"), or bad arguments.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "cli/snmp_args.hpp"
#include "cli/varbind_format.hpp"
#include "snmp/cmdgen/session.hpp"

namespace trapsink::cli {

/// A session and its agent on a private io_context.
struct snmp_client {
  snmp_client(const snmp_args& args, std::uint16_t default_port);
  boost::asio::io_context io;
  snmp::cmdgen::session session{io.get_executor()};
  std::shared_ptr<snmp::cmdgen::agent> target;

  /// Send p and wait for the answer.
  std::pair<boost::system::error_code, snmp::message::pdu> run(snmp::message::pdu p);
  /// Run handlers until done() is true.
  void run_until(const std::function<bool()>& done);
};

/// Net-SNMP's text for an error-status ("(noSuchName) There is no such variable name in this
/// MIB.", "notWritable (That object does not support modification)", ...).
std::string error_status_text(std::int32_t status);

/// Print a request failure the way Net-SNMP does ("Timeout: No Response from HOST" with an
/// optional final period, else "PROG: reason"); returns the exit code (1).
int print_failure(std::ostream& err, const std::string& prog, const snmp::cmdgen::agent& a,
                  boost::system::error_code ec, bool period);

/// Print "Error in packet[.]", "Reason: ..." and "Failed object: ..." for an error-status.
void print_error_status(std::ostream& err, const varbind_formatter& fmt, const output_flags& f,
                        const snmp::message::pdu& response, bool period);

/// Print one varbind: a line as Net-SNMP prints it, or one JSON object with --json.
void print_varbind(std::ostream& out, const varbind_formatter& fmt, const snmp_args& args,
                   const snmp::message::varbind& vb);

/// The formatter in use (numeric until the MIB resolver is plugged in).
const varbind_formatter& default_formatter();

/// Parse an OID argument or throw std::invalid_argument naming it.
snmp::ber::oid oid_arg(const varbind_formatter& fmt, const std::string& text);

}  // namespace trapsink::cli
