// BER reader (X.690 §8.1-8.19 as profiled for SNMP by RFC 3417 §8: definite lengths only,
// one-octet identifiers). No allocation and no exceptions on this path.
#include "snmp/ber/reader.hpp"

#include <limits>

namespace trapsink::snmp::ber {
namespace {

inline std::uint8_t u8(std::byte b) noexcept { return std::to_integer<std::uint8_t>(b); }

inline boost::system::error_code fail(errc e) noexcept { return make_error_code(e); }

/// A parsed identifier + length header.
struct header {
  std::uint8_t tag;
  std::size_t header_len;
  std::size_t length;
};

/// Parse the header at [p, end): X.690 §8.1.2 (identifier) and §8.1.3 (length).
result<header> parse_header(const std::byte* p, const std::byte* end, const limits& lim) noexcept {
  const auto avail = static_cast<std::size_t>(end - p);
  if (avail == 0) return fail(errc::truncated);
  const std::uint8_t tag = u8(p[0]);
  // X.690 §8.1.2.4: tag number 31 announces the high-tag-number form; SNMP never uses it.
  if ((tag & 0x1f) == 0x1f) return fail(errc::multibyte_tag);
  if (avail < 2) return fail(errc::truncated);
  const std::uint8_t first = u8(p[1]);
  std::size_t length = 0;
  std::size_t hlen = 2;
  if (first < 0x80) {
    length = first;  // §8.1.3.4 short form
  } else if (first == 0x80) {
    return fail(errc::indefinite_length);  // §8.1.3.6, forbidden by RFC 3417 §8
  } else {
    const std::size_t n = first & 0x7fU;  // §8.1.3.5 long form; 0xff is reserved (n = 127)
    if (n > 4) return fail(errc::length_too_long);
    if (avail < 2 + n) return fail(errc::truncated);
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | u8(p[2 + i]);
    hlen = 2 + n;
  }
  if (length > lim.max_length) return fail(errc::length_too_long);
  if (length > avail - hlen) return fail(errc::length_past_end);
  return header{tag, hlen, length};
}

/// Drop redundant leading sign-extension octets of a two's complement integer (X.690
/// §8.3.2 asks senders for the minimal form; we accept padded forms but never lose a value).
std::span<const std::byte> strip_signed(std::span<const std::byte> c) noexcept {
  while (c.size() > 1) {
    const std::uint8_t a = u8(c[0]);
    const std::uint8_t b = u8(c[1]);
    if ((a == 0x00 && (b & 0x80) == 0) || (a == 0xff && (b & 0x80) != 0)) {
      c = c.subspan(1);
    } else {
      break;
    }
  }
  return c;
}

/// Two's complement value of at most 8 content octets.
std::int64_t twos_complement(std::span<const std::byte> c) noexcept {
  std::uint64_t v = (u8(c[0]) & 0x80) != 0 ? ~std::uint64_t{0} : 0;
  for (std::byte b : c) v = (v << 8) | u8(b);
  return static_cast<std::int64_t>(v);
}

/// Unsigned value of content octets that must be non-negative and fit in max_octets octets.
result<std::uint64_t> decode_unsigned(std::span<const std::byte> c,
                                      std::size_t max_octets) noexcept {
  if (c.empty()) return fail(errc::empty_integer);
  if ((u8(c[0]) & 0x80) != 0) return fail(errc::integer_too_wide);  // negative
  while (c.size() > 1 && u8(c[0]) == 0x00) c = c.subspan(1);        // 0x00 pad octets
  if (c.size() > max_octets) return fail(errc::integer_too_wide);
  std::uint64_t v = 0;
  for (std::byte b : c) v = (v << 8) | u8(b);
  return v;
}

}  // namespace

result<std::int32_t> decode_int32(std::span<const std::byte> content) noexcept {
  if (content.empty()) return fail(errc::empty_integer);
  const auto c = strip_signed(content);
  if (c.size() > 4) return fail(errc::integer_too_wide);
  return static_cast<std::int32_t>(twos_complement(c));
}

result<std::int64_t> decode_int64(std::span<const std::byte> content) noexcept {
  if (content.empty()) return fail(errc::empty_integer);
  const auto c = strip_signed(content);
  if (c.size() > 8) return fail(errc::integer_too_wide);
  return twos_complement(c);
}

result<std::uint32_t> decode_uint32(std::span<const std::byte> content) noexcept {
  auto v = decode_unsigned(content, 4);
  if (!v) return v.error();
  return static_cast<std::uint32_t>(*v);
}

result<std::uint64_t> decode_uint64(std::span<const std::byte> content) noexcept {
  return decode_unsigned(content, 8);
}

result<void> decode_oid(std::span<const std::byte> content, oid& out) {
  out.clear();
  if (content.empty()) return fail(errc::oid_empty);
  // Decode into a stack buffer, then copy once: one exact allocation per OID.
  std::array<std::uint32_t, max_oid_arcs> arcs;
  std::size_t count = 0;
  constexpr std::uint64_t max_arc = std::numeric_limits<std::uint32_t>::max();
  const std::byte* p = content.data();
  const std::byte* const end = p + content.size();
  while (p != end) {
    std::uint8_t b = u8(*p++);
    std::uint64_t v = b;
    if (b >= 0x80) {
      // X.690 §8.19.2: the leading octet of a sub-identifier shall not be 0x80.
      if (b == 0x80) return fail(errc::oid_bad_padding);
      // The first sub-identifier encodes 40*X+Y (§8.19.4); with X = 2, Y may be up to 2^32-1.
      const std::uint64_t limit = count == 0 ? max_arc + 80 : max_arc;
      v = b & 0x7fU;
      do {
        if (p == end) return fail(errc::oid_truncated);
        b = u8(*p++);
        v = (v << 7) | (b & 0x7fU);
        if (v > limit) return fail(errc::oid_subid_too_large);
      } while ((b & 0x80) != 0);
    }
    if (count == 0) {
      const std::uint32_t x = v < 40 ? 0U : (v < 80 ? 1U : 2U);
      arcs[0] = x;
      arcs[1] = static_cast<std::uint32_t>(v - 40U * x);
      count = 2;
    } else {
      if (count == max_oid_arcs) return fail(errc::oid_too_long);  // RFC 2578 §3.5
      arcs[count++] = static_cast<std::uint32_t>(v);
    }
  }
  out.assign({arcs.data(), count});
  return {};
}

result<std::uint8_t> reader::peek_tag() const noexcept {
  if (p_ == end_) return fail(errc::truncated);
  const std::uint8_t tag = u8(*p_);
  if ((tag & 0x1f) == 0x1f) return fail(errc::multibyte_tag);
  return tag;
}

result<tlv> reader::read_tlv_slow() noexcept {
  if (++count_ > lim_.max_elements) return fail(errc::too_many_elements);
  auto h = parse_header(p_, end_, lim_);
  if (!h) return h.error();
  const std::byte* content = p_ + h->header_len;
  p_ = content + h->length;
  return tlv{h->tag, {content, h->length}};
}

result<reader> reader::read_constructed(std::uint8_t expected_tag) noexcept {
  auto t = read_tlv();
  if (!t) return t.error();
  if (t->tag != expected_tag) return fail(errc::unexpected_tag);
  return enter(*t);
}

result<reader> reader::enter(const tlv& element) const noexcept {
  if ((element.tag & 0x20) == 0) return fail(errc::unexpected_tag);  // X.690 §8.1.2.5
  if (depth_ + 1 > lim_.max_depth) return fail(errc::depth_exceeded);
  const std::byte* b = element.value.data();
  return reader(b, b + element.value.size(), lim_, depth_ + 1);
}

result<std::int32_t> reader::read_int32() noexcept {
  auto c = read_expected(0x02);
  if (!c) return c.error();
  return decode_int32(*c);
}

result<std::int64_t> reader::read_integer64() noexcept {
  auto c = read_expected(0x02);
  if (!c) return c.error();
  return decode_int64(*c);
}

result<std::uint32_t> reader::read_uint32(std::uint8_t tag) noexcept {
  auto c = read_expected(tag);
  if (!c) return c.error();
  return decode_uint32(*c);
}

result<std::uint64_t> reader::read_counter64() noexcept {
  auto c = read_expected(0x46);
  if (!c) return c.error();
  return decode_uint64(*c);
}

result<std::span<const std::byte>> reader::read_octets(std::uint8_t tag) noexcept {
  return read_expected(tag);
}

result<std::array<std::uint8_t, 4>> reader::read_ip_address() noexcept {
  auto c = read_expected(0x40);
  if (!c) return c.error();
  if (c->size() != 4) return fail(errc::bad_ip_address);  // RFC 2578 §7.1.5
  return std::array<std::uint8_t, 4>{u8((*c)[0]), u8((*c)[1]), u8((*c)[2]), u8((*c)[3])};
}

result<void> reader::read_null(std::uint8_t tag) noexcept {
  auto c = read_expected(tag);
  if (!c) return c.error();
  if (!c->empty()) return fail(errc::bad_null);
  return {};
}

result<void> reader::read_oid(oid& out) {
  auto c = read_expected(0x06);
  if (!c) return c.error();
  return decode_oid(*c, out);
}

std::size_t reader::count_remaining() const noexcept {
  std::size_t n = 0;
  const std::byte* p = p_;
  while (p != end_ && n <= lim_.max_elements) {
    auto h = parse_header(p, end_, lim_);
    if (!h) break;
    p += h->header_len + h->length;
    ++n;
  }
  return n;
}

}  // namespace trapsink::snmp::ber
