#pragma once
// Test helpers for the SNMP unit tests: hex <-> bytes and the packet vectors of tests/vectors.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::snmp::test {

/// Bytes from hex text; whitespace is ignored, and so is every line starting with '#'.
inline std::vector<std::byte> hex(std::string_view text) {
  std::vector<std::byte> out;
  int hi = -1;
  bool comment = false;
  bool line_start = true;
  for (char c : text) {
    if (c == '\n') {
      comment = false;
      line_start = true;
      continue;
    }
    if (line_start && c == '#') comment = true;
    line_start = false;
    if (comment || c == ' ' || c == '\t' || c == '\r') continue;
    int v = -1;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      throw std::invalid_argument("bad hex character");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::byte>(hi * 16 + v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

/// Lower-case hex of bytes, no separators.
inline std::string to_hex(const std::vector<std::byte>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::byte b : bytes) {
    const auto v = std::to_integer<unsigned>(b);
    s.push_back(digits[v >> 4]);
    s.push_back(digits[v & 15]);
  }
  return s;
}

/// The bytes of tests/vectors/<name> (a .hex file with '#' provenance lines).
inline std::vector<std::byte> vector_file(const std::string& name) {
  std::ifstream in(std::string(TRAPSINK_SOURCE_DIR) + "/tests/vectors/" + name);
  if (!in) throw std::runtime_error("missing test vector " + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return hex(ss.str());
}

/// The provenance header of a vector file (its '#' lines).
inline std::string vector_header(const std::string& name) {
  std::ifstream in(std::string(TRAPSINK_SOURCE_DIR) + "/tests/vectors/" + name);
  std::string line, header;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') header += line + "\n";
  }
  return header;
}

/// Bytes of a string (raw octets).
inline std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}

}  // namespace trapsink::snmp::test
