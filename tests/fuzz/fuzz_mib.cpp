// libFuzzer entry point for the MIB source surface: lex, parse and link arbitrary text as a MIB
// file, then write and read back the compiled index. Must never crash, hang or throw, whatever
// the text; the compiled set must keep its invariants (nodes sorted by OID and unique,
// references in range) and survive the index round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mibs/compiler/compiler.hpp"
#include "mibs/compiler/lexer.hpp"
#include "mibs/index/index_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trapsink::mibs;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto tokens = compiler::tokenize(text);
  if (tokens.empty() || tokens.back().type != compiler::token::kind::end) std::abort();

  const auto result = compiler::compile_texts({{"fuzz.mib", text}});
  const auto& set = result.set;
  for (std::size_t i = 0; i < set.nodes.size(); ++i) {
    const auto& n = set.nodes[i];
    if (i > 0 && !(set.nodes[i - 1].oid < n.oid)) std::abort();
    if (n.module >= set.modules.size()) std::abort();
    for (const auto& r : n.index)
      if (r.node != node_ref::npos && r.node >= set.nodes.size()) std::abort();
    for (const auto& r : n.objects)
      if (r.node != node_ref::npos && r.node >= set.nodes.size()) std::abort();
  }
  for (const auto& m : set.modules)
    if (m.outcome == module_outcome::failed && m.diagnostics.empty()) std::abort();

  const auto bytes = encode_index(set);
  const auto back = decode_index(bytes);  // throws (and so fails) if the round trip breaks
  if (back.nodes.size() != set.nodes.size() || back.modules.size() != set.modules.size())
    std::abort();
  return 0;
}
