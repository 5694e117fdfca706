// BER writer known answers (X.690 §8.1.3, §8.3, §8.19) and writer -> reader round trips.
#include "snmp/ber/writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

#include "snmp/ber/reader.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::ber {
namespace {

using test::hex;
using test::to_hex;

std::string integer_hex(std::int64_t v) {
  writer w;
  w.write_integer(v);
  return to_hex(w.take());
}

std::string unsigned_hex(std::uint64_t v, std::uint8_t tag) {
  writer w;
  w.write_unsigned(v, tag);
  return to_hex(w.take());
}

TEST(BerWriter, IntegerKnownAnswers) {
  EXPECT_EQ(integer_hex(0), "020100");
  EXPECT_EQ(integer_hex(127), "02017f");
  EXPECT_EQ(integer_hex(128), "02020080");
  EXPECT_EQ(integer_hex(256), "02020100");
  EXPECT_EQ(integer_hex(-1), "0201ff");
  EXPECT_EQ(integer_hex(-128), "020180");
  EXPECT_EQ(integer_hex(-129), "0202ff7f");
  EXPECT_EQ(integer_hex(std::numeric_limits<std::int32_t>::max()), "02047fffffff");
  EXPECT_EQ(integer_hex(std::numeric_limits<std::int32_t>::min()), "020480000000");
  EXPECT_EQ(integer_hex(std::numeric_limits<std::int64_t>::min()), "02088000000000000000");
  EXPECT_EQ(integer_hex(std::numeric_limits<std::int64_t>::max()), "02087fffffffffffffff");
}

TEST(BerWriter, UnsignedKnownAnswers) {
  EXPECT_EQ(unsigned_hex(4294967295U, 0x41), "410500ffffffff");
  EXPECT_EQ(unsigned_hex(0, 0x42), "420100");
  EXPECT_EQ(unsigned_hex(127, 0x43), "43017f");
  EXPECT_EQ(unsigned_hex(128, 0x43), "43020080");
  EXPECT_EQ(unsigned_hex(12345, 0x43), "43023039");
  EXPECT_EQ(unsigned_hex(std::numeric_limits<std::uint64_t>::max(), 0x46),
            "460900ffffffffffffffff");
  EXPECT_EQ(unsigned_hex(4294967296ULL, 0x46), "46050100000000");
}

TEST(BerWriter, OidKnownAnswers) {
  writer w;
  w.write_oid(oid{1, 3, 6, 1, 4, 1, 2021});
  EXPECT_EQ(to_hex(w.take()), "06072b060104018f65");
  writer w2;
  w2.write_oid(oid{1, 3, 6, 1, 4, 1, 4294967295U});
  EXPECT_EQ(to_hex(w2.take()), "060a2b060104018fffffff7f");
  writer w3;
  w3.write_oid(oid{2, 999, 3});
  EXPECT_EQ(to_hex(w3.take()), "0603883703");
  writer w4;
  w4.write_oid(oid{2, 4294967295U});
  EXPECT_EQ(to_hex(w4.take()),
            "06059080808"
            "04f");
}

TEST(BerWriter, OctetsNullAndExceptions) {
  writer w;
  w.write_octets(std::string_view("public"));
  w.write_null();
  w.write_null(0x82);
  w.write_octets(std::string_view("\x0a\x00\x00\x01", 4), 0x40);
  EXPECT_EQ(to_hex(w.take()),
            "04067075626c6963"
            "0500"
            "8200"
            "40040a000001");
}

TEST(BerWriter, ConstructedLengthsAreBackPatchedMinimally) {
  writer w;
  auto outer = w.begin_constructed(0x30);
  auto inner = w.begin_constructed(0x30);
  w.write_octets(std::string(200, 'a'));  // 04 81 c8 + 200 = 203 octets
  w.end_constructed(inner);               // 30 81 cb ...        = 206 octets
  w.write_null();                         //                     + 2
  w.end_constructed(outer);               // 30 81 d0
  const auto b = w.take();
  ASSERT_EQ(b.size(), 211U);
  EXPECT_EQ(to_hex({b.begin(), b.begin() + 6}), "3081d03081cb");
  EXPECT_EQ(to_hex({b.begin() + 6, b.begin() + 9}), "0481c8");
  EXPECT_EQ(to_hex({b.end() - 2, b.end()}), "0500");

  writer big;
  auto m = big.begin_constructed(0x30);
  big.write_octets(std::string(300, 'b'));  // 04 82 01 2c + 300 = 304 = 0x130
  big.end_constructed(m);
  const auto bb = big.take();
  EXPECT_EQ(to_hex({bb.begin(), bb.begin() + 8}),
            "30820130"
            "0482012c");

  writer empty;
  empty.end_constructed(empty.begin_constructed(0xa7));
  EXPECT_EQ(to_hex(empty.take()), "a700");
}

TEST(BerWriter, RoundTripsThroughReader) {
  std::mt19937_64 rng(20240613);
  writer w(1 << 16);
  std::vector<std::int64_t> ints{0,
                                 1,
                                 -1,
                                 127,
                                 128,
                                 -128,
                                 -129,
                                 255,
                                 256,
                                 -32768,
                                 -32769,
                                 std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max()};
  std::vector<std::uint64_t> uns{0,
                                 1,
                                 127,
                                 128,
                                 255,
                                 256,
                                 0x7fffffffffffffffULL,
                                 0x8000000000000000ULL,
                                 std::numeric_limits<std::uint64_t>::max()};
  for (int i = 0; i < 500; ++i) {
    ints.push_back(static_cast<std::int64_t>(rng() >> (rng() % 64)));
    uns.push_back(rng() >> (rng() % 64));
  }
  for (auto v : ints) w.write_integer(v);
  for (auto v : uns) w.write_unsigned(v, 0x46);
  const auto b = w.take();
  limits lim;
  lim.max_elements = 10000;
  reader r(b, lim);
  for (auto v : ints) {
    auto got = r.read_integer64();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, v);
  }
  for (auto v : uns) {
    auto got = r.read_counter64();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, v);
  }
  EXPECT_TRUE(r.at_end());
}

TEST(BerWriter, OidRoundTripsThroughReader) {
  const std::vector<oid> cases{{0, 0},
                               {0, 39},
                               {1, 0},
                               {1, 39},
                               {2, 0},
                               {2, 47, 1},
                               {2, 4294967295U, 4294967295U},
                               {1, 3, 6, 1, 4, 1, 2021, 251, 1},
                               {1, 3, 6, 1, 6, 3, 1, 1, 5, 1}};
  for (const auto& o : cases) {
    writer w;
    w.write_oid(o);
    const auto b = w.take();
    reader r(b);
    oid back;
    ASSERT_TRUE(r.read_oid(back)) << o.to_string();
    EXPECT_EQ(back, o);
  }
}

}  // namespace
}  // namespace trapsink::snmp::ber
