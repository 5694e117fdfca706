#pragma once
// Listener addresses as given on the command line and in configuration:
//   udp:ADDR:PORT      IPv4, e.g. udp:0.0.0.0:162, udp:127.0.0.1:1162
//   udp6:[ADDR]:PORT   IPv6, e.g. udp6:[::]:162, udp6:[::1]:1162
// PORT 0 asks the kernel for a free port (the bound port is logged).
#include <boost/asio/ip/udp.hpp>
#include <string>
#include <string_view>

namespace trapsink::receiver {

/// A parsed listener address.
struct listen_address {
  std::string transport;                    ///< "udp" | "udp6"
  boost::asio::ip::udp::endpoint endpoint;  ///< address and port to bind

  /// The canonical text form ("udp:127.0.0.1:1162", "udp6:[::1]:1162").
  std::string to_string() const;
};

/// Parse a listener address. Throws std::invalid_argument with a message that names the text,
/// what is wrong and the accepted forms.
listen_address parse_listen_address(std::string_view text);

}  // namespace trapsink::receiver
