// BER writer: minimal definite-length encodings (X.690 §8.1.3, §8.3, §8.19; RFC 3417 §8).
#include "snmp/ber/writer.hpp"

#include <array>

namespace trapsink::snmp::ber {
namespace {

/// Octets needed for a minimal long-form length (X.690 §8.1.3.5).
std::size_t length_octets(std::size_t length) noexcept {
  std::size_t n = 1;
  while (n < sizeof(std::size_t) && (length >> (8 * n)) != 0) ++n;
  return n;
}

/// Octets of a base-128 sub-identifier (X.690 §8.19.2).
std::size_t subid_octets(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while ((v >>= 7) != 0) ++n;
  return n;
}

}  // namespace

std::size_t writer::header_into(std::byte* p, std::uint8_t tag, std::size_t length) noexcept {
  p[0] = static_cast<std::byte>(tag);
  if (length < 0x80) {
    p[1] = static_cast<std::byte>(length);  // §8.1.3.4 short form
    return 2;
  }
  const std::size_t n = length_octets(length);  // §8.1.3.5 long form
  p[1] = static_cast<std::byte>(0x80U | n);
  for (std::size_t i = 0; i < n; ++i) {
    p[2 + i] = static_cast<std::byte>(length >> (8 * (n - 1 - i)));
  }
  return 2 + n;
}

void writer::put_header(std::uint8_t tag, std::size_t length) {
  std::array<std::byte, 2 + sizeof(std::size_t)> hdr;
  const std::size_t n = header_into(hdr.data(), tag, length);
  buf_.insert(buf_.end(), hdr.begin(), hdr.begin() + static_cast<std::ptrdiff_t>(n));
}

void writer::write_integer(std::int64_t v, std::uint8_t tag) {
  // §8.3.2: the first 9 bits of a multi-octet encoding are neither all 0 nor all 1.
  const auto u = static_cast<std::uint64_t>(v);
  std::size_t n = 8;
  while (n > 1) {
    const auto top9 = static_cast<std::uint32_t>((u >> (8 * n - 9)) & 0x1ffU);
    if (top9 != 0 && top9 != 0x1ff) break;
    --n;
  }
  std::byte* p = grow(2 + n);
  p[0] = static_cast<std::byte>(tag);
  p[1] = static_cast<std::byte>(n);
  for (std::size_t i = 0; i < n; ++i) p[2 + i] = static_cast<std::byte>(u >> (8 * (n - 1 - i)));
}

void writer::write_unsigned(std::uint64_t v, std::uint8_t tag) {
  std::size_t n = 1;
  while (n < 8 && (v >> (8 * n)) != 0) ++n;
  const std::size_t pad = ((v >> (8 * (n - 1))) & 0x80U) != 0 ? 1 : 0;  // stay non-negative
  std::byte* p = grow(2 + pad + n);
  p[0] = static_cast<std::byte>(tag);
  p[1] = static_cast<std::byte>(n + pad);
  if (pad != 0) p[2] = std::byte{0};
  for (std::size_t i = 0; i < n; ++i) {
    p[2 + pad + i] = static_cast<std::byte>(v >> (8 * (n - 1 - i)));
  }
}

void writer::write_octets(std::span<const std::byte> v, std::uint8_t tag) {
  put_header(tag, v.size());
  buf_.insert(buf_.end(), v.begin(), v.end());
}

void writer::write_octets(std::string_view v, std::uint8_t tag) {
  write_octets(std::as_bytes(std::span<const char>(v.data(), v.size())), tag);
}

void writer::write_null(std::uint8_t tag) { put_header(tag, 0); }

void writer::write_oid(const oid& v) {
  const auto arcs = v.arcs();
  const std::uint64_t a = arcs.size() > 0 ? arcs[0] : 0;
  const std::uint64_t b = arcs.size() > 1 ? arcs[1] : 0;
  const std::uint64_t first = 40 * a + b;  // §8.19.4
  std::size_t len = subid_octets(first);
  for (std::size_t i = 2; i < arcs.size(); ++i) len += subid_octets(arcs[i]);
  std::array<std::byte, 2 + sizeof(std::size_t)> hdr;
  const std::size_t hlen = header_into(hdr.data(), 0x06, len);
  std::byte* p = grow(hlen + len);
  for (std::size_t i = 0; i < hlen; ++i) *p++ = hdr[i];
  auto put_subid = [&p](std::uint64_t s) {
    if (s < 0x80) {
      *p++ = static_cast<std::byte>(s);
      return;
    }
    const std::size_t n = subid_octets(s);
    for (std::size_t i = n; i-- > 0;) {
      const auto septet = static_cast<std::uint8_t>((s >> (7 * i)) & 0x7fU);
      *p++ = static_cast<std::byte>(i == 0 ? septet : (septet | 0x80U));
    }
  };
  put_subid(first);
  for (std::size_t i = 2; i < arcs.size(); ++i) put_subid(arcs[i]);
}

writer::marker writer::begin_constructed(std::uint8_t tag) {
  put(tag);
  put(0x00);  // placeholder short-form length, widened in end_constructed() if needed
  return buf_.size() - 1;
}

void writer::end_constructed(marker m) {
  const std::size_t length = buf_.size() - (m + 1);
  if (length < 0x80) {
    buf_[m] = static_cast<std::byte>(length);
    return;
  }
  const std::size_t n = length_octets(length);
  std::array<std::byte, 1 + sizeof(std::size_t)> hdr{};
  hdr[0] = static_cast<std::byte>(0x80U | n);
  for (std::size_t i = 0; i < n; ++i) {
    hdr[1 + i] = static_cast<std::byte>(length >> (8 * (n - 1 - i)));
  }
  buf_[m] = hdr[0];
  buf_.insert(buf_.begin() + static_cast<std::ptrdiff_t>(m + 1), hdr.begin() + 1,
              hdr.begin() + 1 + static_cast<std::ptrdiff_t>(n));
}

void writer::write_raw(std::span<const std::byte> encoded) {
  buf_.insert(buf_.end(), encoded.begin(), encoded.end());
}

}  // namespace trapsink::snmp::ber
