// The MIB compiler and the index file over the whole corpus (../shared/mib-corpus beside the
// project, 730 real-world modules): compile time, index load time, and the loaded index's memory.
// Run: build/release/tests/bench/bench_mib_compiler
// (TRAPSINK_MIB_CORPUS=DIR to point elsewhere; skipped, saying so, when the corpus is absent)
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mibs/compiler/compiler.hpp"
#include "mibs/index/index_file.hpp"

namespace {
namespace fs = std::filesystem;
using namespace trapsink::mibs;

fs::path corpus() {
  if (const char* env = std::getenv("TRAPSINK_MIB_CORPUS")) return env;
  return fs::path(TRAPSINK_SOURCE_DIR).parent_path() / "shared" / "mib-corpus";
}

std::vector<fs::path> corpus_dirs() {
  std::vector<fs::path> dirs;
  for (const char* d : {"rfc", "net-snmp", "juniper", "arista", "aruba", "cisco", "hp", "huawei"})
    if (fs::is_directory(corpus() / d)) dirs.push_back(corpus() / d);
  return dirs;
}

/// The corpus compiled once and written to a temporary index file.
const fs::path& corpus_index() {
  static const fs::path path = [] {
    auto p = fs::temp_directory_path() / ("trapsink-bench-" + std::to_string(::getpid()) + ".idx");
    write_index(compiler::compile_files(compiler::discover_files(corpus_dirs())).set, p);
    std::atexit([] { fs::remove(corpus_index()); });
    return p;
  }();
  return path;
}

void BM_CompileCorpus(benchmark::State& state) {
  const auto dirs = corpus_dirs();
  if (dirs.empty()) {
    state.SkipWithError(("MIB corpus not found at " + corpus().string()).c_str());
    return;
  }
  const auto files = compiler::discover_files(dirs);
  std::size_t modules = 0, nodes = 0;
  for (auto _ : state) {
    auto r = compiler::compile_files(files);
    modules = r.set.modules.size();
    nodes = r.set.nodes.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["files"] = static_cast<double>(files.size());
  state.counters["modules"] = static_cast<double>(modules);
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_CompileCorpus)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_LoadIndex(benchmark::State& state) {
  if (corpus_dirs().empty()) {
    state.SkipWithError(("MIB corpus not found at " + corpus().string()).c_str());
    return;
  }
  const auto& path = corpus_index();
  std::size_t heap = 0;
  // Bytes malloc has handed out: from its arenas (uordblks) and as separate mappings (hblkhd,
  // large blocks such as the nodes vector).
  const auto in_use = [] {
    const auto m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
  };
  for (auto _ : state) {
    const auto before = in_use();
    auto set = std::make_unique<mib_set>(read_index(path));
    heap = in_use() - before;  // bytes the loaded set holds on the heap
    benchmark::DoNotOptimize(set);
    state.PauseTiming();  // freeing it is not loading it
    set.reset();
    state.ResumeTiming();
  }
  state.counters["file_MB"] = static_cast<double>(fs::file_size(path)) / 1e6;
  state.counters["heap_MB"] = static_cast<double>(heap) / 1e6;
}
BENCHMARK(BM_LoadIndex)->Unit(benchmark::kMillisecond);

}  // namespace
