// BER reader known answers and every limit (X.690 §8, RFC 2578 §3.5 / §7.1, RFC 3417 §8).
#include "snmp/ber/reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::ber {
namespace {

using test::hex;

template <class T>
errc error_of(const result<T>& r) {
  EXPECT_FALSE(r.has_value());
  if (r.has_value()) return errc::ok;
  EXPECT_EQ(&r.error().category(), &ber_category());
  return static_cast<errc>(r.error().value());
}

std::int32_t int32_of(std::string_view h) {
  const auto b = hex(h);
  reader r(b);
  auto v = r.read_int32();
  EXPECT_TRUE(v.has_value()) << h;
  EXPECT_TRUE(r.at_end());
  return v ? *v : 0x5a5a5a5a;
}

TEST(BerReader, Int32KnownAnswers) {
  EXPECT_EQ(int32_of("02 01 00"), 0);
  EXPECT_EQ(int32_of("02 01 7f"), 127);
  EXPECT_EQ(int32_of("02 02 00 80"), 128);
  EXPECT_EQ(int32_of("02 02 01 00"), 256);
  EXPECT_EQ(int32_of("02 01 80"), -128);
  EXPECT_EQ(int32_of("02 01 ff"), -1);
  EXPECT_EQ(int32_of("02 02 ff 7f"), -129);
  EXPECT_EQ(int32_of("02 04 7f ff ff ff"), std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(int32_of("02 04 80 00 00 00"), std::numeric_limits<std::int32_t>::min());
}

TEST(BerReader, Int32AcceptsRedundantSignOctetsButNotWiderValues) {
  EXPECT_EQ(int32_of("02 05 00 7f ff ff ff"), std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(int32_of("02 03 ff ff ff"), -1);
  EXPECT_EQ(error_of(decode_int32(hex("00 80 00 00 00"))), errc::integer_too_wide);  // 2^31
  EXPECT_EQ(error_of(decode_int32(hex("ff 7f ff ff ff"))), errc::integer_too_wide);  // -2^31-1
  EXPECT_EQ(error_of(decode_int32(hex(""))), errc::empty_integer);
}

TEST(BerReader, Integer64KnownAnswers) {
  auto v = decode_int64(hex("7f ff ff ff ff ff ff ff"));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, std::numeric_limits<std::int64_t>::max());
  v = decode_int64(hex("80 00 00 00 00 00 00 00"));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(error_of(decode_int64(hex("00 80 00 00 00 00 00 00 00"))), errc::integer_too_wide);
  const auto b = hex("02 03 01 00 00");
  reader r(b);
  auto w = r.read_integer64();
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, 65536);
}

TEST(BerReader, Unsigned32KnownAnswers) {
  const auto b = hex("41 05 00 ff ff ff ff  42 01 00  43 02 30 39  42 04 7f ff ff ff");
  reader r(b);
  auto c = r.read_uint32(0x41);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, 4294967295U);
  auto g = r.read_uint32(0x42);
  ASSERT_TRUE(g);
  EXPECT_EQ(*g, 0U);
  auto t = r.read_uint32(0x43);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 12345U);
  auto m = r.read_uint32(0x42);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 2147483647U);
  EXPECT_TRUE(r.at_end());
}

TEST(BerReader, Unsigned32RejectsNegativeAndWide) {
  EXPECT_EQ(error_of(decode_uint32(hex("ff ff ff ff"))), errc::integer_too_wide);
  EXPECT_EQ(error_of(decode_uint32(hex("80"))), errc::integer_too_wide);
  EXPECT_EQ(error_of(decode_uint32(hex("01 00 00 00 00"))), errc::integer_too_wide);  // 2^32
  EXPECT_EQ(error_of(decode_uint32(hex(""))), errc::empty_integer);
  auto padded = decode_uint32(hex("00 00 00 00 01"));
  ASSERT_TRUE(padded);
  EXPECT_EQ(*padded, 1U);
  const auto b = hex("41 01 05");
  reader r(b);
  EXPECT_EQ(error_of(r.read_uint32(0x42)), errc::unexpected_tag);
}

TEST(BerReader, Counter64KnownAnswers) {
  const auto b = hex("46 09 00 ff ff ff ff ff ff ff ff  46 01 00  46 05 01 00 00 00 00");
  reader r(b);
  auto mx = r.read_counter64();
  ASSERT_TRUE(mx);
  EXPECT_EQ(*mx, std::numeric_limits<std::uint64_t>::max());
  auto zero = r.read_counter64();
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero, 0U);
  auto p32 = r.read_counter64();
  ASSERT_TRUE(p32);
  EXPECT_EQ(*p32, 4294967296ULL);
  EXPECT_EQ(error_of(decode_uint64(hex("01 00 00 00 00 00 00 00 00"))), errc::integer_too_wide);
  EXPECT_EQ(error_of(decode_uint64(hex("80 00 00 00 00 00 00 00"))), errc::integer_too_wide);
}

oid oid_of(std::string_view content_hex) {
  oid o;
  auto r = decode_oid(hex(content_hex), o);
  EXPECT_TRUE(r.has_value()) << content_hex;
  return o;
}

