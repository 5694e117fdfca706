#pragma once
// Pieces of the record's JSON encoding that other components reuse (a sink that stores the
// varbinds as a JSON column, the `query` output). The whole record is encoded by append_json /
// to_json in record.hpp; the rules are in docs/record.md.
#include <span>
#include <string>
#include <string_view>

#include "snmp/message/value.hpp"

namespace trapsink::pipeline {

/// Append the members that render one SNMP value, without braces: `"type":"...","value":...`
/// followed by `,"encoding":"text"|"hex"` for OctetString and Opaque (and for an IpAddress
/// whose length is not 4 octets, which the decoder never produces).
void append_value_members(const snmp::message::value& v, std::string& out);

/// Append one varbind as a JSON object: {"oid":"1.3.6...","type":"...","value":...[,...]}.
void append_varbind_json(const snmp::message::varbind& vb, std::string& out);

/// Append the varbinds as a JSON array of varbind objects.
void append_varbinds_json(std::span<const snmp::message::varbind> vbs, std::string& out);

/// Append raw octets as a JSON string under the OctetString rule: the text itself when it is
/// printable UTF-8 (json::is_printable_utf8), else lowercase hex. Returns true if text was
/// written, false if hex was written.
bool append_octets(std::string_view octets, std::string& out);

}  // namespace trapsink::pipeline
