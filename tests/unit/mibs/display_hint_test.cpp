// DISPLAY-HINT known answers (RFC 2579 §3.1), malformed hints and values that do not fit.
#include "mibs/resolver/display_hint.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace trapsink::mibs {
namespace {

std::optional<std::string> octets(std::string_view hint, std::string_view value) {
  std::string out = "<";  // what was there before must survive a refusal
  if (!append_octets_hinted(hint, value, out)) {
    EXPECT_EQ(out, "<");
    return std::nullopt;
  }
  return out.substr(1);
}

std::optional<std::string> integer(std::string_view hint, std::int64_t v) {
  std::string out;
  if (!append_integer_hinted(hint, v, out)) return std::nullopt;
  return out;
}

using namespace std::string_literals;

TEST(DisplayHint, DisplayString) {
  EXPECT_EQ(octets("255a", "eth0"), "eth0");
  EXPECT_EQ(octets("255a", ""), "");
  EXPECT_EQ(octets("255t", "Z\xc3\xbcrich"), "Z\xc3\xbcrich");
}

TEST(DisplayHint, MacAddressHexWithoutPadding) {
  // Net-SNMP prints each octet with %x: no leading zero.
  EXPECT_EQ(octets("1x:", "\x00\x1b\x21\xaa\xbb\xcc"s), "0:1b:21:aa:bb:cc");
}

TEST(DisplayHint, DateAndTimeRfc2579Example) {
  // RFC 2579 DateAndTime: 1992-5-26,13:30:15.0,-4:0 (11 octets) and the 8-octet local form.
  const std::string hint = "2d-1d-1d,1d:1d:1d.1d,1a1d:1d";
  EXPECT_EQ(octets(hint, "\x07\xc8\x05\x1a\x0d\x1e\x0f\x00\x2d\x04\x00"s),
            "1992-5-26,13:30:15.0,-4:0");
  EXPECT_EQ(octets(hint, "\x07\xea\x0b\x15\x11\x1d\x03\x01"s), "2026-11-21,17:29:3.1");
}

TEST(DisplayHint, Ipv6AndDecimal) {
  EXPECT_EQ(octets("2x:2x:2x:2x:2x:2x:2x:2x", "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"s),
            "fe80:0:0:0:0:0:0:1");
  EXPECT_EQ(octets("1d.1d.1d.1d", "\x0a\x00\x00\x01"s), "10.0.0.1");
  EXPECT_EQ(octets("4d", "\x00\x01\x00\x00"s), "65536");
  EXPECT_EQ(octets("1o", "\x08"s), "10");
}

TEST(DisplayHint, RepeatIndicatorAndTerminator) {
  // '*': the first octet counts the repetitions; '/' terminates the group.
  EXPECT_EQ(octets("*1x:/1a",
                   "\x03\xaa\xbb\xcc"
                   "A"s),
            "aa:bb:cc/A");
  EXPECT_EQ(octets("*1d./", "\x02\x01\x02\x01\x05"s), "1.2/5");
}

TEST(DisplayHint, LastSpecificationIsReused) {
  EXPECT_EQ(octets("1d.1d.1d.1d", "\x01\x02\x03\x04\x05"s), "1.2.3.45");
  EXPECT_EQ(octets("1d-", "\x01\x02\x03"s), "1-2-3");
}

TEST(DisplayHint, ValueShorterThanTheHint) {
  EXPECT_EQ(octets("1d.1d.1d.1d", "\x0a\x00"s), "10.0");
  EXPECT_EQ(octets("2d", "\x01"s), "1");
}

TEST(DisplayHint, MalformedHintsAreRefused) {
  for (const char* bad : {"", "x", "1", "1q", "*", "*x", "0a", "9d", "1x:1", "255", "a255"}) {
    EXPECT_EQ(octets(bad, "abc"), std::nullopt) << bad;
  }
  // A malformed tail is refused even when the value ends before it.
  EXPECT_EQ(octets("1d.1q", "\x01"s), std::nullopt);
}

TEST(DisplayHint, TextThatIsNotPrintableIsRefused) {
  EXPECT_EQ(octets("255a", "eth0\x00"s), std::nullopt);
  EXPECT_EQ(octets("255a", "\x1b[1m"s), std::nullopt);
  EXPECT_EQ(octets("255t", "\xc3\x28"s), std::nullopt);
}

TEST(DisplayHint, Integers) {
  EXPECT_EQ(integer("d", 42), "42");
  EXPECT_EQ(integer("d-2", 1234), "12.34");
  EXPECT_EQ(integer("d-2", 5), "0.05");
  EXPECT_EQ(integer("d-2", -5), "-0.05");
  EXPECT_EQ(integer("d-2", -1234), "-12.34");
  EXPECT_EQ(integer("d-1", 0), "0.0");
  EXPECT_EQ(integer("x", 255), "ff");
  EXPECT_EQ(integer("o", 8), "10");
  EXPECT_EQ(integer("b", 5), "101");
  EXPECT_EQ(integer("d", std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
}

TEST(DisplayHint, MalformedIntegerHints) {
  for (const char* bad : {"", "d-", "d-x", "q", "x-1", "d2", "d-123", "255a"}) {
    EXPECT_EQ(integer(bad, 7), std::nullopt) << bad;
  }
}

TEST(DisplayHint, HexFallbackAndPrintable) {
  std::string out;
  append_hex("\x00\x1b\xff"s, out);
  EXPECT_EQ(out, "00 1B FF");
  EXPECT_TRUE(is_printable_text("Z\xc3\xbcrich\t"));
  EXPECT_FALSE(is_printable_text("\xc0\xaf"));
  EXPECT_FALSE(is_printable_text("\xed\xa0\x80"));
  EXPECT_FALSE(is_printable_text("\xc2\x80"));
  EXPECT_FALSE(is_printable_text("a\x7f"));
}

}  // namespace
}  // namespace trapsink::mibs
