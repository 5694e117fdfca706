#pragma once
// Octets in hex, as engine IDs and keys are written in configuration files and records.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::core {

namespace detail {
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

/// Hex octets: surrounding blanks, an optional "0x"/"0X" prefix, then pairs of hex digits,
/// optionally separated by ':' or spaces ("80001f8880", "0x80001f8880", "80:00:1f:88:80",
/// "80 00 1f 88 80"). nullopt, and why (a fragment that never repeats the text, which may be a
/// secret), when it is not that or is empty.
inline std::optional<std::vector<std::byte>> parse_hex(std::string_view text, std::string& why) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  std::vector<std::byte> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!out.empty() && (s[i] == ':' || s[i] == ' ')) {
      ++i;
      while (i < s.size() && s[i] == ' ') ++i;  // "aa : bb", "aa  bb"
      if (i == s.size()) {
        why = "it ends with a separator";
        return std::nullopt;
      }
    }
    if (i + 1 >= s.size() || detail::hex_value(s[i]) < 0 || detail::hex_value(s[i + 1]) < 0) {
      why = i + 1 >= s.size() && detail::hex_value(s[i]) >= 0
                ? "it has an odd number of hex digits (each octet is two digits)"
                : "it is not hex octets (two hex digits per octet, optionally \"0x\" first and "
                  "':' or spaces between octets)";
      return std::nullopt;
    }
    out.push_back(
        static_cast<std::byte>(detail::hex_value(s[i]) * 16 + detail::hex_value(s[i + 1])));
    i += 2;
  }
  if (out.empty()) {
    why = "it is empty";
    return std::nullopt;
  }
  return out;
}

/// Lowercase hex of octets, no separators.
inline std::string to_hex(std::span<const std::byte> octets) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(octets.size() * 2);
  for (auto b : octets) {
    const auto v = std::to_integer<unsigned>(b);
    out.push_back(digits[v >> 4]);
    out.push_back(digits[v & 0x0f]);
  }
  return out;
}

}  // namespace trapsink::core
