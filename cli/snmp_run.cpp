#include "cli/snmp_run.hpp"

#include <array>
#include <ostream>
#include <stdexcept>

#include "pipeline/record/record_json.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;

snmp_client::snmp_client(const snmp_args& args, std::uint16_t default_port)
    : target(std::make_shared<snmp::cmdgen::agent>(make_agent_options(args, default_port))) {}

std::pair<boost::system::error_code, msg::pdu> snmp_client::run(msg::pdu p) {
  std::pair<boost::system::error_code, msg::pdu> result;
  bool done = false;
  session.request(target, std::move(p), [&](boost::system::error_code ec, msg::pdu r) {
    result = {ec, std::move(r)};
    done = true;
  });
  run_until([&] { return done; });
  return result;
}

void snmp_client::run_until(const std::function<bool()>& done) {
  // The session's receive loop keeps the io_context busy: run handlers one at a time.
  io.restart();
  while (!done() && io.run_one() > 0) {
  }
}

std::string error_status_text(std::int32_t status) {
  // Net-SNMP's snmp_errstring() texts (snmplib/snmp_api.c), RFC 3416 §3 error-status names.
  static constexpr std::array<const char*, 19> texts{
      "(noError) No Error",
      "(tooBig) Response message would have been too large.",
      "(noSuchName) There is no such variable name in this MIB.",
      "(badValue) The value given has the wrong type or length.",
      "(readOnly) The two parties used do not have access to use the specified SNMP PDU.",
      "(genError) A general failure occured",
      "noAccess",
      "wrongType (The set datatype does not match the data type the agent expects)",
      "wrongLength (The set value has an illegal length from what the agent expects)",
      "wrongEncoding",
      "wrongValue (The set value is illegal or unsupported)",
      "noCreation (That table does not support row creation or that object can not ever be "
      "created)",
      "inconsistentValue (The set value is illegal or unsupported)",
      "resourceUnavailable (This is likely a out-of-memory failure within the agent)",
      "commitFailed",
      "undoFailed",
      "authorizationError (access denied to that object)",
      "notWritable (That object does not support modification)",
      "inconsistentName (That object can not currently be created)",
  };
  if (status >= 0 && static_cast<std::size_t>(status) < texts.size())
    return texts[static_cast<std::size_t>(status)];
  return "Unknown Error";
}

int print_failure(std::ostream& err, const std::string& prog, const snmp::cmdgen::agent& a,
                  boost::system::error_code ec, bool period) {
  if (ec == snmp::cmdgen::errc::timeout) {
    err << "Timeout: No Response from " << a.options().display << (period ? "." : "") << '\n';
  } else {
    err << prog << ": " << ec.message() << '\n';
  }
  return 1;
}

void print_error_status(std::ostream& err, const varbind_formatter& fmt, const output_flags& f,
                        const msg::pdu& response, bool period) {
  err << "Error in packet" << (period ? "." : "")
      << "\nReason: " << error_status_text(response.error_status) << '\n';
  if (response.error_index > 0 &&
      static_cast<std::size_t>(response.error_index) <= response.varbinds.size()) {
    err << "Failed object: "
        << fmt.name(response.varbinds[static_cast<std::size_t>(response.error_index - 1)].name, f)
        << "\n";
  }
  err << '\n';
}

void print_varbind(std::ostream& out, const varbind_formatter& fmt, const snmp_args& args,
                   const msg::varbind& vb) {
  if (args.json) {
    std::string line;
    pipeline::append_varbind_json(vb, line);
    out << line << '\n';
    return;
  }
  out << fmt.line(vb, args.out) << '\n';
}

const varbind_formatter& default_formatter() {
  static const numeric_formatter numeric;
  return numeric;
}

snmp::ber::oid oid_arg(const varbind_formatter& fmt, const std::string& text) {
  auto o = fmt.parse_oid(text);
  if (!o || o->size() < 2) {
    throw std::invalid_argument(text +
                                ": Unknown Object Identifier (give it in dotted numeric "
                                "form, e.g. .1.3.6.1.2.1.1.5.0)");
  }
  return std::move(*o);
}

}  // namespace trapsink::cli
