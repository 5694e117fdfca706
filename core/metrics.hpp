#pragma once
// One registry of monotonically increasing counters, shared by every component. Counters are
// created once (at startup or on first use) and then incremented lock-free; gauges are read
// when exported. The HTTP listener exposes the registry in Prometheus form (http/prometheus.hpp).
// Label sets are written `name="raw value",other="raw value"`: values are not escaped here;
// the exporter escapes them.
#include <atomic>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace trapsink::core {

/// A counter: relaxed atomic increments, safe from any thread.
class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

/// Named counters with optional labels, e.g. ("trapsink_listener_received_total",
/// "listener=\"udp:127.0.0.1:1162\""). References returned stay valid for the registry's life.
class metrics_registry {
 public:
  /// The counter with this name and label set, created at zero on first call.
  counter& get(const std::string& name, const std::string& labels = {},
               const std::string& help = {}) {
    std::lock_guard lock(mu_);
    auto key = std::make_pair(name, labels);
    auto it = counters_.find(key);
    if (it == counters_.end()) {
      it = counters_.emplace(std::move(key), std::make_unique<counter>()).first;
      if (!help.empty()) help_.emplace(name, help);
    }
    return *it->second;
  }

  /// One row of a snapshot.
  struct sample {
    std::string name;
    std::string labels;
    std::uint64_t value;
  };

  /// All counters, sorted by name then labels.
  std::vector<sample> snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<sample> out;
    out.reserve(counters_.size());
    for (const auto& [key, c] : counters_) out.push_back({key.first, key.second, c->value()});
    return out;
  }

  /// A gauge: a value read when the metrics are exported (queue depths), by calling `read`
  /// under the registry's lock. Replaces a gauge with the same name and labels. Whoever
  /// registers a gauge removes it (remove_gauges) before what `read` looks at goes away.
  void set_gauge(const std::string& name, const std::string& labels, const std::string& help,
                 std::function<double()> read) {
    std::lock_guard lock(mu_);
    gauges_[std::make_pair(name, labels)] = std::move(read);
    if (!help.empty()) help_.emplace(name, help);
  }

  /// Remove the gauge with this name and labels, if there is one.
  void remove_gauge(const std::string& name, const std::string& labels) {
    std::lock_guard lock(mu_);
    gauges_.erase(std::make_pair(name, labels));
  }

  /// Remove every gauge with this name.
  void remove_gauges(const std::string& name) {
    std::lock_guard lock(mu_);
    for (auto it = gauges_.begin(); it != gauges_.end();) {
      it = it->first.first == name ? gauges_.erase(it) : std::next(it);
    }
  }

  /// One gauge reading.
  struct gauge_sample {
    std::string name;
    std::string labels;
    double value;
  };

  /// Every gauge read now, sorted by name then labels.
  std::vector<gauge_sample> gauges() const {
    std::lock_guard lock(mu_);
    std::vector<gauge_sample> out;
    out.reserve(gauges_.size());
    for (const auto& [key, read] : gauges_) out.push_back({key.first, key.second, read()});
    return out;
  }

  /// The help text registered for a counter name, or "".
  std::string help(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = help_.find(name);
    return it == help_.end() ? std::string{} : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<counter>> counters_;
  std::map<std::pair<std::string, std::string>, std::function<double()>> gauges_;
  std::map<std::string, std::string> help_;
};

}  // namespace trapsink::core
