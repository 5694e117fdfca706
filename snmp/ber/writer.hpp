#pragma once
// A BER writer producing minimal definite-length encodings (X.690 §8, DER-style lengths and
// integers) of the types SNMP uses (RFC 3417 §8). Constructed elements are written with
// begin_constructed()/end_constructed(): the length is back-patched when the element ends.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "snmp/ber/oid.hpp"

namespace trapsink::snmp::ber {

/// Appends BER elements to an owned byte buffer.
class writer {
 public:
  /// Marker returned by begin_constructed(); pass it back to end_constructed().
  using marker = std::size_t;

  /// An empty writer; reserve_hint pre-sizes the buffer.
  explicit writer(std::size_t reserve_hint = 256) { buf_.reserve(reserve_hint); }

  /// INTEGER (or another tag with INTEGER encoding): minimal two's complement (X.690 §8.3).
  void write_integer(std::int64_t v, std::uint8_t tag = 0x02);
  /// An unsigned type (Counter32 0x41, Gauge32 0x42, TimeTicks 0x43, Counter64 0x46): minimal
  /// encoding with a leading 0x00 octet where the top bit would otherwise be set.
  void write_unsigned(std::uint64_t v, std::uint8_t tag);
  /// OCTET STRING (or an IMPLICIT OCTET STRING type such as IpAddress 0x40, Opaque 0x44).
  void write_octets(std::span<const std::byte> v, std::uint8_t tag = 0x04);
  /// OCTET STRING from characters (raw octets, no transcoding).
  void write_octets(std::string_view v, std::uint8_t tag = 0x04);
  /// NULL, or an exception value (0x80..0x82) when tag is given: empty content.
  void write_null(std::uint8_t tag = 0x05);
  /// OBJECT IDENTIFIER (X.690 §8.19): the first two arcs are combined as 40*a+b. The oid
  /// should have at least two arcs with a <= 2 (and b < 40 when a < 2); a shorter oid is
  /// padded with 0 arcs (it cannot be represented otherwise).
  void write_oid(const oid& v);

  /// Start a constructed element with the given tag; returns the marker for its end.
  marker begin_constructed(std::uint8_t tag);
  /// Finish the constructed element started at m: write its minimal length.
  void end_constructed(marker m);

  /// Append already-encoded octets verbatim (e.g. a pre-encoded element).
  void write_raw(std::span<const std::byte> encoded);

  /// The encoding written so far.
  std::span<const std::byte> bytes() const noexcept { return buf_; }
  /// Octets written so far.
  std::size_t size() const noexcept { return buf_.size(); }
  /// Move the buffer out; the writer is empty afterwards.
  std::vector<std::byte> take() noexcept { return std::move(buf_); }
  /// Forget everything written (keeps the capacity).
  void clear() noexcept { buf_.clear(); }

 private:
  void put(std::uint8_t b) { buf_.push_back(static_cast<std::byte>(b)); }
  /// Grow the buffer by n octets and return a pointer to the first new one.
  std::byte* grow(std::size_t n) {
    const std::size_t at = buf_.size();
    buf_.resize(at + n);
    return buf_.data() + at;
  }
  /// Write tag and a minimal length into p; returns the octets written (at most 10).
  static std::size_t header_into(std::byte* p, std::uint8_t tag, std::size_t length) noexcept;
  void put_header(std::uint8_t tag, std::size_t length);

  std::vector<std::byte> buf_;
};

}  // namespace trapsink::snmp::ber
