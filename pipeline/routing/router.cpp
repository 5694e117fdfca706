#include "pipeline/routing/router.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>

namespace trapsink::pipeline {
namespace msg = snmp::message;
using snmp::ber::tag;

std::string value_text(const msg::value& v) {
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return {};
        } else if constexpr (std::is_same_v<T, std::string>) {
          if (v.type == tag::ip_address && x.size() == 4) {
            auto b = [&](int i) { return static_cast<unsigned>(static_cast<unsigned char>(x[i])); };
            return fmt::format("{}.{}.{}.{}", b(0), b(1), b(2), b(3));
          }
          return x;
        } else if constexpr (std::is_same_v<T, snmp::ber::oid>) {
          return x.to_string();
        } else {
          return std::to_string(x);
        }
      },
      v.data);
}

namespace {

/// The numeric value of an integer-typed varbind, or nullopt.
std::optional<double> numeric(const msg::value& v) {
  return std::visit(
      [](const auto& x) -> std::optional<double> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint32_t> ||
                      std::is_same_v<T, std::uint64_t>) {
          return static_cast<double>(x);
        } else {
          return std::nullopt;
        }
      },
      v.data);
}

template <class T>
bool any_equal(const std::vector<T>& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

varbind_condition varbind_condition::regex(oid_pattern name, const std::string& pattern) {
  varbind_condition c;
  c.name = std::move(name);
  c.how = op::regex;
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, o);
  if (!re->ok()) throw std::invalid_argument("bad regular expression: " + re->error());
  c.re = std::move(re);
  return c;
}

bool varbind_condition::satisfied_by(const record& r) const {
  for (const auto& vb : r.varbinds) {
    if (!name.matches(vb.name)) continue;
    switch (how) {
      case op::equals:
        if (value_text(vb.val) == text) return true;
        break;
      case op::not_equals:
        if (value_text(vb.val) != text) return true;
        break;
      case op::range:
        if (auto n = numeric(vb.val); n && *n >= min && *n <= max) return true;
        break;
      case op::regex:
        if (re && re2::RE2::PartialMatch(value_text(vb.val), *re)) return true;
        break;
    }
  }
  return false;
}

bool route_match::matches(const record& r) const {
  if (!versions.empty() && !any_equal(versions, r.version)) return false;
  if (!communities.empty() && (!r.community || !any_equal(communities, *r.community))) {
    return false;
  }
  if (!users.empty() && (!r.security || !any_equal(users, r.security->user))) return false;
  if (!sources.empty()) {
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(r.source.address, ec);
    if (ec || !core::allowed(sources, a)) return false;
  }
  if (!traps.empty()) {
    const auto trap = snmp::ber::oid::parse(r.trap_oid);
    if (!trap || std::none_of(traps.begin(), traps.end(),
                              [&](const oid_pattern& p) { return p.matches(*trap); })) {
      return false;
    }
  }
  return std::all_of(varbinds.begin(), varbinds.end(),
                     [&](const varbind_condition& c) { return c.satisfied_by(r); });
}

router::router(std::vector<route> routes, const std::vector<std::string>& default_sinks,
               const std::vector<std::string>& sink_names, core::metrics_registry& metrics)
    : sink_names_(sink_names) {
  if (sink_names_.size() > 64) {
    throw std::invalid_argument(
        fmt::format("{} sinks are configured; at most 64 are supported", sink_names_.size()));
  }
  for (std::size_t i = 0; i < sink_names_.size(); ++i) all_ |= std::uint64_t{1} << i;
  default_mask_ = mask_of(default_sinks, "the default route");
  for (auto& r : routes) {
    compiled c;
    c.mask = r.drop ? 0 : mask_of(r.sinks, "route '" + r.name + "'");
    c.matched = &metrics.get("trapsink_route_matched_total", fmt::format("route=\"{}\"", r.name),
                             "records matched by each route");
    c.r = std::move(r);
    routes_.push_back(std::move(c));
  }
  unrouted_ = &metrics.get("trapsink_route_matched_total", "route=\"(default)\"",
                           "records matched by each route");
  dropped_ = &metrics.get("trapsink_route_dropped_total", {},
                          "records routed to no sink (a drop route, or no default sinks)");
}

std::uint64_t router::mask_of(const std::vector<std::string>& sinks,
                              const std::string& where) const {
  std::uint64_t mask = 0;
  for (const auto& s : sinks) {
    auto it = std::find(sink_names_.begin(), sink_names_.end(), s);
    if (it == sink_names_.end()) {
      throw std::invalid_argument(
          fmt::format("{} sends to sink '{}', which is not configured (configured: {})", where, s,
                      sink_names_.empty() ? std::string("none")
                                          : fmt::format("{}", fmt::join(sink_names_, ", "))));
    }
    mask |= std::uint64_t{1} << static_cast<std::size_t>(it - sink_names_.begin());
  }
  return mask;
}

std::uint64_t router::destinations(const record& r) const {
  std::uint64_t mask = 0;
  for (const auto& c : routes_) {
    if (!c.r.when.matches(r)) continue;
    c.matched->inc();
    mask |= c.mask;
    if (!c.r.next) {
      if (mask == 0) dropped_->inc();
      return mask;
    }
  }
  unrouted_->inc();
  mask |= default_mask_;
  if (mask == 0) dropped_->inc();
  return mask;
}

}  // namespace trapsink::pipeline
