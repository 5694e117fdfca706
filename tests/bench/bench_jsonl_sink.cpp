// The JSON-lines sink's sustained rate: batches of 512 typical records (the linkDown trap of
// typical_trap.hpp, built by receiver::build_record) appended to a real file, as the sink runner
// hands them over; and the same through a sink_runner fed from this thread (queue, batching
// thread, sink), which is what the receive path sees. Prints records/s and bytes/s.
// Run: build/release/tests/bench/bench_jsonl_sink
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/record/record.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"
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
using trapsink::pipeline::sinks::jsonl_options;
using trapsink::pipeline::sinks::jsonl_sink;

constexpr std::size_t batch_size = 512;

/// 64 distinct records (distinct ids and sources), reused round robin.
std::vector<record_ptr> sample_records() {
  std::vector<record_ptr> out;
  const record base = typical_record();
  for (int i = 0; i < 64; ++i) {
    auto r = std::make_shared<record>(base);
    r->source.address = "192.0.2." + std::to_string(i + 1);
    r->id = trapsink::pipeline::make_record_id(r->time);
    out.push_back(std::move(r));
  }
  return out;
}

void write_batches(benchmark::State& state, jsonl_options options) {
  temp_dir dir("trapsink-bench-jsonl");
  options.path = (dir.path / "events.jsonl").string();
  jsonl_sink sink(options);
  const auto samples = sample_records();
  std::vector<record_ptr> batch;
  for (std::size_t i = 0; i < batch_size; ++i) batch.push_back(samples[i % samples.size()]);
  std::uint64_t errors = 0;
  for (auto _ : state) {
    if (sink.write(batch) != trapsink::pipeline::write_result::ok) ++errors;
  }
  sink.flush();
  const auto records = static_cast<double>(state.iterations() * batch_size);
  state.counters["records/s"] = benchmark::Counter(records, benchmark::Counter::kIsRate);
  std::error_code ec;
  std::uint64_t bytes = 0;
  for (const auto& e : fs::directory_iterator(dir.path, ec)) bytes += e.file_size(ec);
  state.counters["bytes/record"] = records > 0 ? static_cast<double>(bytes) / records : 0;
  state.counters["errors"] = static_cast<double>(errors);
}

void BM_jsonl_write_512(benchmark::State& state) { write_batches(state, {}); }
BENCHMARK(BM_jsonl_write_512)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_jsonl_write_512_fsync_batch(benchmark::State& state) {
  jsonl_options o;
  o.fsync = jsonl_options::fsync_policy::batch;
  write_batches(state, o);
}
BENCHMARK(BM_jsonl_write_512_fsync_batch)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_jsonl_write_512_rotate_gzip(benchmark::State& state) {
  jsonl_options o;
  o.rotate_size = 64ull * 1024 * 1024;  // a rotation (with gzip) every ~90,000 records
  o.keep = 2;
  o.compress = true;
  write_batches(state, o);
}
BENCHMARK(BM_jsonl_write_512_rotate_gzip)->Unit(benchmark::kMicrosecond)->UseRealTime();

/// Through a sink_runner: this thread pushes (as a receive shard would), the runner's thread
/// batches and writes. One iteration = 65,536 records pushed and written.
void BM_jsonl_runner(benchmark::State& state) {
  temp_dir dir("trapsink-bench-jsonl");
  jsonl_options options;
  options.path = (dir.path / "events.jsonl").string();
  trapsink::core::metrics_registry metrics;
  trapsink::pipeline::sink_runner_options ro;
  ro.overflow = trapsink::pipeline::sink_runner_options::overflow_policy::block;
  trapsink::pipeline::sink_runner runner(std::make_unique<jsonl_sink>(options), metrics, ro);
  auto& sent = metrics.get("trapsink_sink_sent_total", "sink=\"jsonl\"");
  const auto samples = sample_records();
  constexpr std::uint64_t per_iteration = 65536;
  std::uint64_t pushed = 0, refused = 0;
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < per_iteration; ++i) {
      if (!runner.push(samples[i % samples.size()], true)) ++refused;
      ++pushed;
    }
    while (sent.value() + refused < pushed) std::this_thread::yield();
  }
  runner.stop(std::chrono::seconds(10));
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * per_iteration), benchmark::Counter::kIsRate);
  state.counters["refused"] = static_cast<double>(refused);
}
BENCHMARK(BM_jsonl_runner)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
