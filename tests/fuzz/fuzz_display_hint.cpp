// libFuzzer target: DISPLAY-HINT rendering (RFC 2579 §3.1). Input: one byte n, then n bytes of
// hint, then the value. Every hint and value must render or be refused, never crash, and a
// refusal must leave the output as it was.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mibs/resolver/display_hint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t n = std::min<std::size_t>(data[0], size - 1);
  const std::string_view hint(reinterpret_cast<const char*>(data + 1), n);
  const std::string_view value(reinterpret_cast<const char*>(data + 1 + n), size - 1 - n);
  std::string out(1, 'x');
  if (!trapsink::mibs::append_octets_hinted(hint, value, out) && out.size() != 1) std::abort();
  std::int64_t v = 0;
  for (std::size_t i = 0; i < value.size() && i < 8; ++i) {
    v = static_cast<std::int64_t>((static_cast<std::uint64_t>(v) << 8) |
                                  static_cast<unsigned char>(value[i]));
  }
  std::string number(1, 'x');
  if (!trapsink::mibs::append_integer_hinted(hint, v, number) && number.size() != 1) std::abort();
  std::string hex;
  trapsink::mibs::append_hex(value, hex);
  if (hex.size() != (value.empty() ? 0 : value.size() * 3 - 1)) std::abort();
  (void)trapsink::mibs::is_printable_text(value);
  return 0;
}
