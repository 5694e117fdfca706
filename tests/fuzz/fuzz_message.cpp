// libFuzzer entry point for the community message surface (RFC 1157 §4, RFC 1901, RFC 3416
// §3): peek_version + decode_community, and for every message that decodes, encode it and
// decode again; abort() if the round trip differs or the encoding is not stable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "snmp/message/codec.hpp"
#include "snmp/message/v1_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trapsink::snmp::message;
  const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);

  const auto ver = peek_version(input);
  auto m = decode_community(input);
  if (!m) return 0;

  // A message that decodes has a version peek_version agrees with.
  if (!ver || *ver != m->ver) std::abort();

  const auto bytes = encode(*m);
  auto again = decode_community(bytes);
  if (!again || *again != *m) std::abort();
  if (encode(*again) != bytes) std::abort();

  if (const auto* trap = std::get_if<trap_v1_pdu>(&m->body)) {
    const auto vbs = v1_trap_to_v2_varbinds(*trap, m->community);
    if (vbs.size() < 2 + trap->varbinds.size()) std::abort();
  }
  return 0;
}
