// The MIB resolver on the receive path: name a typical linkDown (trap_name, and for its six
// varbinds name, label, display and the decoded ifIndex), and the pieces of that work.
//
// The resolver is built from a real compiled index: $TRAPSINK_BENCH_MIB_INDEX, else the bundled
// index (mibs::bundled_index_path()), else the unit tests' small in-code MIB set (say which in
// the figures: lookups in a 30,000-node index are a few binary-search steps deeper).
// Run: build/release/tests/bench_mib_resolve
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"
#include "pipeline/record/record.hpp"
#include "receiver/record_naming.hpp"
#include "tests/bench/typical_trap.hpp"
#include "tests/unit/mibs/test_mib_set.hpp"

namespace {
namespace mibs = trapsink::mibs;

std::optional<std::filesystem::path> index_path() {
  if (const char* p = std::getenv("TRAPSINK_BENCH_MIB_INDEX")) return std::filesystem::path(p);
  return mibs::bundled_index_path();
}

const std::shared_ptr<const mibs::resolver>& shared_names() {
  static const std::shared_ptr<const mibs::resolver> r = [] {
    if (auto p = index_path()) return mibs::load_resolver(*p);
    return std::make_shared<const mibs::resolver>(mibs::testing::sample_set());
  }();
  return r;
}

const mibs::resolver& names() { return *shared_names(); }

void report(benchmark::State& state) {
  state.counters["nodes"] = static_cast<double>(names().size());
}

// Everything the receive path does for MIB names, per record: the trap name, and per varbind
// the name with the decoded index, the enumeration label, the display text and the index values
// (record_names: three allocations).
void BM_name_linkdown_record(benchmark::State& state) {
  const auto& r = names();
  auto rec = trapsink::bench::typical_record();
  for (auto _ : state) {
    rec.trap_name.reset();
    rec.names.reset();
    trapsink::receiver::name_record(r, rec);
    benchmark::DoNotOptimize(rec.names->text.data());
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  report(state);
}
BENCHMARK(BM_name_linkdown_record);

// The same as the receive path does it: the OID-dependent part of the names (lookup, name,
// index) from the receive thread's memo, which the typical trap's varbind OIDs always hit
// after the first record; values rendered every time.
void BM_name_linkdown_record_memo(benchmark::State& state) {
  const auto& r = shared_names();
  auto rec = trapsink::bench::typical_record();
  for (auto _ : state) {
    rec.trap_name.reset();
    rec.names.reset();
    trapsink::receiver::name_record(r, rec);
    benchmark::DoNotOptimize(rec.names->text.data());
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  report(state);
}
BENCHMARK(BM_name_linkdown_record_memo);

// The same plus the record's JSON line with the names in it.
void BM_name_linkdown_record_json(benchmark::State& state) {
  const auto& r = names();
  auto rec = trapsink::bench::typical_record();
  std::string line;
  for (auto _ : state) {
    rec.trap_name.reset();
    rec.names.reset();
    trapsink::receiver::name_record(r, rec);
    line.clear();
    trapsink::pipeline::append_json(rec, line);
    benchmark::DoNotOptimize(line.data());
  }
  report(state);
}
BENCHMARK(BM_name_linkdown_record_json);

// One OID -> name with its index decoded (IF-MIB::ifOperStatus.10107), into a reused buffer.
void BM_append_name(benchmark::State& state) {
  const auto& r = names();
  const std::vector<std::uint32_t> oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 10107};
  std::string out;
  for (auto _ : state) {
    out.clear();
    r.append_name(oid, out);
    benchmark::DoNotOptimize(out.data());
  }
  report(state);
}
BENCHMARK(BM_append_name);

// A six-component index: tcpConnectionState with two InetAddress/port pairs.
void BM_append_name_tcp_connection(benchmark::State& state) {
  const auto& r = names();
  const std::vector<std::uint32_t> oid{1,  3, 6, 1, 2,  1, 6, 19, 1, 7, 1, 4,
                                       10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000};
  std::string out;
  for (auto _ : state) {
    out.clear();
    r.append_name(oid, out);
    benchmark::DoNotOptimize(out.data());
  }
  report(state);
}
BENCHMARK(BM_append_name_tcp_connection);

// Name -> OID as an operator types it.
void BM_parse_name_with_index(benchmark::State& state) {
  const auto& r = names();
  for (auto _ : state) {
    auto oid = r.parse("TCP-MIB::tcpConnectionState.ipv4.\"10.0.0.1\".22.ipv4.\"10.0.0.2\".5000");
    benchmark::DoNotOptimize(oid);
  }
  report(state);
}
BENCHMARK(BM_parse_name_with_index);

// Loading the index file and building the resolver (what serve does at start and on SIGHUP).
void BM_load_index(benchmark::State& state) {
  const auto p = index_path();
  if (!p) {
    state.SkipWithError("no compiled index (set TRAPSINK_BENCH_MIB_INDEX)");
    return;
  }
  for (auto _ : state) {
    auto r = mibs::load_resolver(*p);
    benchmark::DoNotOptimize(r.get());
  }
  report(state);
}
BENCHMARK(BM_load_index)->Unit(benchmark::kMillisecond);

}  // namespace
