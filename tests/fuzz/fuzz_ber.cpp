// libFuzzer entry point for the BER surface: walk arbitrary nested TLVs with ber::reader and
// run every content decoder on every primitive element. Must never crash, hang or read out of
// bounds whatever the input (X.690 §8 as profiled by RFC 3417 §8).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "snmp/ber/reader.hpp"
#include "snmp/ber/writer.hpp"

namespace {

using namespace trapsink::snmp;

/// Walk one level; recurse into constructed elements (bounded by limits::max_depth).
void walk(ber::reader r, ber::oid& scratch) {
  while (!r.at_end()) {
    auto element = r.read_tlv();
    if (!element) return;
    if ((element->tag & 0x20) != 0) {
      auto child = r.enter(*element);
      if (!child) return;
      if (child->depth() > child->limit().max_depth) std::abort();
      walk(*child, scratch);
      continue;
    }
    const auto content = element->value;
    (void)ber::decode_int32(content);
    (void)ber::decode_int64(content);
    (void)ber::decode_uint32(content);
    (void)ber::decode_uint64(content);
    if (ber::decode_oid(content, scratch)) {
      if (scratch.size() < 2 || scratch.size() > ber::max_oid_arcs) std::abort();
      // An OID that decodes re-encodes to the same content octets (minimal form only).
      ber::writer w;
      w.write_oid(scratch);
      ber::reader back(w.bytes());
      ber::oid again;
      if (!back.read_oid(again) || again != scratch) std::abort();
    }
    if (auto v = ber::decode_int64(content)) {
      ber::writer w;
      w.write_integer(*v);
      ber::reader back(w.bytes());
      auto again = back.read_integer64();
      if (!again || *again != *v) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
  ber::oid scratch;
  walk(ber::reader(input), scratch);
  ber::limits tight;
  tight.max_depth = 2;
  tight.max_elements = 4;
  walk(ber::reader(input, tight), scratch);
  return 0;
}
