// OBJECT IDENTIFIER text form and helpers (RFC 2578 §3.5: at most 128 arcs of 32 bits).
#include "snmp/ber/oid.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace trapsink::snmp::ber {

std::optional<oid> oid::parse(std::string_view dotted) {
  if (!dotted.empty() && dotted.front() == '.') dotted.remove_prefix(1);
  if (dotted.empty()) return std::nullopt;
  oid out;
  out.reserve(std::min<std::size_t>(dotted.size() / 2 + 1, max_oid_arcs));
  const char* p = dotted.data();
  const char* const end = p + dotted.size();
  while (true) {
    if (p == end || *p < '0' || *p > '9') return std::nullopt;  // empty arc or sign
    std::uint32_t arc = 0;
    auto [next, ec] = std::from_chars(p, end, arc);
    if (ec != std::errc{}) return std::nullopt;  // overflow past 2^32-1
    if (out.size() == max_oid_arcs) return std::nullopt;
    out.push_back(arc);
    p = next;
    if (p == end) break;
    if (*p != '.') return std::nullopt;
    ++p;
  }
  return out;
}

std::string oid::to_string() const {
  std::string s;
  append_to(s);
  return s;
}

void oid::append_to(std::string& out) const {
  out.reserve(out.size() + arcs_.size() * 4);
  char buf[16];
  bool first = true;
  for (std::uint32_t arc : arcs_) {
    if (!first) out.push_back('.');
    first = false;
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, arc);
    (void)ec;
    out.append(buf, end);
  }
}

bool oid::starts_with(const oid& prefix) const noexcept {
  return prefix.arcs_.size() <= arcs_.size() &&
         std::equal(prefix.arcs_.begin(), prefix.arcs_.end(), arcs_.begin());
}

oid oid::child(std::initializer_list<std::uint32_t> more) const {
  oid out;
  out.arcs_.reserve(arcs_.size() + more.size());
  out.arcs_ = arcs_;
  out.arcs_.insert(out.arcs_.end(), more.begin(), more.end());
  return out;
}

}  // namespace trapsink::snmp::ber
