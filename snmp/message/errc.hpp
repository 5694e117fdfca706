#pragma once
// Error codes of the message layer (RFC 1157 §4, RFC 1901, RFC 3416 §3). Structural BER errors
// surface as ber::errc; these codes name what is wrong with a well-formed message.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace trapsink::snmp::message {

/// Why a community-based message was rejected.
enum class errc {
  ok = 0,
  /// The version field is not 0 (v1), 1 (v2c) or 3 (v3): counted as snmpInBadVersions
  /// (RFC 3418 §2, RFC 3412 §7.2 step 2).
  bad_version = 1,
  /// A well-formed version this decoder does not handle (v3 given to decode_community).
  unsupported_version,
  /// The PDU tag is not one of [0]..[8] (RFC 3416 §3).
  unknown_pdu_type,
  /// A PDU the message version does not allow: Trap-PDU in v2c; GetBulk, Inform,
  /// SNMPv2-Trap or Report in v1 (RFC 3584 §2.1).
  pdu_not_allowed_in_version,
  /// A field outside its allowed range (e.g. generic-trap outside 0..6, RFC 1157 §4.1.6).
  bad_field,
  /// SNMPv3 msgFlags with privFlag set but not authFlag, or not one octet: snmpInvalidMsgs
  /// (RFC 3412 §7.2 step 5).
  invalid_msg_flags,
  /// SNMPv3 msgUserName longer than 32 octets (RFC 3414 §2.4).
  user_name_too_long,
};

/// The error category for message::errc ("snmp.message").
const boost::system::error_category& message_category() noexcept;

/// Make an error_code from a message::errc.
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), message_category()};
}

}  // namespace trapsink::snmp::message

namespace boost::system {
template <>
struct is_error_code_enum<trapsink::snmp::message::errc> : std::true_type {};
}  // namespace boost::system
