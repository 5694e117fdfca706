#pragma once
// Agent addresses in Net-SNMP's forms (snmpcmd(1) "AGENT SPECIFICATION"):
//   host, host:port                     UDP over IPv4 (or whatever the name resolves to)
//   udp:host[:port]                     UDP over IPv4
//   udp6:host, udp6:[addr]:port          UDP over IPv6 ("udpv6:" and "udpipv6:" too)
//   [addr]:port, [addr]                 UDP over IPv6
// The port defaults to the one given (161 for requests, 162 for notifications).
#include <boost/asio/ip/udp.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace trapsink::snmp::cmdgen {

/// A parsed agent address.
struct agent_address {
  bool ipv6 = false;  ///< udp6: or a bracketed address
  std::string host;   ///< name or literal address, without brackets
  std::uint16_t port = 161;
  std::string text;  ///< as given, for messages ("Timeout: No Response from TEXT")
};

/// Parse an agent address. Throws std::invalid_argument naming the text and the accepted
/// forms (an edge: command line or configuration).
agent_address parse_agent_address(std::string_view text, std::uint16_t default_port);

/// Resolve an address to one UDP endpoint (the first of its family). An error code (e.g.
/// host not found) rather than an exception.
boost::system::result<boost::asio::ip::udp::endpoint> resolve(const agent_address& a);

}  // namespace trapsink::snmp::cmdgen
