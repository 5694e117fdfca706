#pragma once
// SNMP PDUs (RFC 1157 §4.1, RFC 3416 §3) and community-based messages (RFC 1157, RFC 1901).
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "snmp/message/value.hpp"

namespace trapsink::snmp::message {

/// PDU tags (context-specific, constructed).
enum class pdu_type : std::uint8_t {
  get_request = 0xa0,
  get_next_request = 0xa1,
  response = 0xa2,
  set_request = 0xa3,
  trap_v1 = 0xa4,  ///< RFC 1157 Trap-PDU (v1 only)
  get_bulk_request = 0xa5,
  inform_request = 0xa6,
  snmpv2_trap = 0xa7,
  report = 0xa8,
};

/// Message version field values (RFC 3412 §6.1 / RFC 1901).
enum class version : std::int32_t { v1 = 0, v2c = 1, v3 = 3 };

/// Every PDU except the v1 Trap-PDU. For GetBulk, error_status carries non-repeaters and
/// error_index carries max-repetitions (RFC 3416 §3).
struct pdu {
  pdu_type type = pdu_type::get_request;
  std::int32_t request_id = 0;
  std::int32_t error_status = 0;
  std::int32_t error_index = 0;
  std::vector<varbind> varbinds;
  friend bool operator==(const pdu&, const pdu&) = default;
};

/// The RFC 1157 Trap-PDU.
struct trap_v1_pdu {
  ber::oid enterprise;
  std::array<std::uint8_t, 4> agent_address{};
  std::int32_t generic_trap = 0;  ///< 0..6
  std::int32_t specific_trap = 0;
  std::uint32_t time_stamp = 0;  ///< TimeTicks
  std::vector<varbind> varbinds;
  friend bool operator==(const trap_v1_pdu&, const trap_v1_pdu&) = default;
};

/// A community-based message (SNMPv1 or SNMPv2c).
struct community_message {
  version ver = version::v2c;
  std::string community;
  std::variant<pdu, trap_v1_pdu> body;
  friend bool operator==(const community_message&, const community_message&) = default;
};

}  // namespace trapsink::snmp::message
