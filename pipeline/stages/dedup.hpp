#pragma once
// Dedup: within a window, records with the same key (chosen fields) after the first are folded:
// counted, not forwarded. When the window of a key that folded anything closes, one summary
// record says how many were folded (kind "dedup"). Thread-compatible (one pipeline thread).
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {

struct dedup_options {
  std::chrono::milliseconds window{std::chrono::seconds(60)};
  /// Fields that make two records duplicates: any of "source", "agent_address", "version",
  /// "community", "user", "trap_oid", "varbinds" (all varbind names and values).
  std::vector<std::string> key_fields{"source", "trap_oid", "varbinds"};
  /// Keys remembered at most; beyond it the oldest window closes early (counted).
  std::size_t max_keys = 100000;
};

class deduplicator {
 public:
  using clock = std::chrono::steady_clock;
  /// Throws std::invalid_argument naming an unknown key field.
  deduplicator(dedup_options o, core::metrics_registry& metrics, std::string name = "dedup");

  /// True when r should go on; false when it is folded into an earlier record's window.
  bool admit(const record_ptr& r, clock::time_point now);

  /// Close windows that ended by `now` (and, past max_keys, the oldest): the summary records
  /// for those that folded something.
  std::vector<record> expire(clock::time_point now);

  /// Close every window now (shutdown): summaries for all that folded something.
  std::vector<record> flush();

 private:
  struct window {
    record_ptr first;
    clock::time_point opened;
    std::uint64_t folded = 0;
    std::chrono::system_clock::time_point first_folded, last_folded;
  };
  std::string key_of(const record& r) const;
  void close(const std::string& key, std::vector<record>& out);

  dedup_options opts_;
  std::unordered_map<std::string, window> windows_;
  std::deque<std::pair<clock::time_point, std::string>> order_;  // opening order
  std::vector<record> pending_;  // summaries of windows closed by admit()
  core::counter& folded_;
  core::counter& summaries_;
  core::counter& early_closes_;
};

}  // namespace trapsink::pipeline
