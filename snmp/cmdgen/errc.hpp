#pragma once
// Error codes of the command generator and notification originator. Network and protocol
// failures are reported through these codes (never exceptions); the messages follow the
// wording of Net-SNMP's snmp_api error strings so operators recognise them.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace trapsink::snmp::cmdgen {

/// Why a request did not produce a usable response.
enum class errc {
  ok = 0,
  /// No response within the timeout after every retry.
  timeout = 1,
  /// Report usmStatsUnknownUserNames (RFC 3414 §5): the agent has no such user.
  unknown_user_name,
  /// Report usmStatsWrongDigests, or a response whose digest does not verify.
  authentication_failure,
  /// Report usmStatsUnsupportedSecLevels: the user may not use this security level.
  unsupported_sec_level,
  /// Report usmStatsNotInTimeWindows after the one resynchronisation already happened.
  not_in_time_window,
  /// Report usmStatsDecryptionErrors, or a response that cannot be decrypted.
  decryption_error,
  /// Report usmStatsUnknownEngineIDs after discovery already happened.
  unknown_engine_id,
  /// Report snmpUnknownSecurityModels (RFC 3412).
  unknown_security_model,
  /// Report snmpUnknownContexts / snmpUnavailableContexts (RFC 3413 §3.2).
  unknown_context,
  /// A Report with another counter.
  report,
  /// Engine discovery (RFC 3414 §4) got a Report without an engine ID.
  discovery_failed,
  /// The datagram could not be sent (e.g. no route, IPv6 unavailable).
  send_failed,
  /// The session was closed before the response came.
  cancelled,
  /// A walk saw an OID not greater than the previous one (Net-SNMP's "OID not increasing").
  oid_not_increasing,
  /// The request would not fit in one datagram.
  too_big,
  /// Too many queries wait for this agent already (lookup's per-agent queue is full).
  overloaded,
};

/// The error category ("snmp.cmdgen").
const boost::system::error_category& cmdgen_category() noexcept;

/// Make an error_code from a cmdgen::errc.
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), cmdgen_category()};
}

}  // namespace trapsink::snmp::cmdgen

namespace boost::system {
template <>
struct is_error_code_enum<trapsink::snmp::cmdgen::errc> : std::true_type {};
}  // namespace boost::system
