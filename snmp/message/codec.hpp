#pragma once
// Encode and decode community-based SNMP messages: SNMPv1 (RFC 1157 §4) and SNMPv2c
// (RFC 1901, PDUs of RFC 3416 §3), plus the PDU / varbind / value pieces the SNMPv3 code
// reuses for a scoped PDU (RFC 3412 §6). Decoding never throws for malformed input: errors are
// ber::errc (structure) or message::errc (semantics); allocation is limited to the owned
// strings / OIDs / vectors of the result.
#include <cstddef>
#include <span>
#include <vector>

#include "snmp/ber/reader.hpp"
#include "snmp/ber/writer.hpp"
#include "snmp/message/errc.hpp"
#include "snmp/message/pdu.hpp"

namespace trapsink::snmp::message {

/// Read only the outer SEQUENCE header and the version INTEGER of a datagram, so a receiver
/// can dispatch v3 elsewhere (RFC 3412 §7.2 step 2). 0 -> v1, 1 -> v2c, 3 -> v3; any other
/// value is errc::bad_version (snmpInBadVersions); a malformed header is a ber::errc
/// (snmpInASNParseErrs).
ber::result<version> peek_version(std::span<const std::byte> datagram) noexcept;

/// Decode a whole SNMPv1 or SNMPv2c message. Version 3 is errc::unsupported_version, other
/// values errc::bad_version. v1 allows Get/GetNext/Response/Set and the Trap-PDU; v2c allows
/// every RFC 3416 PDU except the Trap-PDU (errc::pdu_not_allowed_in_version otherwise). The
/// datagram must be consumed exactly (ber::errc::trailing_data).
ber::result<community_message> decode_community(std::span<const std::byte> datagram,
                                                const ber::limits& lim = {});

/// Decode one RFC 3416 PDU element ([0]..[3], [5]..[8]) from r, e.g. the data of a scoped
/// PDU. A Trap-PDU ([4]) is errc::pdu_not_allowed_in_version; other tags errc::unknown_pdu_type.
ber::result<pdu> decode_pdu(ber::reader& r);

/// Decode one RFC 1157 Trap-PDU element ([4]) from r; generic-trap outside 0..6 is
/// errc::bad_field, an agent-addr other than 4 octets ber::errc::bad_ip_address.
ber::result<trap_v1_pdu> decode_trap_v1(ber::reader& r);

/// Decode a VarBindList (SEQUENCE OF VarBind, RFC 3416 §3) from r, appending to out.
ber::result<void> decode_varbinds(ber::reader& r, std::vector<varbind>& out);

/// Decode a value from one element (any SMI type of RFC 2578 §7.1 or an RFC 3416 exception).
/// Opaque is kept as raw octets; any other tag is ber::errc::unexpected_tag.
ber::result<void> decode_value(const ber::tlv& element, value& out);

/// Encode a community-based message (minimal BER). decode_community(encode(m)) == m for
/// every message decode_community can produce.
std::vector<std::byte> encode(const community_message& m);

/// Encode a message into w (appending).
void encode(ber::writer& w, const community_message& m);

/// Encode one PDU element (its pdu::type is the tag).
void encode_pdu(ber::writer& w, const pdu& p);

/// Encode one Trap-PDU element ([4]).
void encode_trap_v1(ber::writer& w, const trap_v1_pdu& p);

/// Encode a VarBindList.
void encode_varbinds(ber::writer& w, std::span<const varbind> vbs);

/// Encode one value. The encoding follows value::type; a variant alternative that does not
/// match the type encodes as that type's zero / empty value.
void encode_value(ber::writer& w, const value& v);

}  // namespace trapsink::snmp::message
