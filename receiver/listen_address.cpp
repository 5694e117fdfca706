#include "receiver/listen_address.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <stdexcept>

namespace trapsink::receiver {
namespace {

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw std::invalid_argument(fmt::format(
      "invalid listen address '{}': {} (expected udp:ADDR:PORT, e.g. udp:0.0.0.0:162, or "
      "udp6:[ADDR]:PORT, e.g. udp6:[::]:162)",
      text, why));
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value > 65535) {
    fail(text, fmt::format("port '{}' is not a number from 0 to 65535", port));
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string listen_address::to_string() const {
  if (transport == "udp6") {
    return fmt::format("udp6:[{}]:{}", endpoint.address().to_string(), endpoint.port());
  }
  return fmt::format("udp:{}:{}", endpoint.address().to_string(), endpoint.port());
}

listen_address parse_listen_address(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) fail(text, "no transport prefix");
  std::string_view transport = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  boost::system::error_code ec;
  listen_address out;
  if (transport == "udp") {
    auto last = rest.rfind(':');
    if (last == std::string_view::npos) fail(text, "no port");
    auto addr = boost::asio::ip::make_address_v4(std::string(rest.substr(0, last)), ec);
    if (ec) fail(text, fmt::format("'{}' is not an IPv4 address", rest.substr(0, last)));
    out.transport = "udp";
    out.endpoint = {addr, parse_port(text, rest.substr(last + 1))};
  } else if (transport == "udp6") {
    if (rest.empty() || rest.front() != '[') fail(text, "the IPv6 address must be in brackets");
    auto close = rest.find(']');
    if (close == std::string_view::npos) fail(text, "missing ']'");
    if (close + 1 >= rest.size() || rest[close + 1] != ':') fail(text, "no port after ']'");
    auto addr = boost::asio::ip::make_address_v6(std::string(rest.substr(1, close - 1)), ec);
    if (ec) fail(text, fmt::format("'{}' is not an IPv6 address", rest.substr(1, close - 1)));
    out.transport = "udp6";
    out.endpoint = {addr, parse_port(text, rest.substr(close + 2))};
  } else {
    fail(text, fmt::format("unknown transport '{}'", transport));
  }
  return out;
}

}  // namespace trapsink::receiver
