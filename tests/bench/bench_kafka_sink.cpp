// Kafka sink throughput against a real local broker: records per second through
// kafka_sink::write (each batch waits for its delivery reports, acks=all) and through a
// sink_runner, with the default compression (lz4), none and zstd. Needs a broker:
//   deploy/kafka-dev.sh start            # prints its bootstrap address
//   build/release/tests/bench/bench_kafka_sink
// The broker is found through $TRAPSINK_KAFKA_BOOTSTRAP, else `deploy/kafka-dev.sh bootstrap`
// (its default state directory, build/kafka-dev); $TRAPSINK_KAFKA_PROPERTIES="k=v,k=v" adds
// librdkafka properties. Figures: docs/kafka.md.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace {

using namespace trapsink;
using namespace std::chrono_literals;

/// The local broker's bootstrap address, or "" when none runs.
const std::string& bootstrap() {
  static const std::string b = [] {
    if (const char* e = std::getenv("TRAPSINK_KAFKA_BOOTSTRAP")) return std::string(e);
    const auto script = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                        "deploy" / "kafka-dev.sh";
    std::string out;
    if (FILE* p = ::popen(("bash '" + script.string() + "' bootstrap 2>/dev/null").c_str(), "r")) {
      char buf[256];
      while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
      if (::pclose(p) != 0) out.clear();
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }();
  return b;
}

/// n typical v2c linkDown records (about 700 bytes of JSON each) from 64 sources.
std::vector<pipeline::record_ptr> records(std::size_t n) {
  std::vector<pipeline::record_ptr> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto r = pipeline::samples::sample_v2c();
    r.id = pipeline::make_record_id(std::chrono::system_clock::now());
    r.source.address = "192.0.2." + std::to_string(1 + i % 64);
    out.push_back(std::make_shared<pipeline::record>(std::move(r)));
  }
  return out;
}

pipeline::sinks::kafka_options options(const std::string& compression) {
  pipeline::sinks::kafka_options o;
  o.brokers = bootstrap();
  o.topic = "trapsink.bench";
  if (!compression.empty()) o.properties["compression.type"] = compression;
  // Extra librdkafka properties for experiments: TRAPSINK_KAFKA_PROPERTIES="k=v,k=v".
  if (const char* e = std::getenv("TRAPSINK_KAFKA_PROPERTIES")) {
    std::string all = e;
    std::size_t pos = 0;
    while (pos < all.size()) {
      const auto end = std::min(all.find(',', pos), all.size());
      const auto item = all.substr(pos, end - pos);
      if (const auto eq = item.find('='); eq != std::string::npos) {
        o.properties[item.substr(0, eq)] = item.substr(eq + 1);
      }
      pos = end + 1;
    }
  }
  return o;
}

/// Benchmark argument 1: 0 the sink's default (lz4), 1 none, 2 zstd.
const char* compression_name(std::int64_t c) { return c == 0 ? "" : c == 1 ? "none" : "zstd"; }
const char* compression_label(std::int64_t c) { return c == 0 ? "lz4" : compression_name(c); }

/// kafka_sink::write alone: one batch of range(0) records per iteration, acknowledged.
void BM_kafka_write(benchmark::State& state) {
  if (bootstrap().empty()) {
    state.SkipWithError("no Kafka broker: run deploy/kafka-dev.sh start");
    return;
  }
  spdlog::set_level(spdlog::level::warn);
  pipeline::sinks::kafka_sink sink(options(compression_name(state.range(1))));
  const auto batch = records(static_cast<std::size_t>(state.range(0)));
  // Warm up: connection, producer id, topic metadata.
  while (sink.write(batch) != pipeline::write_result::ok) {
  }
  std::int64_t failed = 0;
  for (auto _ : state) {
    if (sink.write(batch) != pipeline::write_result::ok) ++failed;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  state.counters["retries"] = static_cast<double>(failed);
  state.SetLabel(compression_label(state.range(1)));
}
BENCHMARK(BM_kafka_write)
    ->ArgsProduct({{512, 2048, 8192}, {0}})
    ->Args({8192, 1})
    ->Args({8192, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

/// The whole sink path: try_push 200,000 records into a sink_runner (max_batch range(0)) and
/// wait until the sink has them all acknowledged.
void BM_kafka_runner(benchmark::State& state) {
  if (bootstrap().empty()) {
    state.SkipWithError("no Kafka broker: run deploy/kafka-dev.sh start");
    return;
  }
  spdlog::set_level(spdlog::level::warn);
  const std::size_t n = 200000;
  const auto recs = records(n);
  core::metrics_registry metrics;
  pipeline::sink_runner runner(
      std::make_unique<pipeline::sinks::kafka_sink>(options(compression_name(state.range(1)))),
      metrics, {.queue_capacity = n, .max_batch = static_cast<std::size_t>(state.range(0))});
  auto& sent = metrics.get("trapsink_sink_sent_total", "sink=\"kafka\"");
  // Warm up.
  runner.try_push(recs[0]);
  while (sent.value() < 1) std::this_thread::sleep_for(1ms);
  std::uint64_t target = 1;
  for (auto _ : state) {
    for (const auto& r : recs) {
      while (!runner.try_push(r)) std::this_thread::yield();
    }
    target += n;
    while (sent.value() < target) std::this_thread::sleep_for(100us);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
  state.SetLabel(compression_label(state.range(1)));
  runner.stop(30s);
}
BENCHMARK(BM_kafka_runner)
    ->ArgsProduct({{512, 4096}, {0, 1}})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
