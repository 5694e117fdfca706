// The SQLite sink's sustained insert rate: batches of 512 typical records (the linkDown trap of
// typical_trap.hpp, built by receiver::build_record) written into a real database file, each
// batch one transaction, exactly as the sink runner hands them over. Prints records/s.
// Run: build/release/tests/bench/bench_sqlite_sink
//
// Instruction counts (repeatable on a busy machine): TRAPSINK_BENCH_ITERATIONS=N registers each
// benchmark once more as NAME_fixed, run for exactly N batches. Count only sqlite_sink::write
// (one line): TRAPSINK_BENCH_ITERATIONS=200 valgrind --tool=callgrind
// --toggle-collect='trapsink::pipeline::sinks::sqlite_sink::write*'
// build/release/tests/bench/bench_sqlite_sink --benchmark_filter='BM_sqlite_insert_512_fixed'
// and instructions per record = the Ir total / (N * 512).
//
// Variants: synchronous NORMAL (the default) and FULL (an fsync per batch), and NORMAL with a
// row-count retention that deletes as fast as records arrive (the steady state of a full store).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/record/record.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "receiver/record_builder.hpp"
#include "snmp/message/codec.hpp"
#include "tests/bench/typical_trap.hpp"

namespace {
using trapsink::bench::temp_dir;
using trapsink::bench::typical_record;
namespace msg = trapsink::snmp::message;
namespace fs = std::filesystem;
using trapsink::pipeline::record;
using trapsink::pipeline::record_ptr;
using trapsink::pipeline::sinks::sqlite_options;
using trapsink::pipeline::sinks::sqlite_sink;
using trapsink::pipeline::sinks::sqlite_synchronous;

constexpr std::size_t batch_size = 512;

/// distinct: every varbind of every record gets a value no other record has, so no two records
/// of a batch share a varbind_index entry (the worst case: an entry per varbind); otherwise
/// every record of a batch has the same varbinds, as in a storm of one trap.
void run(benchmark::State& state, sqlite_options options, bool distinct = false) {
  temp_dir dir("trapsink-bench-sqlite");
  options.path = (dir.path / "events.db").string();
  sqlite_sink sink(options);
  const record base = typical_record();
  // Records are mutable here so each batch gets fresh ids (as the receiver would give them);
  // the sink only ever sees them as const.
  std::vector<std::shared_ptr<record>> owned;
  std::vector<record_ptr> batch;
  for (std::size_t i = 0; i < batch_size; ++i) {
    owned.push_back(std::make_shared<record>(base));
    batch.push_back(owned.back());
  }
  std::uint64_t errors = 0;
  std::int32_t serial = 0;
  for (auto _ : state) {
    const auto now = std::chrono::system_clock::now();
    for (auto& r : owned) {
      r->time = now;
      r->id = trapsink::pipeline::make_record_id(now);
      if (distinct) {
        for (auto& v : r->varbinds) v.val = msg::value::integer(++serial);
      }
    }
    if (sink.write(batch) != trapsink::pipeline::write_result::ok) ++errors;
  }
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch_size), benchmark::Counter::kIsRate);
  state.counters["errors"] = static_cast<double>(errors);
  // The database's size per record stored (the WAL is checkpointed into it).
  std::error_code ec;
  const auto db_bytes = fs::file_size(options.path, ec);
  if (!ec && options.retention_rows == 0 && state.iterations() > 0) {
    state.counters["bytes/record"] =
        static_cast<double>(db_bytes) / static_cast<double>(state.iterations() * batch_size);
  }
}

void BM_sqlite_insert_512(benchmark::State& state) { run(state, {}); }
BENCHMARK(BM_sqlite_insert_512)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_sqlite_insert_512_distinct(benchmark::State& state) { run(state, {}, true); }
BENCHMARK(BM_sqlite_insert_512_distinct)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_sqlite_insert_512_full_sync(benchmark::State& state) {
  sqlite_options o;
  o.synchronous = sqlite_synchronous::full;
  run(state, o);
}
BENCHMARK(BM_sqlite_insert_512_full_sync)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_sqlite_insert_512_retention_rows(benchmark::State& state) {
  sqlite_options o;
  o.retention_rows = 20000;  // reached after 40 batches; then every batch also deletes
  o.retention_interval = std::chrono::milliseconds{0};
  run(state, o);
}
BENCHMARK(BM_sqlite_insert_512_retention_rows)->Unit(benchmark::kMillisecond)->UseRealTime();

/// With TRAPSINK_BENCH_ITERATIONS=N, NAME_fixed runs NAME for exactly N batches.
const bool fixed_registered = [] {
  const char* env = std::getenv("TRAPSINK_BENCH_ITERATIONS");
  const long n = env != nullptr ? std::strtol(env, nullptr, 10) : 0;
  if (n <= 0) return false;
  const std::pair<const char*, void (*)(benchmark::State&)> all[] = {
      {"BM_sqlite_insert_512_fixed", &BM_sqlite_insert_512},
      {"BM_sqlite_insert_512_distinct_fixed", &BM_sqlite_insert_512_distinct},
      {"BM_sqlite_insert_512_full_sync_fixed", &BM_sqlite_insert_512_full_sync},
      {"BM_sqlite_insert_512_retention_rows_fixed", &BM_sqlite_insert_512_retention_rows},
  };
  for (const auto& [name, fn] : all) {
    benchmark::RegisterBenchmark(name, fn)
        ->Iterations(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
