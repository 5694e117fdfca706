#pragma once
// The settings of the optional HTTP listener (docs/http.md): where it listens and the bearer
// token that guards it. Parsed from the `http:` configuration map and `serve --http ADDR`.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trapsink::http {

/// A bad `http:` setting; what() says what is wrong and what to do.
class http_config_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Where the HTTP listener binds: an IP address literal and a TCP port (0: the kernel picks).
struct http_endpoint {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8162;

  /// "127.0.0.1:8162", "[::1]:8162".
  std::string to_string() const;
  /// Whether the address is a loopback address (127.0.0.0/8, ::1).
  bool loopback() const;
};

/// The HTTP listener's settings.
struct http_options {
  http_endpoint listen{};
  /// The bearer token clients must send (Authorization: Bearer TOKEN); empty: none needed.
  std::string token{};
  /// Where token was read from (token_file), for messages; empty when given inline.
  std::string token_file{};
  /// Connections served at once; more wait in the kernel's accept queue.
  std::size_t max_connections = 64;
  /// Streaming clients (/api/events/stream) at once; more are answered 503.
  std::size_t max_stream_clients = 16;
  /// Bytes of events queued for one streaming client before it is disconnected as too slow.
  std::size_t stream_client_buffer = 1 << 20;
};

/// The default HTTP port (docs/http.md).
inline constexpr std::uint16_t default_http_port = 8162;

/// Parse "ADDR:PORT", "[ADDR6]:PORT", "ADDR" (port 8162) or ":PORT" (127.0.0.1). ADDR is an
/// IPv4 or IPv6 literal. Throws http_config_error naming the text and the accepted forms.
http_endpoint parse_http_endpoint(std::string_view text);

/// Read a token file: its content without a trailing newline. Throws http_config_error when it
/// cannot be read or holds no usable token.
std::string read_token_file(const std::string& path);

/// Check a token: 1..4096 visible ASCII characters (RFC 6750 b64token is narrower; any visible
/// character but a space is accepted). Throws http_config_error.
void check_token(std::string_view token);

/// The whole-configuration rule: a non-loopback address needs a token. Throws
/// http_config_error saying what to do.
void validate(const http_options& o);

/// Constant-time comparison (the time depends on the lengths only).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace trapsink::http
