// trapsink's engine identity (RFC 3411 §5 engine ID format, RFC 3414 §2.2 boots): generation,
// parsing, and the state directory (persisted, incremented, locked, malformed files refused).
#include "snmp/engine/local_engine.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace trapsink::snmp::engine {
namespace {
namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("trapsink-engine-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  std::string read(const std::string& name) const {
    std::ifstream in(path / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST(LocalEngine, GeneratedIdsFollowRfc3411Format5) {
  const auto a = generate_engine_id();
  const auto b = generate_engine_id();
  ASSERT_EQ(a.size(), 17u);
  // 0x80 | enterprise 0 in the first four octets, format 5 (administratively assigned octets).
  EXPECT_EQ(to_hex(a).substr(0, 10), "8000000005");
  EXPECT_NE(a, b);  // 96 random bits
}

TEST(LocalEngine, ParsesHexEngineIds) {
  EXPECT_EQ(to_hex(*parse_engine_id("800000000102030405")), "800000000102030405");
  EXPECT_EQ(to_hex(*parse_engine_id("0x80:00:00:00:01")), "8000000001");
  EXPECT_EQ(to_hex(*parse_engine_id("80 00 00 00 0A")), "800000000a");
  EXPECT_FALSE(parse_engine_id("80000000"));            // 4 octets: below 5
  EXPECT_FALSE(parse_engine_id(std::string(66, 'a')));  // 33 octets: above 32
  EXPECT_FALSE(parse_engine_id("8000000001g"));
  EXPECT_FALSE(parse_engine_id("800000000"));    // odd number of digits
  EXPECT_FALSE(parse_engine_id("8:000000001"));  // separator inside an octet
}

TEST(LocalEngine, EngineTimeCountsSecondsSinceStart) {
  const auto start = std::chrono::steady_clock::now();
  local_engine e({std::byte{0x80}}, 3, start);
  EXPECT_EQ(e.engine_boots(), 3u);
  EXPECT_EQ(e.engine_time(start + std::chrono::milliseconds(2500)), 2u);
  EXPECT_EQ(e.engine_time(start - std::chrono::seconds(5)), 0u);
  EXPECT_EQ(e.engine_time(start + std::chrono::hours(24 * 365 * 100)), max_engine_value);
}

TEST(LocalEngine, StateDirectoryKeepsTheIdAndIncrementsBoots) {
  temp_dir dir;
  std::vector<std::byte> first_id;
  {
    auto s = load_engine_state(dir.path.string(), std::nullopt);
    EXPECT_TRUE(s.generated);
    EXPECT_TRUE(s.persisted);
    EXPECT_EQ(s.boots, 1u);
    first_id = s.engine_id;
    EXPECT_NE(dir.read("engine").find("engine_id " + to_hex(first_id) + "\nboots 1\n"),
              std::string::npos);
  }
  {
    auto s = load_engine_state(dir.path.string(), std::nullopt);
    EXPECT_FALSE(s.generated);
    EXPECT_EQ(s.engine_id, first_id);
    EXPECT_EQ(s.boots, 2u);
  }
  {
    // A configured engine ID replaces the stored one; boots still only grow, so going back to
    // an earlier engine ID never repeats a boots value it had.
    const auto configured = *parse_engine_id("8000000001020304");
    auto s = load_engine_state(dir.path.string(), configured);
    EXPECT_EQ(s.engine_id, configured);
    EXPECT_EQ(s.boots, 3u);
  }
  {
    auto s = load_engine_state(dir.path.string(), std::nullopt);
    EXPECT_EQ(s.engine_id, *parse_engine_id("8000000001020304"));
    EXPECT_EQ(s.boots, 4u);
  }
}

TEST(LocalEngine, AStateDirectoryServesOneProcessAtATime) {
  temp_dir dir;
  auto held = load_engine_state(dir.path.string(), std::nullopt);
  try {
    load_engine_state(dir.path.string(), std::nullopt);
    FAIL() << "a second user of the state directory was allowed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another trapsink"), std::string::npos)
        << e.what();
  }
}

TEST(LocalEngine, MalformedStateIsRefusedWithFileAndLine) {
  temp_dir dir;
  fs::create_directories(dir.path);
  std::ofstream(dir.path / "engine") << "# comment\nengine_id 8000000001020304\nboots many\n";
  try {
    load_engine_state(dir.path.string(), std::nullopt);
    FAIL() << "malformed boots accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("engine:3: boots is not a number"), std::string::npos)
        << e.what();
  }
}

TEST(LocalEngine, BootsLatchAtTheMaximum) {
  temp_dir dir;
  fs::create_directories(dir.path);
  std::ofstream(dir.path / "engine") << "engine_id 8000000001020304\nboots 2147483647\n";
  auto s = load_engine_state(dir.path.string(), std::nullopt);
  EXPECT_EQ(s.boots, max_engine_value);
}

TEST(LocalEngine, WithoutAStateDirectoryNothingIsWritten) {
  auto s = load_engine_state("", std::nullopt);
  EXPECT_FALSE(s.persisted);
  EXPECT_TRUE(s.generated);
  EXPECT_EQ(s.boots, 1u);
  const auto configured = *parse_engine_id("8000000001020304");
  auto c = load_engine_state("", configured);
  EXPECT_EQ(c.engine_id, configured);
  EXPECT_FALSE(c.generated);
}

}  // namespace
}  // namespace trapsink::snmp::engine
