// What the HTTP listener costs: the receive path's share of /api/events/stream (publish, with no
// client and with a streaming client whose buffer the HTTP thread fills), encoding one record as
// a server-sent event, and rendering /metrics. docs/performance.md has figures.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <thread>

#include "core/metrics.hpp"
#include "http/event_broadcaster.hpp"
#include "http/prometheus.hpp"
#include "typical_trap.hpp"

namespace {

using trapsink::bench::typical_record;
using trapsink::http::event_broadcaster;

/// publish() with no streaming client: what every record pays when nobody streams.
void BM_PublishNoClient(benchmark::State& state) {
  trapsink::core::metrics_registry metrics;
  event_broadcaster b(metrics);
  boost::asio::io_context io;
  b.bind(io.get_executor());
  const auto r = std::make_shared<const trapsink::pipeline::record>(typical_record());
  for (auto _ : state) b.publish(r);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishNoClient);

/// publish() with one client; the HTTP thread (here: a thread running an io_context) encodes
/// each batch and appends it to the client's buffer, which the benchmark empties as a fast
/// reader would. Counts events delivered and dropped (inbox full).
void BM_PublishOneClient(benchmark::State& state) {
  trapsink::core::metrics_registry metrics;
  event_broadcaster b(metrics, 4096, std::size_t{64} << 20);
  boost::asio::io_context io(1);
  auto guard = boost::asio::make_work_guard(io);
  b.bind(io.get_executor());
  std::thread t([&] { io.run(); });
  std::shared_ptr<event_broadcaster::client> c;
  std::promise<void> ready;
  boost::asio::post(io, [&] {
    c = b.subscribe();
    c->wake = [&] { c->pending.clear(); };
    ready.set_value();
  });
  ready.get_future().wait();
  const auto r = std::make_shared<const trapsink::pipeline::record>(typical_record());
  for (auto _ : state) b.publish(r);
  std::promise<void> done;
  boost::asio::post(io, [&] {
    b.unsubscribe(c);
    done.set_value();
  });
  done.get_future().wait();
  guard.reset();
  t.join();
  state.SetItemsProcessed(state.iterations());
  state.counters["streamed"] =
      static_cast<double>(metrics.get("trapsink_http_stream_events_total").value());
  state.counters["dropped"] =
      static_cast<double>(metrics.get("trapsink_http_stream_dropped_total").value());
}
BENCHMARK(BM_PublishOneClient)->UseRealTime();

/// One record as an SSE event (done once per event on the HTTP thread).
void BM_EncodeEvent(benchmark::State& state) {
  const auto r = typical_record();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto s = event_broadcaster::encode(r);
    bytes += s.size();
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeEvent);

/// /metrics with state.range(0) counters (listeners, sinks, routes of a large configuration).
void BM_RenderMetrics(benchmark::State& state) {
  trapsink::core::metrics_registry metrics;
  for (int i = 0; i < state.range(0); ++i) {
    metrics
        .get(fmt::format("trapsink_metric_{}_total", i % 40), fmt::format("route=\"r{}\"", i),
             "A counter.")
        .inc(static_cast<std::uint64_t>(i));
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto s = trapsink::http::render_prometheus(metrics);
    bytes += s.size();
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderMetrics)->Arg(100)->Arg(1000);

}  // namespace
