// The JSON writer primitives and the "printable UTF-8" rule (docs/record.md).
#include "pipeline/record/json_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace trapsink::pipeline::json {
namespace {

using namespace std::string_literals;

TEST(PrintableUtf8, AcceptsAsciiAndAllowedWhitespace) {
  EXPECT_TRUE(is_printable_utf8(""));
  EXPECT_TRUE(is_printable_utf8("eth0"));
  EXPECT_TRUE(is_printable_utf8(" !~"));
  EXPECT_TRUE(is_printable_utf8("a\tb\nc\rd"));
}

TEST(PrintableUtf8, AcceptsWellFormedMultiByte) {
  EXPECT_TRUE(is_printable_utf8("Z\xc3\xbcrich"));             // U+00FC
  EXPECT_TRUE(is_printable_utf8("\xc2\xa0"));                  // U+00A0, first after C1
  EXPECT_TRUE(is_printable_utf8("\xe2\x82\xac"));              // U+20AC euro sign
  EXPECT_TRUE(is_printable_utf8("\xe0\xa0\x80"));              // U+0800, smallest 3-byte
  EXPECT_TRUE(is_printable_utf8("\xed\x9f\xbf"));              // U+D7FF, before surrogates
  EXPECT_TRUE(is_printable_utf8("\xee\x80\x80"));              // U+E000, after surrogates
  EXPECT_TRUE(is_printable_utf8("\xf0\x90\x80\x80"));          // U+10000
  EXPECT_TRUE(is_printable_utf8("\xf0\x9f\x98\x80"));          // U+1F600 emoji
  EXPECT_TRUE(is_printable_utf8("\xf4\x8f\xbf\xbf"));          // U+10FFFF, the last
  EXPECT_TRUE(is_printable_utf8("\xe6\x9d\xb1\xe4\xba\xac"));  // Tokyo in kanji
}

TEST(PrintableUtf8, RejectsControlCharacters) {
  EXPECT_FALSE(is_printable_utf8("\0"s));
  EXPECT_FALSE(is_printable_utf8("abc\0"s));  // a trailing NUL, as some agents send
  EXPECT_FALSE(is_printable_utf8("a\x01"));
  EXPECT_FALSE(is_printable_utf8("\x1b[0m"));  // ESC
  EXPECT_FALSE(is_printable_utf8("\x1f"));
  EXPECT_FALSE(is_printable_utf8("\x7f"));      // DEL
  EXPECT_FALSE(is_printable_utf8("\xc2\x80"));  // U+0080, first C1
  EXPECT_FALSE(is_printable_utf8("\xc2\x9f"));  // U+009F, last C1
}

TEST(PrintableUtf8, RejectsMalformedUtf8) {
  EXPECT_FALSE(is_printable_utf8("\x80"));  // stray continuation
  EXPECT_FALSE(is_printable_utf8("\xbf"));
  EXPECT_FALSE(is_printable_utf8("\xc3"));          // truncated 2-byte
  EXPECT_FALSE(is_printable_utf8("\xc3\x28"));      // bad continuation
  EXPECT_FALSE(is_printable_utf8("\xe2\x82"));      // truncated 3-byte
  EXPECT_FALSE(is_printable_utf8("\xf0\x9f\x98"));  // truncated 4-byte
  EXPECT_FALSE(is_printable_utf8("\xff"));
  EXPECT_FALSE(is_printable_utf8("\xfe\xff"));
  EXPECT_FALSE(is_printable_utf8("\xf5\x80\x80\x80"));  // lead byte beyond U+10FFFF
  EXPECT_FALSE(is_printable_utf8("\xf4\x90\x80\x80"));  // U+110000
}

TEST(PrintableUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_printable_utf8("\xc0\xaf"));  // '/' in 2 bytes
  EXPECT_FALSE(is_printable_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_printable_utf8("\xc0\x80"));          // "modified UTF-8" NUL
  EXPECT_FALSE(is_printable_utf8("\xe0\x80\xaf"));      // '/' in 3 bytes
  EXPECT_FALSE(is_printable_utf8("\xe0\x9f\xbf"));      // U+07FF in 3 bytes
  EXPECT_FALSE(is_printable_utf8("\xf0\x80\x80\xaf"));  // '/' in 4 bytes
  EXPECT_FALSE(is_printable_utf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in 4 bytes
}

TEST(PrintableUtf8, RejectsSurrogates) {
  EXPECT_FALSE(is_printable_utf8("\xed\xa0\x80"));              // U+D800
  EXPECT_FALSE(is_printable_utf8("\xed\xbf\xbf"));              // U+DFFF
  EXPECT_FALSE(is_printable_utf8("\xed\xa0\xbd\xed\xb8\x80"));  // CESU-8 pair
}

std::string escaped(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

TEST(AppendString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(escaped(""), R"("")");
  EXPECT_EQ(escaped("plain"), R"("plain")");
  EXPECT_EQ(escaped(R"(a"b)"), R"("a\"b")");
  EXPECT_EQ(escaped(R"(C:\temp\)"), R"("C:\\temp\\")");
  EXPECT_EQ(escaped("a\tb\nc\rd"), R"("a\u0009b\u000ac\u000dd")");
  EXPECT_EQ(escaped("\0\x01\x1f"s), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(escaped("\x7f"), "\"\x7f\"");  // DEL needs no escape in JSON
  EXPECT_EQ(escaped("/"), R"("/")");       // nor does the solidus
}

TEST(AppendString, PassesNonAsciiThrough) {
  EXPECT_EQ(escaped("Z\xc3\xbcrich"), "\"Z\xc3\xbcrich\"");
  EXPECT_EQ(escaped("\xe2\x80\xa8"), "\"\xe2\x80\xa8\"");  // U+2028 is legal in JSON strings
}

TEST(AppendString, RoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "\xc3\xbc\xf0\x9f\x98\x80";
  const auto parsed = nlohmann::json::parse(escaped(all));
  EXPECT_EQ(parsed.get<std::string>(), all);
}

/// A plain reference escaper: one byte at a time.
std::string reference_escape(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

/// A reference "printable UTF-8" check by decoding code points (RFC 3629 §3).
bool reference_printable(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b < 0x80) {
      len = 1, cp = b;
    } else if ((b & 0xe0) == 0xc0) {
      len = 2, cp = b & 0x1fu;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3, cp = b & 0x0fu;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4, cp = b & 0x07u;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3fu);
    }
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if ((cp < 0x20 && cp != 9 && cp != 10 && cp != 13) || (cp >= 0x7f && cp <= 0x9f)) return false;
    i += len;
  }
  return true;
}

TEST(AppendString, MatchesAReferenceOnRandomInput) {
  // Bytes chosen to hit every branch: plain ASCII, escapes, controls, UTF-8 lead and
  // continuation bytes, and the boundary values of RFC 3629's table.
  const unsigned char alphabet[] = {'a',  'Z',  ' ',  '~',  '"',  '\\', 0x00, 0x09, 0x0a,
                                    0x0d, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2,
                                    0xc3, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  std::uint64_t seed = 42;
  for (int iter = 0; iter < 20000; ++iter) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t len = (seed >> 33) % 40;
    std::string s;
    for (std::size_t i = 0; i < len; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      // Mostly plain letters so that the eight-byte fast paths get exercised too.
      const auto r = (seed >> 33) % 64;
      const auto byte = r < 37 ? 'a' + r % 26 : alphabet[r % sizeof alphabet];
      s += static_cast<char>(byte);
    }
    ASSERT_EQ(escaped(s), reference_escape(s)) << iter;
    ASSERT_EQ(is_printable_utf8(s), reference_printable(s)) << iter;
  }
}

TEST(AppendString, OneEscapeAtEveryPositionOfShortAndWordSizedStrings) {
  // The plain-string fast path checks eight bytes at a time and pads the last few: an escape
  // in any position, of strings around the word boundaries, must still be found.
  for (std::size_t len = 1; len <= 25; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      for (const char c : {'"', '\\', '\x01', '\x1f'}) {
        std::string s(len, 'x');
        s[at] = c;
        ASSERT_EQ(escaped(s), reference_escape(s)) << len << " " << at;
      }
    }
    const std::string plain(len, 'y');
    ASSERT_EQ(escaped(plain), '"' + plain + '"');
  }
}

TEST(AppendHex, LowercaseWithoutSeparators) {
  std::string out = "x";
  append_hex(out, "\x00\x01\xab\xff\x10"s);
  EXPECT_EQ(out, "x0001abff10");
  out.clear();
  append_hex(out, "");
  EXPECT_EQ(out, "");
}

TEST(AppendNumbers, Extremes) {
  std::string out;
  append_int(out, std::numeric_limits<std::int32_t>::min());
  out.push_back(' ');
  append_int(out, std::numeric_limits<std::int64_t>::min());
  out.push_back(' ');
  append_uint(out, std::numeric_limits<std::uint64_t>::max());
  out.push_back(' ');
  append_uint(out, 0);
  EXPECT_EQ(out, "-2147483648 -9223372036854775808 18446744073709551615 0");
}

TEST(AppendArcs, DottedWithoutLeadingDot) {
  const std::uint32_t arcs[] = {1, 3, 6, 1, 4, 1, 4294967295U, 0};
  std::string out;
  append_arcs(out, std::span(arcs, 8));
  EXPECT_EQ(out, "1.3.6.1.4.1.4294967295.0");
  out.clear();
  append_arcs(out, std::span(arcs, 0));
  EXPECT_EQ(out, "");
}

TEST(AppendArcs, LongOidCrossesTheChunkBoundary) {
  std::uint32_t arcs[128];
  std::string expected;
  for (std::uint32_t i = 0; i < 128; ++i) {
    arcs[i] = 4000000000U + i;
    if (i) expected += '.';
    expected += std::to_string(arcs[i]);
  }
  std::string out;
  append_arcs(out, arcs);
  EXPECT_EQ(out, expected);
}

TEST(AppendTime, Rfc3339UtcWithMicroseconds) {
  using namespace std::chrono;
  std::string out;
  append_time(out, sys_days{year{2026} / 11 / 21} + hours{17} + minutes{29} + seconds{3} +
                       microseconds{123456} + nanoseconds{789});
  EXPECT_EQ(out, R"("2026-11-21T17:29:03.123456Z")");
  out.clear();
  append_time(out, system_clock::time_point{});
  EXPECT_EQ(out, R"("1970-01-01T00:00:00.000000Z")");
  out.clear();
  append_time(out, sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59} +
                       microseconds{999999});
  EXPECT_EQ(out, R"("2024-02-29T23:59:59.999999Z")");
  out.clear();
  append_time(out, sys_days{year{2000} / 1 / 1} + microseconds{7});
  EXPECT_EQ(out, R"("2000-01-01T00:00:00.000007Z")");
}

TEST(ObjectWriter, InsertsCommasInCallOrder) {
  std::string out = "[";
  {
    writer w(out);
    object_writer o(w);
    o.string("b", "x");
    o.uint("a", 1);
    o.int64("c", -1);
    o.raw("d", "null");
    o.close();
  }
  EXPECT_EQ(out, R"([{"b":"x","a":1,"c":-1,"d":null})");
}

TEST(Writer, GrowsAcrossManyItemsAndTrimsOnFinish) {
  std::string out;
  std::string expected;
  {
    writer w(out);
    for (int i = 0; i < 1000; ++i) {
      w.string("ab\"c");
      w.uint(static_cast<std::uint64_t>(i));
      expected += "\"ab\\\"c\"" + std::to_string(i);
    }
    w.finish();
    EXPECT_EQ(out, expected);
    w.put('!');
  }
  EXPECT_EQ(out, expected + "!");
}

TEST(Writer, LongStringFullOfEscapes) {
  const std::string in(5000, '\x01');
  std::string out;
  append_string(out, in);
  EXPECT_EQ(out.size(), 2 + 6 * in.size());
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), in);
}

}  // namespace
}  // namespace trapsink::pipeline::json
