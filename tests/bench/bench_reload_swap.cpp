// What configuration reload adds to the receive path (docs/performance.md, "Reload").
//   - each record takes a reference to the current dispatcher generation: one load of a
//     std::atomic<std::shared_ptr> (libstdc++: a spin bit and a reference count increment) and
//     the release at the end: BM_generation_load;
//   - each datagram reads the communities through a per-listener slot_cache: one atomic integer
//     load while nothing changes: BM_communities_cache;
//   - for scale, what dispatcher::accept costs in all (route + push to one runner's queue, whose
//     thread writes to a sink that discards): BM_dispatcher_accept.
// Each with 1 and 2 threads (the receive shards share the generation).
// Run: build/release/tests/bench/bench_reload_swap
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "core/metrics.hpp"
#include "core/swap_slot.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/sink.hpp"

namespace {
using namespace trapsink;

struct payload {
  int value = 42;
};

core::swap_slot<payload>& slot() {
  static core::swap_slot<payload> s(std::make_shared<const payload>());
  return s;
}

void BM_generation_load(benchmark::State& state) {
  auto& s = slot();
  for (auto _ : state) {
    auto g = s.load();
    benchmark::DoNotOptimize(g->value);
  }
}
BENCHMARK(BM_generation_load)->Threads(1)->Threads(2)->UseRealTime();

void BM_communities_cache(benchmark::State& state) {
  core::slot_cache<payload> cache(slot());
  for (auto _ : state) benchmark::DoNotOptimize(cache.get().value);
}
BENCHMARK(BM_communities_cache)->Threads(1)->Threads(2)->UseRealTime();

class discard_sink final : public pipeline::sink {
 public:
  std::string_view name() const noexcept override { return "discard"; }
  pipeline::write_result write(std::span<const pipeline::record_ptr>) noexcept override {
    return pipeline::write_result::ok;
  }
  void flush() noexcept override {}
};

pipeline::dispatcher& shared_dispatcher() {
  static core::metrics_registry metrics;
  static pipeline::dispatcher d = [] {
    pipeline::sink_runner_options o;
    o.instance = "discard";
    o.queue_capacity = 1 << 20;
    o.overflow = pipeline::sink_runner_options::overflow_policy::block;
    o.block_timeout = std::chrono::seconds(10);
    std::vector<std::shared_ptr<pipeline::sink_runner>> runners;
    runners.push_back(
        std::make_shared<pipeline::sink_runner>(std::make_unique<discard_sink>(), metrics, o));
    return pipeline::dispatcher(std::move(runners), {}, metrics);
  }();
  return d;
}

void BM_dispatcher_accept(benchmark::State& state) {
  auto& d = shared_dispatcher();
  pipeline::record r;
  r.pdu = "trap";
  auto rec = std::make_shared<const pipeline::record>(r);
  for (auto _ : state) benchmark::DoNotOptimize(d.accept(rec));
}
BENCHMARK(BM_dispatcher_accept)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
