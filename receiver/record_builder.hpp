#pragma once
// Turns a decoded community-based notification into a record (docs/record.md).
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/record/record.hpp"
#include "snmp/message/pdu.hpp"

namespace trapsink::receiver {

/// Where a datagram came from.
struct peer_info {
  std::string address;  ///< textual IP address
  std::uint16_t port = 0;
  std::string transport;        ///< "udp" | "udp6"
  boost::asio::ip::address ip;  ///< the address itself, for allow lists
};

/// Why a notification could not become a record.
enum class build_error {
  none,
  not_a_notification,  ///< a PDU other than Trap-PDU, SNMPv2-Trap or InformRequest
  no_trap_oid,         ///< RFC 3416 §4.2.6: the second varbind must be snmpTrapOID.0
};

/// Build the record for a v1 Trap-PDU, a v2c SNMPv2-Trap or a v2c InformRequest. v1 traps are
/// translated per RFC 3584 §3.1; the record keeps the original v1 fields in `v1`.
pipeline::record build_record(snmp::message::community_message msg, const peer_info& peer,
                              std::chrono::system_clock::time_point received, build_error& error);

/// Split SNMPv2 notification varbinds into sysUpTime.0, snmpTrapOID.0 and the rest, filling the
/// record's uptime, trap_oid, agent_address and varbinds. Shared with the SNMPv3 path.
bool fill_notification(std::vector<snmp::message::varbind> varbinds, const peer_info& peer,
                       pipeline::record& out);

}  // namespace trapsink::receiver
