#pragma once
// SNMPv3 messages (RFC 3412 §6) with the User-based Security Model's parameters (RFC 3414
// §2.4) and scoped PDUs. Decoding returns views into the datagram — no allocation — so the
// security layer can authenticate the exact octets received; encoding returns where the
// authentication parameters sit so they can be filled after the message is complete.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "snmp/ber/reader.hpp"
#include "snmp/message/errc.hpp"
#include "snmp/message/pdu.hpp"

namespace trapsink::snmp::message {

/// msgFlags bits (RFC 3412 §6.4).
namespace v3_flags {
inline constexpr std::uint8_t auth = 0x01;
inline constexpr std::uint8_t priv = 0x02;
inline constexpr std::uint8_t reportable = 0x04;
}  // namespace v3_flags

/// msgSecurityModel of the User-based Security Model (RFC 3411 §5 SnmpSecurityModel).
inline constexpr std::int32_t security_model_usm = 3;

/// HeaderData (RFC 3412 §6).
struct v3_header {
  std::int32_t msg_id = 0;        ///< 0..2^31-1
  std::int32_t max_size = 65507;  ///< 484..2^31-1
  std::uint8_t flags = 0;         ///< v3_flags bits
  std::int32_t security_model = security_model_usm;
  friend bool operator==(const v3_header&, const v3_header&) = default;
};

/// An SNMPv3 message as received: views into the datagram.
struct v3_message_view {
  v3_header header;
  /// Content octets of msgSecurityParameters.
  std::span<const std::byte> security_parameters;
  /// Offset of security_parameters' first octet in the datagram.
  std::size_t security_parameters_offset = 0;
  /// True when msgData is an encryptedPDU (its content octets are in data); false when it is
  /// a plaintext ScopedPDU (data is the whole element, tag and length included).
  bool encrypted = false;
  std::span<const std::byte> data;
};

/// Decode the outer structure of an SNMPv3 message: version 3, HeaderData, the security
/// parameters (not interpreted) and msgData. msgFlags other than one octet, or with privFlag
/// without authFlag, is errc::invalid_msg_flags (snmpInvalidMsgs); msgID, msgMaxSize or
/// msgSecurityModel out of range is errc::bad_field; other problems are ber::errc
/// (snmpInASNParseErrs).
ber::result<v3_message_view> decode_v3(std::span<const std::byte> datagram,
                                       const ber::limits& lim = {}) noexcept;

/// UsmSecurityParameters (RFC 3414 §2.4), views into the security parameters.
struct usm_parameters_view {
  std::span<const std::byte> engine_id;    ///< msgAuthoritativeEngineID
  std::int32_t engine_boots = 0;           ///< 0..2^31-1
  std::int32_t engine_time = 0;            ///< 0..2^31-1
  std::span<const std::byte> user_name;    ///< 0..32 octets
  std::span<const std::byte> auth_params;  ///< msgAuthenticationParameters
  std::span<const std::byte> priv_params;  ///< msgPrivacyParameters
  /// Offset of auth_params' first octet within the security parameters' content.
  std::size_t auth_params_offset = 0;
};

/// Decode UsmSecurityParameters from the content of msgSecurityParameters. Boots or time out
/// of range, or an engine ID neither empty (discovery) nor 5..32 octets, is errc::bad_field; a
/// user name over 32 octets errc::user_name_too_long.
ber::result<usm_parameters_view> decode_usm_parameters(std::span<const std::byte> content) noexcept;

/// ScopedPDU (RFC 3412 §6.8).
struct scoped_pdu {
  std::string context_engine_id;  ///< raw octets
  std::string context_name;       ///< raw octets
  pdu data;
  friend bool operator==(const scoped_pdu&, const scoped_pdu&) = default;
};

/// Decode a ScopedPDU element. allow_trailing accepts octets after it (the padding a CBC
/// cipher leaves after decryption, RFC 3414 §8.3.2, or that some senders add before AES-CFB);
/// otherwise they are ber::errc::trailing_data.
ber::result<scoped_pdu> decode_scoped_pdu(std::span<const std::byte> bytes, bool allow_trailing,
                                          const ber::limits& lim = {});

/// The PDU type and request-id of a ScopedPDU, read without decoding its variable bindings.
struct pdu_summary {
  pdu_type type = pdu_type::get_request;
  std::int32_t request_id = 0;
};
ber::result<pdu_summary> peek_scoped_pdu(std::span<const std::byte> bytes) noexcept;

/// True for the PDUs of RFC 3411 §2.8's Confirmed Class, the only ones a Report answers.
constexpr bool is_confirmed_class(pdu_type t) noexcept {
  return t == pdu_type::get_request || t == pdu_type::get_next_request ||
         t == pdu_type::get_bulk_request || t == pdu_type::set_request ||
         t == pdu_type::inform_request;
}

/// Encode a ScopedPDU element.
std::vector<std::byte> encode_scoped_pdu(const scoped_pdu& s);

/// USM parameters of an outgoing message.
struct usm_parameters {
  std::vector<std::byte> engine_id;
  std::int32_t engine_boots = 0;
  std::int32_t engine_time = 0;
  std::string user_name;
  /// Octets of msgAuthenticationParameters, written as zeros to be filled after signing
  /// (0 for an unauthenticated message).
  std::size_t auth_params_length = 0;
  std::vector<std::byte> priv_params;
};

/// An encoded SNMPv3 message and where its authentication parameters are.
struct encoded_v3 {
  std::vector<std::byte> bytes;
  std::size_t auth_params_offset = 0;  ///< within bytes; auth_params_length zero octets
};

/// Encode an SNMPv3 message. msg_data is an encoded ScopedPDU when encrypted is false, else
/// the ciphertext (written as the encryptedPDU OCTET STRING). usm must hold an engine ID that
/// is empty or 5..32 octets and a user name of at most 32 octets (std::logic_error otherwise).
encoded_v3 encode_v3(const v3_header& h, const usm_parameters& usm,
                     std::span<const std::byte> msg_data, bool encrypted);

}  // namespace trapsink::snmp::message
