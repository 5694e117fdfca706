#pragma once
// Identifier octets of every type SNMP carries (RFC 2578 §7.1.x, RFC 3416 §3).
#include <cstdint>
#include <string_view>

namespace trapsink::snmp::ber {

/// One-octet BER tags used by SNMP. Values are the full identifier octet.
enum class tag : std::uint8_t {
  integer = 0x02,       ///< INTEGER / Integer32
  octet_string = 0x04,  ///< OCTET STRING
  null = 0x05,          ///< NULL
  object_identifier = 0x06,
  sequence = 0x30,
  ip_address = 0x40,      ///< [APPLICATION 0] IMPLICIT OCTET STRING (SIZE (4))
  counter32 = 0x41,       ///< [APPLICATION 1]
  gauge32 = 0x42,         ///< [APPLICATION 2], also Unsigned32
  timeticks = 0x43,       ///< [APPLICATION 3]
  opaque = 0x44,          ///< [APPLICATION 4]
  counter64 = 0x46,       ///< [APPLICATION 6]
  no_such_object = 0x80,  ///< [0] IMPLICIT NULL (RFC 3416 exception)
  no_such_instance = 0x81,
  end_of_mib_view = 0x82,
};

/// The SMI type name used in records ("Integer32", "OctetString", ...); "" for a tag that is
/// not a value type.
std::string_view smi_type_name(tag t) noexcept;

}  // namespace trapsink::snmp::ber
