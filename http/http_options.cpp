#include "http/http_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

namespace trapsink::http {

std::string http_endpoint::to_string() const {
  if (address.find(':') != std::string::npos) return fmt::format("[{}]:{}", address, port);
  return fmt::format("{}:{}", address, port);
}

bool http_endpoint::loopback() const {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

http_endpoint parse_http_endpoint(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return http_config_error(fmt::format(
        "HTTP listen address '{}' {}; give ADDR:PORT with an IP address, e.g. 127.0.0.1:8162, "
        "[::1]:8162 or 0.0.0.0:8162 (with a token)",
        text, why));
  };
  http_endpoint e;
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) throw bad("has '[' without ']'");
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw bad("has something other than ':PORT' after ']'");
      port = rest.substr(1);
      if (port.empty()) throw bad("has no port after ':'");
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) throw bad("has no port after ':'");
  }
  if (host.empty()) host = "127.0.0.1";
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) throw bad("is not an IP address (host names are not accepted)");
  e.address = a.to_string();
  if (!port.empty()) {
    unsigned v = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), v);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || v > 65535) {
      throw bad("has a port that is not a number from 0 to 65535");
    }
    e.port = static_cast<std::uint16_t>(v);
  } else {
    e.port = default_http_port;
  }
  return e;
}

void check_token(std::string_view token) {
  if (token.empty()) throw http_config_error("the HTTP token is empty");
  if (token.size() > 4096) throw http_config_error("the HTTP token is longer than 4096 characters");
  for (char c : token) {
    if (c <= ' ' || c > '~') {
      throw http_config_error(
          "the HTTP token holds a space or a character that is not visible ASCII; use letters, "
          "digits and punctuation (e.g. the output of `openssl rand -hex 32`)");
    }
  }
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw http_config_error(
        fmt::format("cannot read the HTTP token file '{}'; check the path and "
                    "that this user may read it",
                    path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  try {
    check_token(t);
  } catch (const http_config_error& e) {
    throw http_config_error(fmt::format("HTTP token file '{}': {}", path, e.what()));
  }
  return t;
}

void validate(const http_options& o) {
  if (!o.token.empty()) check_token(o.token);
  if (!o.listen.loopback() && o.token.empty()) {
    throw http_config_error(fmt::format(
        "http: listen {} is not a loopback address, and no token is set: anyone who can reach "
        "it could read the events; set http.token_file (or http.token) so that clients must "
        "send 'Authorization: Bearer TOKEN', or listen on 127.0.0.1",
        o.listen.to_string()));
  }
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // The loop runs over b (the presented value) whatever a holds; the length difference is
  // folded into the result rather than returned early.
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const char x = a.empty() ? '\0' : a[i % a.size()];
    diff |= static_cast<unsigned char>(x) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

}  // namespace trapsink::http
