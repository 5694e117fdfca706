// The checked-in fuzz seeds are what their names say: every message seed named bad_* is
// rejected by decode_community, every other one decodes and round-trips.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "snmp/message/codec.hpp"

namespace trapsink::snmp::message {
namespace {

std::vector<std::byte> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

TEST(FuzzSeeds, MessageSeedsMatchTheirNames) {
  const std::filesystem::path dir = std::string(TRAPSINK_SOURCE_DIR) + "/tests/fuzz/seeds/message";
  std::size_t good = 0;
  std::size_t bad = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    const auto bytes = read_file(e.path());
    auto m = decode_community(bytes);
    if (name.starts_with("bad_")) {
      EXPECT_FALSE(m) << name;
      ++bad;
    } else {
      ASSERT_TRUE(m) << name << ": " << m.error().message();
      EXPECT_EQ(encode(*m), bytes) << name;  // all good seeds are minimal encodings
      ++good;
    }
  }
  EXPECT_GE(good, 12U);
  EXPECT_GE(bad, 10U);
}

}  // namespace
}  // namespace trapsink::snmp::message
