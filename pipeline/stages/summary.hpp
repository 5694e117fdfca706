#pragma once
// Records folded by dedup or suppressed by rate limiting are never lost without a trace: each
// stage emits a summary record saying how many it held back, of what, and when.
#include <chrono>
#include <cstdint>
#include <string>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {

/// Build a summary record: a copy of `example` (the first record the summary is about) with a
/// new id and time, and `summary` = {kind, count, first, last}.
inline record make_summary_record(const record& example, std::string kind, std::uint64_t count,
                                  std::chrono::system_clock::time_point first,
                                  std::chrono::system_clock::time_point last,
                                  std::chrono::system_clock::time_point now) {
  record s = example;
  s.time = now;
  s.id = make_record_id(now);
  s.summary = record_summary{std::move(kind), count, first, last};
  s.ack.reset();  // the example's inform acknowledgement is not the summary's
  return s;
}

}  // namespace trapsink::pipeline
