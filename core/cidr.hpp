#pragma once
// Address prefixes ("10.0.0.0/8", "2001:db8::/32", or one host) for source-address allow lists.
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::core {

/// One IPv4 or IPv6 prefix. An IPv4 prefix also matches IPv4-mapped IPv6 addresses
/// (::ffff:a.b.c.d), so a dual-stack socket does not defeat an IPv4 allow list.
class cidr {
 public:
  /// Parse "ADDR/LEN" or a bare address (a host prefix). Host bits beyond LEN are ignored.
  /// nullopt when the text is not an address, or LEN is out of range for the family.
  static std::optional<cidr> parse(std::string_view text) {
    cidr c;
    std::string_view addr = text;
    int len = -1;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
      addr = text.substr(0, slash);
      auto digits = text.substr(slash + 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
      if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty()) {
        return std::nullopt;
      }
    }
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(addr), ec);
    if (ec) return std::nullopt;
    if (a.is_v4()) {
      if (len == -1) len = 32;
      if (len < 0 || len > 32) return std::nullopt;
      auto b = a.to_v4().to_bytes();
      std::copy(b.begin(), b.end(), c.bytes_.begin());
      c.v4_ = true;
    } else {
      if (len == -1) len = 128;
      if (len < 0 || len > 128) return std::nullopt;
      c.bytes_ = a.to_v6().to_bytes();
    }
    c.length_ = len;
    c.text_ = std::string(text);
    return c;
  }

  /// True when the address lies in this prefix.
  bool contains(const boost::asio::ip::address& a) const noexcept {
    if (v4_) {
      std::array<unsigned char, 4> b{};
      if (a.is_v4()) {
        b = a.to_v4().to_bytes();
      } else if (a.to_v6().is_v4_mapped()) {
        b = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_bytes();
      } else {
        return false;
      }
      return prefix_equal(b.data());
    }
    if (!a.is_v6()) return false;
    auto b = a.to_v6().to_bytes();
    return prefix_equal(b.data());
  }

  /// As above for a textual address; false when the text is not an address.
  bool contains(std::string_view address) const {
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(address), ec);
    return !ec && contains(a);
  }

  /// The text it was parsed from.
  const std::string& to_string() const noexcept { return text_; }

 private:
  bool prefix_equal(const unsigned char* b) const noexcept {
    int bits = length_;
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
      const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
      if (((b[i] ^ bytes_[i]) & mask) != 0) return false;
    }
    return true;
  }

  std::array<unsigned char, 16> bytes_{};
  int length_ = 0;
  bool v4_ = false;
  std::string text_;
};

/// An allow list: empty allows every address; otherwise the address must be in one prefix.
inline bool allowed(const std::vector<cidr>& list, const boost::asio::ip::address& a) noexcept {
  return list.empty() ||
         std::any_of(list.begin(), list.end(), [&](const cidr& c) { return c.contains(a); });
}

}  // namespace trapsink::core
