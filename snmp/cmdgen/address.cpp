#include "snmp/cmdgen/address.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <charconv>
#include <stdexcept>

namespace trapsink::snmp::cmdgen {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {

std::uint16_t parse_port(std::string_view text, std::string_view all) {
  unsigned v = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || p != end || v == 0 || v > 65535) {
    throw std::invalid_argument("agent address '" + std::string(all) + "': port '" +
                                std::string(text) + "' is not a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(v);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

agent_address parse_agent_address(std::string_view text, std::uint16_t default_port) {
  agent_address a;
  a.text = std::string(text);
  a.port = default_port;
  std::string_view s = text;
  for (std::string_view p : {"udp6:", "udpv6:", "udpipv6:"}) {
    if (starts_with_ci(s, p)) {
      a.ipv6 = true;
      s.remove_prefix(p.size());
      break;
    }
  }
  if (!a.ipv6 && starts_with_ci(s, "udp:")) s.remove_prefix(4);
  if (starts_with_ci(s, "tcp") || starts_with_ci(s, "unix:") || starts_with_ci(s, "dtls") ||
      starts_with_ci(s, "tls")) {
    throw std::invalid_argument("agent address '" + std::string(text) +
                                "': only UDP is supported (udp:HOST:PORT or udp6:[ADDR]:PORT)");
  }
  if (s.empty()) {
    throw std::invalid_argument(
        "agent address is empty: give HOST[:PORT], udp:HOST:PORT or "
        "udp6:[ADDR]:PORT");
  }
  if (s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close == 1) {
      throw std::invalid_argument("agent address '" + std::string(text) +
                                  "': a '[' without a matching ']' (write udp6:[::1]:161)");
    }
    a.ipv6 = true;
    a.host = std::string(s.substr(1, close - 1));
    auto rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        throw std::invalid_argument("agent address '" + std::string(text) +
                                    "': expected ':PORT' after ']'");
      }
      a.port = parse_port(rest.substr(1), text);
    }
    return a;
  }
  const auto colons = std::count(s.begin(), s.end(), ':');
  if (a.ipv6 && colons > 1) {
    // udp6:::1 or udp6:fe80::1 — a bare IPv6 address without a port (Net-SNMP accepts it).
    a.host = std::string(s);
    return a;
  }
  if (colons > 1) {
    throw std::invalid_argument("agent address '" + std::string(text) +
                                "': write an IPv6 address in brackets, e.g. udp6:[::1]:161");
  }
  const auto colon = s.find(':');
  a.host = std::string(s.substr(0, colon));
  if (colon != std::string_view::npos) a.port = parse_port(s.substr(colon + 1), text);
  if (a.host.empty()) {
    throw std::invalid_argument("agent address '" + std::string(text) + "': no host");
  }
  return a;
}

boost::system::result<udp::endpoint> resolve(const agent_address& a) {
  boost::system::error_code ec;
  // A literal address needs no resolver.
  auto addr = asio::ip::make_address(a.host, ec);
  if (!ec) {
    if (a.ipv6 && addr.is_v4()) addr = asio::ip::make_address_v6(asio::ip::v4_mapped, addr.to_v4());
    return udp::endpoint(addr, a.port);
  }
  asio::io_context io;
  udp::resolver r(io);
  auto results = r.resolve(a.ipv6 ? udp::v6() : udp::v4(), a.host, std::to_string(a.port), ec);
  if (ec) return ec;
  if (results.empty()) return boost::system::error_code(asio::error::host_not_found);
  return results.begin()->endpoint();
}

}  // namespace trapsink::snmp::cmdgen
