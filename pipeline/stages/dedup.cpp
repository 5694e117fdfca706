#include "pipeline/stages/dedup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "pipeline/record/record_json.hpp"
#include "pipeline/stages/summary.hpp"

namespace trapsink::pipeline {
namespace {

constexpr std::array<std::string_view, 7> known_fields{
    "source", "agent_address", "version", "community", "user", "trap_oid", "varbinds"};

}  // namespace

deduplicator::deduplicator(dedup_options o, core::metrics_registry& metrics, std::string name)
    : opts_(std::move(o)),
      folded_(metrics.get("trapsink_dedup_folded_total", fmt::format("stage=\"{}\"", name),
                          "records folded into an earlier identical record's window")),
      summaries_(metrics.get("trapsink_dedup_summaries_total", fmt::format("stage=\"{}\"", name),
                             "summary records emitted for folded duplicates")),
      early_closes_(metrics.get("trapsink_dedup_early_closes_total",
                                fmt::format("stage=\"{}\"", name),
                                "dedup windows closed early because max_keys was reached")) {
  for (const auto& f : opts_.key_fields) {
    if (std::find(known_fields.begin(), known_fields.end(), f) == known_fields.end()) {
      throw std::invalid_argument(fmt::format("dedup key field '{}' is unknown (use: {})", f,
                                              fmt::join(known_fields, ", ")));
    }
  }
  opts_.max_keys = std::max<std::size_t>(opts_.max_keys, 1);
}

std::string deduplicator::key_of(const record& r) const {
  std::string key;
  for (const auto& f : opts_.key_fields) {
    key.push_back('\x1f');
    if (f == "source") {
      key += r.source.address;
    } else if (f == "agent_address") {
      key += r.agent_address;
    } else if (f == "version") {
      key += r.version;
    } else if (f == "community") {
      key += r.community.value_or("");
    } else if (f == "user") {
      key += r.security ? r.security->user : std::string();
    } else if (f == "trap_oid") {
      key += r.trap_oid;
    } else if (f == "varbinds") {
      append_varbinds_json(r.varbinds, key);
    }
  }
  return key;
}

bool deduplicator::admit(const record_ptr& r, clock::time_point now) {
  auto key = key_of(*r);
  auto it = windows_.find(key);
  if (it != windows_.end() && now - it->second.opened < opts_.window) {
    window& w = it->second;
    if (w.folded == 0) w.first_folded = r->time;
    w.last_folded = r->time;
    ++w.folded;
    folded_.inc();
    return false;
  }
  if (it != windows_.end()) {
    // Its window is over but expire() has not closed it yet: close it now (the summary waits
    // for the next expire()) and open a new one with this record.
    close(key, pending_);
  }
  windows_.emplace(key, window{r, now, 0, {}, {}});
  order_.emplace_back(now, std::move(key));
  return true;
}

void deduplicator::close(const std::string& key, std::vector<record>& out) {
  auto it = windows_.find(key);
  if (it == windows_.end()) return;
  const window& w = it->second;
  if (w.folded > 0) {
    out.push_back(make_summary_record(*w.first, "dedup", w.folded, w.first_folded, w.last_folded,
                                      std::chrono::system_clock::now()));
    summaries_.inc();
  }
  windows_.erase(it);
}

std::vector<record> deduplicator::expire(clock::time_point now) {
  std::vector<record> out = std::move(pending_);
  pending_.clear();
  while (!order_.empty()) {
    // An entry whose key was reopened since is stale: the window it named is gone.
    auto it = windows_.find(order_.front().second);
    if (it == windows_.end() || it->second.opened != order_.front().first) {
      order_.pop_front();
      continue;
    }
    const bool ended = now - order_.front().first >= opts_.window;
    const bool too_many = windows_.size() > opts_.max_keys;
    if (!ended && !too_many) break;
    if (!ended) early_closes_.inc();
    close(order_.front().second, out);
    order_.pop_front();
  }
  return out;
}

std::vector<record> deduplicator::flush() {
  std::vector<record> out = std::move(pending_);
  pending_.clear();
  while (!order_.empty()) {
    close(order_.front().second, out);
    order_.pop_front();
  }
  return out;
}

}  // namespace trapsink::pipeline
