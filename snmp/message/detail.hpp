#pragma once
// Helpers shared by the message codecs (codec.cpp, v3.cpp). Internal to snmp/message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "snmp/ber/errc.hpp"
#include "snmp/message/errc.hpp"

namespace trapsink::snmp::message::detail {

inline boost::system::error_code fail(ber::errc e) noexcept { return make_error_code(e); }
inline boost::system::error_code fail(message::errc e) noexcept { return make_error_code(e); }

inline constexpr std::uint8_t tag_sequence = 0x30;
inline constexpr std::uint8_t tag_octets = 0x04;

/// Raw octets as a std::string (no transcoding).
inline std::string to_string(std::span<const std::byte> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace trapsink::snmp::message::detail
