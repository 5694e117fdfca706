#pragma once
// A BER reader over a byte span (X.690 §8, restricted to what SNMP uses: one-octet tags and
// definite lengths, RFC 3417 §8). It never allocates per element: values are views into the
// input; only read_oid fills the caller's ber::oid. Every limit has its own ber::errc.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "snmp/ber/errc.hpp"
#include "snmp/ber/oid.hpp"

namespace trapsink::snmp::ber {

/// Resource limits applied while reading untrusted input.
struct limits {
  /// Deepest nesting of constructed elements below the reader created first (depth 0).
  std::size_t max_depth = 16;
  /// Most elements read from one reader (i.e. one sequence level).
  std::size_t max_elements = 2048;
  /// Largest length any element may declare; larger is errc::length_too_long.
  std::size_t max_length = std::size_t{1} << 24;
};

/// One tag-length-value element: the identifier octet and a view of the content octets.
struct tlv {
  std::uint8_t tag = 0;
  std::span<const std::byte> value;
};

/// Decode INTEGER content octets into an Integer32 (RFC 2578 §7.1.1). Redundant leading
/// sign-extension octets are accepted; a value outside int32 is errc::integer_too_wide.
result<std::int32_t> decode_int32(std::span<const std::byte> content) noexcept;

/// Decode INTEGER content octets into a 64-bit signed value.
result<std::int64_t> decode_int64(std::span<const std::byte> content) noexcept;

/// Decode Counter32 / Gauge32 / TimeTicks content octets (RFC 2578 §7.1.6-8): 0..2^32-1,
/// leading 0x00 pad octets accepted; a negative encoding is errc::integer_too_wide.
result<std::uint32_t> decode_uint32(std::span<const std::byte> content) noexcept;

/// Decode Counter64 content octets (RFC 2578 §7.1.10): up to 9 octets with a leading 0x00.
result<std::uint64_t> decode_uint64(std::span<const std::byte> content) noexcept;

/// Decode OBJECT IDENTIFIER content octets (X.690 §8.19) into out (cleared first). Enforces
/// RFC 2578 §3.5: at most 128 sub-identifiers, each at most 2^32-1; rejects 0x80 padding.
result<void> decode_oid(std::span<const std::byte> content, oid& out);

/// Reads consecutive TLVs from one level of a BER encoding. A child reader for the content
/// of a constructed element is obtained with read_constructed() or enter().
class reader {
 public:
  /// A top-level reader (depth 0) over data; lim is copied.
  explicit reader(std::span<const std::byte> data, const limits& lim = {}) noexcept
      : p_(data.data()), end_(data.data() + data.size()), lim_(lim) {}

  /// True when every octet of this level has been consumed.
  bool at_end() const noexcept { return p_ == end_; }
  /// Octets not consumed yet at this level.
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  /// The unconsumed octets at this level.
  std::span<const std::byte> rest() const noexcept { return {p_, end_}; }
  /// Nesting depth of this reader (0 for the top level).
  std::size_t depth() const noexcept { return depth_; }
  /// The limits this reader enforces.
  const limits& limit() const noexcept { return lim_; }

  /// The next identifier octet without consuming it; errc::truncated at the end.
  result<std::uint8_t> peek_tag() const noexcept;

  /// Read the next element whatever its tag.
  result<tlv> read_tlv() noexcept {
    // Fast path (inline): low tag number and short-form length (X.690 §8.1.3.4).
    const auto avail = static_cast<std::size_t>(end_ - p_);
    if (avail >= 2 && count_ < lim_.max_elements) {
      const auto tag = std::to_integer<std::uint8_t>(p_[0]);
      const auto len = std::to_integer<std::uint8_t>(p_[1]);
      if ((tag & 0x1f) != 0x1f && len < 0x80 && len <= avail - 2 && len <= lim_.max_length) {
        ++count_;
        const std::byte* content = p_ + 2;
        p_ = content + len;
        return tlv{tag, {content, len}};
      }
    }
    return read_tlv_slow();
  }

  /// Read the next element and require its tag to be expected_tag (errc::unexpected_tag).
  result<std::span<const std::byte>> read_expected(std::uint8_t expected_tag) noexcept {
    auto t = read_tlv();
    if (!t) return t.error();
    if (t->tag != expected_tag) return make_error_code(errc::unexpected_tag);
    return t->value;
  }

  /// Read a constructed element with tag expected_tag and return a reader over its content
  /// at depth + 1 (errc::depth_exceeded past limits::max_depth).
  result<reader> read_constructed(std::uint8_t expected_tag) noexcept;

  /// A child reader over the content of an element this reader returned; the element must be
  /// constructed (bit 0x20 set, else errc::unexpected_tag). Depth is checked as above.
  result<reader> enter(const tlv& element) const noexcept;

  /// INTEGER (tag 0x02) as Integer32.
  result<std::int32_t> read_int32() noexcept;
  /// INTEGER (tag 0x02) as a 64-bit value.
  result<std::int64_t> read_integer64() noexcept;
  /// An unsigned 32-bit type: Counter32 (0x41), Gauge32 (0x42) or TimeTicks (0x43).
  result<std::uint32_t> read_uint32(std::uint8_t tag) noexcept;
  /// Counter64 (0x46).
  result<std::uint64_t> read_counter64() noexcept;
  /// The content octets of an OCTET STRING (or an IMPLICIT OCTET STRING with another tag).
  result<std::span<const std::byte>> read_octets(std::uint8_t tag = 0x04) noexcept;
  /// IpAddress (0x40): exactly 4 octets (errc::bad_ip_address).
  result<std::array<std::uint8_t, 4>> read_ip_address() noexcept;
  /// NULL (or an exception value with tag) that must have no content (errc::bad_null).
  result<void> read_null(std::uint8_t tag = 0x05) noexcept;
  /// OBJECT IDENTIFIER (0x06) into out.
  result<void> read_oid(oid& out);

  /// Count the elements left at this level without consuming them (used to reserve vectors).
  /// Stops at the first malformed header; never exceeds limits::max_elements + 1.
  std::size_t count_remaining() const noexcept;

 private:
  /// read_tlv() for every case the inline fast path does not take (including all errors).
  result<tlv> read_tlv_slow() noexcept;

  reader(const std::byte* p, const std::byte* end, const limits& lim, std::size_t depth) noexcept
      : p_(p), end_(end), lim_(lim), depth_(depth) {}

  const std::byte* p_;
  const std::byte* end_;
  limits lim_;
  std::size_t depth_ = 0;
  std::size_t count_ = 0;
};

}  // namespace trapsink::snmp::ber