TEST(BerReader, OidKnownAnswers) {
  EXPECT_EQ(oid_of("2b 06 01 04 01 8f 65"), (oid{1, 3, 6, 1, 4, 1, 2021}));
  EXPECT_EQ(oid_of("2b 06 01 04 01 bf 08 02 03 01"), (oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 1}));
  EXPECT_EQ(oid_of("2b 06 01 04 01 8f ff ff ff 7f"), (oid{1, 3, 6, 1, 4, 1, 4294967295U}));
  EXPECT_EQ(oid_of("00"), (oid{0, 0}));
  EXPECT_EQ(oid_of("27"), (oid{0, 39}));
  EXPECT_EQ(oid_of("28"), (oid{1, 0}));
  EXPECT_EQ(oid_of("88 37 03"), (oid{2, 999, 3}));  // X.690 §8.19.5 example
  // First sub-identifier 40*2 + (2^32-1): the second arc may use the full 32 bits.
  EXPECT_EQ(oid_of("90 80 80 80 4f 00"), (oid{2, 4294967295U, 0}));
  const auto b = hex("06 03 2b 06 01");
  reader r(b);
  oid o{9, 9};
  ASSERT_TRUE(r.read_oid(o));
  EXPECT_EQ(o, (oid{1, 3, 6, 1}));
}

TEST(BerReader, OidRejectsMalformed) {
  oid o;
  EXPECT_EQ(error_of(decode_oid(hex(""), o)), errc::oid_empty);
  EXPECT_EQ(error_of(decode_oid(hex("2b 80 01"), o)), errc::oid_bad_padding);
  EXPECT_EQ(error_of(decode_oid(hex("80 2b"), o)), errc::oid_bad_padding);
  EXPECT_EQ(error_of(decode_oid(hex("2b 06 90 80 80 80 00"), o)), errc::oid_subid_too_large);
  EXPECT_EQ(error_of(decode_oid(hex("2b 06 ff ff ff ff ff ff ff ff ff ff 7f"), o)),
            errc::oid_subid_too_large);
  EXPECT_EQ(error_of(decode_oid(hex("90 80 80 80 50"), o)), errc::oid_subid_too_large);
  EXPECT_EQ(error_of(decode_oid(hex("2b 06 86"), o)), errc::oid_truncated);
}

TEST(BerReader, OidArcLimitIs128) {
  std::vector<std::byte> content(1, std::byte{0x2b});   // 1.3 = two arcs
  content.insert(content.end(), 126, std::byte{0x01});  // 128 arcs in all
  oid o;
  ASSERT_TRUE(decode_oid(content, o));
  EXPECT_EQ(o.size(), 128U);
  content.push_back(std::byte{0x01});  // 129 arcs
  EXPECT_EQ(error_of(decode_oid(content, o)), errc::oid_too_long);
}

TEST(BerReader, OctetsNullAndIpAddress) {
  const auto b = hex("04 03 61 62 63  04 00  05 00  40 04 c0 00 02 07  82 00  44 02 9f 78");
  reader r(b);
  auto s = r.read_octets();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 3U);
  EXPECT_EQ(std::to_integer<char>((*s)[2]), 'c');
  auto e = r.read_octets();
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->empty());
  EXPECT_TRUE(r.read_null());
  auto ip = r.read_ip_address();
  ASSERT_TRUE(ip);
  EXPECT_EQ(*ip, (std::array<std::uint8_t, 4>{192, 0, 2, 7}));
  EXPECT_TRUE(r.read_null(0x82));
  auto opaque = r.read_octets(0x44);
  ASSERT_TRUE(opaque);
  EXPECT_EQ(opaque->size(), 2U);
  EXPECT_TRUE(r.at_end());
}

TEST(BerReader, NullWithContentAndShortIpRejected) {
  const auto n = hex("05 01 00");
  reader rn(n);
  EXPECT_EQ(error_of(rn.read_null()), errc::bad_null);
  const auto ip = hex("40 03 0a 00 01");
  reader ri(ip);
  EXPECT_EQ(error_of(ri.read_ip_address()), errc::bad_ip_address);
}

TEST(BerReader, LengthForms) {
  std::vector<std::byte> b = hex("04 81 c8");
  b.insert(b.end(), 200, std::byte{0x41});
  reader r(b);
  auto s = r.read_octets();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 200U);
  // Non-minimal long forms are valid BER (X.690 §8.1.3.5 note) and accepted.
  const auto nm = hex("04 82 00 02 61 62  04 84 00 00 00 01 63");
  reader r2(nm);
  auto a = r2.read_octets();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 2U);
  auto c = r2.read_octets();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->size(), 1U);
  EXPECT_TRUE(r2.at_end());
}

