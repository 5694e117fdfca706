#pragma once
// Routes: which sinks a record goes to. Routes are tried in order; the first that matches
// decides (drop, or a set of sinks), unless it says `continue`, in which case its sinks are
// added and the next routes are tried too. A record no route decides goes to the default sinks.
// Conditions within a route must all hold; the values listed for one condition are
// alternatives (source in any of these prefixes, trap under any of these OIDs, ...).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/cidr.hpp"
#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "snmp/ber/oid.hpp"

namespace re2 {
class RE2;
}

namespace trapsink::pipeline {

/// A notification OID to match: exactly, or it and everything below it.
struct oid_pattern {
  snmp::ber::oid oid;
  bool subtree = false;
  bool matches(const snmp::ber::oid& candidate) const noexcept {
    return subtree ? candidate.starts_with(oid) : candidate == oid;
  }
};

/// A condition on the value of a varbind: some varbind whose name matches `name` must satisfy
/// it. Values are compared in their text form: Integer32, Counter, Gauge, TimeTicks in
/// decimal, OBJECT IDENTIFIER dotted, IpAddress dotted quad, OCTET STRING as its octets.
struct varbind_condition {
  enum class op : std::uint8_t { equals, not_equals, range, regex };
  oid_pattern name;
  op how = op::equals;
  std::string text;  ///< equals / not_equals
  double min = 0;    ///< range, inclusive (numeric types only)
  double max = 0;
  std::shared_ptr<const re2::RE2> re;  ///< regex, unanchored (RE2 syntax, linear time)

  /// A regex condition; throws std::invalid_argument with RE2's reason when it does not compile.
  static varbind_condition regex(oid_pattern name, const std::string& pattern);
  bool satisfied_by(const record& r) const;
};

/// The conditions of a route; an empty list places no condition.
struct route_match {
  std::vector<core::cidr> sources;          ///< source address in one of these prefixes
  std::vector<std::string> versions;        ///< "1", "2c", "3"
  std::vector<std::string> communities;     ///< v1/v2c community (exact)
  std::vector<std::string> users;           ///< v3 USM user (exact)
  std::vector<oid_pattern> traps;           ///< snmpTrapOID.0 (v1: the RFC 3584 mapping)
  std::vector<varbind_condition> varbinds;  ///< every one must hold

  bool matches(const record& r) const;
};

/// One route.
struct route {
  std::string name;
  route_match when;
  bool drop = false;               ///< matching records go nowhere (counted)
  std::vector<std::string> sinks;  ///< or to these sinks
  bool next = false;               ///< `continue`: also try the routes after this one
};

/// Compiled routes over a fixed list of sinks (at most 64).
class router {
 public:
  /// sink_names: every configured sink, in order (bit i of a destination mask = sink i).
  /// Throws std::invalid_argument naming the route and the unknown sink, or when there are
  /// more than 64 sinks.
  router(std::vector<route> routes, const std::vector<std::string>& default_sinks,
         const std::vector<std::string>& sink_names, core::metrics_registry& metrics);

  /// The sinks this record goes to, as a mask over sink_names; 0 when it is dropped.
  std::uint64_t destinations(const record& r) const;

  /// Every sink, unrouted (the mask when no routes are configured).
  std::uint64_t all_sinks() const noexcept { return all_; }

 private:
  struct compiled {
    route r;
    std::uint64_t mask = 0;
    core::counter* matched = nullptr;
  };
  std::uint64_t mask_of(const std::vector<std::string>& sinks, const std::string& where) const;

  std::vector<std::string> sink_names_;
  std::vector<compiled> routes_;
  std::uint64_t default_mask_ = 0;
  std::uint64_t all_ = 0;
  core::counter* unrouted_ = nullptr;
  core::counter* dropped_ = nullptr;
};

/// A value in the text form routes compare (see varbind_condition).
std::string value_text(const snmp::message::value& v);

}  // namespace trapsink::pipeline
