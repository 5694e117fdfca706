#pragma once
// An owned OBJECT IDENTIFIER value: at most 128 sub-identifiers of 32 bits (RFC 2578 §3.5).
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::snmp::ber {

/// Maximum number of sub-identifiers in an OID (RFC 2578 §3.5).
inline constexpr std::size_t max_oid_arcs = 128;

/// An OBJECT IDENTIFIER as a sequence of sub-identifiers.
class oid {
 public:
  oid() = default;
  oid(std::initializer_list<std::uint32_t> arcs) : arcs_(arcs) {}
  explicit oid(std::vector<std::uint32_t> arcs) : arcs_(std::move(arcs)) {}

  /// Parse dotted numeric text ("1.3.6.1" or ".1.3.6.1"); nullopt if malformed.
  static std::optional<oid> parse(std::string_view dotted);

  /// Dotted numeric text without a leading dot: "1.3.6.1.6.3.1.1.5.1".
  std::string to_string() const;
  /// Append the dotted text to out (no allocation beyond out's growth).
  void append_to(std::string& out) const;

  std::span<const std::uint32_t> arcs() const noexcept { return arcs_; }
  std::size_t size() const noexcept { return arcs_.size(); }
  bool empty() const noexcept { return arcs_.empty(); }
  std::uint32_t operator[](std::size_t i) const noexcept { return arcs_[i]; }
  void push_back(std::uint32_t arc) { arcs_.push_back(arc); }
  void clear() noexcept { arcs_.clear(); }
  void reserve(std::size_t n) { arcs_.reserve(n); }
  /// Replace the arcs with a copy of arcs (one allocation at most).
  void assign(std::span<const std::uint32_t> arcs) { arcs_.assign(arcs.begin(), arcs.end()); }

  /// True if this OID starts with (or equals) prefix.
  bool starts_with(const oid& prefix) const noexcept;

  /// A copy with extra arcs appended.
  oid child(std::initializer_list<std::uint32_t> more) const;

  friend bool operator==(const oid&, const oid&) = default;
  friend std::strong_ordering operator<=>(const oid& a, const oid& b) noexcept {
    return a.arcs_ <=> b.arcs_;
  }

 private:
  std::vector<std::uint32_t> arcs_;
};

}  // namespace trapsink::snmp::ber