TEST(BerReader, StructuralErrors) {
  auto first_error = [](std::string_view h) {
    const auto b = hex(h);
    reader r(b);
    return error_of(r.read_tlv());
  };
  EXPECT_EQ(first_error(""), errc::truncated);
  EXPECT_EQ(first_error("04"), errc::truncated);
  EXPECT_EQ(first_error("04 82 01"), errc::truncated);
  EXPECT_EQ(first_error("04 05 61 62"), errc::length_past_end);
  EXPECT_EQ(first_error("30 80 02 01 00 00 00"), errc::indefinite_length);
  EXPECT_EQ(first_error("04 85 00 00 00 00 01 61"), errc::length_too_long);
  EXPECT_EQ(first_error("04 ff 00"), errc::length_too_long);
  EXPECT_EQ(first_error("04 84 7f ff ff ff 61"), errc::length_too_long);  // over max_length
  EXPECT_EQ(first_error("1f 01 00"), errc::multibyte_tag);
  EXPECT_EQ(first_error("bf 81 00 00"), errc::multibyte_tag);
}

TEST(BerReader, LengthPastEnclosingElement) {
  // The inner OCTET STRING claims 4 octets but its SEQUENCE holds only 3 after its header.
  const auto b = hex("30 05 04 04 61 62 63 64 65");
  reader r(b);
  auto seq = r.read_constructed(0x30);
  ASSERT_TRUE(seq);
  EXPECT_EQ(error_of(seq->read_octets()), errc::length_past_end);
}

TEST(BerReader, UnexpectedTagAndPrimitiveEnter) {
  const auto b = hex("04 01 61 02 01 05");
  reader r(b);
  EXPECT_EQ(error_of(r.read_int32()), errc::unexpected_tag);
  auto t = r.read_tlv();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tag, 0x02);
  EXPECT_EQ(error_of(r.enter(*t)), errc::unexpected_tag);  // primitive: no child reader
  const auto c = hex("31 00");
  reader rc(c);
  EXPECT_EQ(error_of(rc.read_constructed(0x30)), errc::unexpected_tag);
}

std::vector<std::byte> nested_sequences(std::size_t levels) {
  std::vector<std::byte> b{std::byte{0x05}, std::byte{0x00}};
  for (std::size_t i = 0; i < levels; ++i) {
    b.insert(b.begin(), {std::byte{0x30}, static_cast<std::byte>(b.size())});
  }
  return b;
}

TEST(BerReader, DepthBombRejected) {
  const auto ok = nested_sequences(16);
  reader r(ok);
  std::size_t depth = 0;
  while (r.peek_tag() && *r.peek_tag() == 0x30) {
    auto child = r.read_constructed(0x30);
    ASSERT_TRUE(child) << child.error().message();
    r = *child;
    ++depth;
  }
  EXPECT_EQ(depth, 16U);
  EXPECT_TRUE(r.read_null());

  const auto bomb = nested_sequences(40);
  reader rb(bomb);
  result<reader> child = rb;
  for (int i = 0; i < 40 && child; ++i) child = child->read_constructed(0x30);
  EXPECT_EQ(error_of(child), errc::depth_exceeded);
  EXPECT_EQ(rb.depth(), 0U);
}

TEST(BerReader, TooManyElements) {
  std::vector<std::byte> b;
  for (int i = 0; i < 2100; ++i) b.insert(b.end(), {std::byte{0x05}, std::byte{0x00}});
  reader r(b);
  int ok = 0;
  while (r.read_null()) ++ok;
  EXPECT_EQ(ok, 2048);
  reader r2(b);
  EXPECT_EQ(error_of([&] {
              result<void> last;
              for (int i = 0; i < 2049 && last; ++i) last = r2.read_null();
              return last;
            }()),
            errc::too_many_elements);
  limits small;
  small.max_elements = 3;
  reader r3(b, small);
  EXPECT_TRUE(r3.read_null());
  EXPECT_TRUE(r3.read_null());
  EXPECT_TRUE(r3.read_null());
  EXPECT_EQ(error_of(r3.read_null()), errc::too_many_elements);
}

TEST(BerReader, PeekTagAndCountRemaining) {
  const auto b = hex("02 01 05  04 00  30 03 05 01 00");
  reader r(b);
  auto t = r.peek_tag();
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 0x02);
  EXPECT_EQ(r.count_remaining(), 3U);
  ASSERT_TRUE(r.read_int32());
  EXPECT_EQ(r.count_remaining(), 2U);
  EXPECT_EQ(r.remaining(), 7U);
  reader empty(std::span<const std::byte>{});
  EXPECT_TRUE(empty.at_end());
  EXPECT_EQ(error_of(empty.peek_tag()), errc::truncated);
}

TEST(BerErrc, EveryCodeHasADistinctMessage) {
  std::set<std::string> seen;
  for (int e = 0; e <= static_cast<int>(errc::bad_ip_address); ++e) {
    const auto ec = make_error_code(static_cast<errc>(e));
    EXPECT_FALSE(ec.message().empty());
    EXPECT_NE(ec.message(), "unknown BER error") << e;
    seen.insert(ec.message());
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(errc::bad_ip_address) + 1);
  EXPECT_STREQ(ber_category().name(), "snmp.ber");
  boost::system::error_code ec = errc::truncated;  // is_error_code_enum conversion
  EXPECT_EQ(ec, make_error_code(errc::truncated));
}

}  // namespace
}  // namespace trapsink::snmp::ber
