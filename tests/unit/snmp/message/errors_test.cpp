// Every way decode_community / peek_version reject a message, with the exact error code.
#include <gtest/gtest.h>

#include "snmp/message/codec.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::message {
namespace {

using test::hex;

/// Wrap PDU hex into a message with the given version and community "public".
std::vector<std::byte> message_with(int ver, std::string_view pdu_hex) {
  const auto body = hex(pdu_hex);
  std::vector<std::byte> content = hex("02 01 00 04 06 70 75 62 6c 69 63");
  content[2] = static_cast<std::byte>(ver);
  content.insert(content.end(), body.begin(), body.end());
  content.insert(content.begin(), static_cast<std::byte>(content.size()));
  content.insert(content.begin(), std::byte{0x30});
  return content;
}

// A minimal PDU body with the given tag: request-id 1, no errors, no varbinds.
std::string pdu_hex(std::string_view tag) {
  return std::string(tag) + " 0b 02 01 01 02 01 00 02 01 00 30 00";
}

template <class E>
boost::system::error_code code(E e) {
  return make_error_code(e);
}

boost::system::error_code decode_error(const std::vector<std::byte>& b,
                                       const ber::limits& lim = {}) {
  auto r = decode_community(b, lim);
  EXPECT_FALSE(r);
  return r ? boost::system::error_code{} : r.error();
}

TEST(PeekVersion, ReadsOnlyTheHeader) {
  // The PDU after the version is garbage: peek_version does not look at it.
  auto v = peek_version(hex("30 05 02 01 03 ff ff"));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, version::v3);
  v = peek_version(message_with(0, pdu_hex("a0")));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, version::v1);
  v = peek_version(message_with(1, pdu_hex("a7")));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, version::v2c);
}

TEST(PeekVersion, BadVersionsAndParseErrors) {
  EXPECT_EQ(peek_version(hex("30 03 02 01 02")).error(), code(errc::bad_version));
  EXPECT_EQ(peek_version(hex("30 03 02 01 04")).error(), code(errc::bad_version));
  EXPECT_EQ(peek_version(hex("30 03 02 01 ff")).error(), code(errc::bad_version));
  EXPECT_EQ(peek_version(hex("30 07 02 05 01 00 00 00 00")).error(), code(errc::bad_version));
  EXPECT_EQ(peek_version(hex("31 03 02 01 01")).error(), code(ber::errc::unexpected_tag));
  EXPECT_EQ(peek_version(hex("30 03 04 01 01")).error(), code(ber::errc::unexpected_tag));
  EXPECT_EQ(peek_version(hex("30 09 02 01 01")).error(), code(ber::errc::length_past_end));
  EXPECT_EQ(peek_version(hex("")).error(), code(ber::errc::truncated));
  EXPECT_EQ(&peek_version(hex("30 03 02 01 07")).error().category(), &message_category());
}

TEST(DecodeCommunity, VersionErrors) {
  EXPECT_EQ(decode_error(message_with(3, pdu_hex("a7"))), code(errc::unsupported_version));
  EXPECT_EQ(decode_error(message_with(2, pdu_hex("a7"))), code(errc::bad_version));
  EXPECT_EQ(decode_error(message_with(0x7f, pdu_hex("a7"))), code(errc::bad_version));
}

TEST(DecodeCommunity, PduAllowedPerVersion) {
  // RFC 3584 §2.1: v1 has [0]..[4]; v2c has every RFC 3416 PDU but not the Trap-PDU.
  for (const char* t : {"a0", "a1", "a2", "a3"}) {
    EXPECT_TRUE(decode_community(message_with(0, pdu_hex(t)))) << t;
    EXPECT_TRUE(decode_community(message_with(1, pdu_hex(t)))) << t;
  }
  for (const char* t : {"a5", "a6", "a7", "a8"}) {
    EXPECT_EQ(decode_error(message_with(0, pdu_hex(t))), code(errc::pdu_not_allowed_in_version))
        << t;
    EXPECT_TRUE(decode_community(message_with(1, pdu_hex(t)))) << t;
  }
  const std::string trap =
      "a4 16 06 03 2b 06 01 40 04 0a 00 00 01 02 01 00 02 01 00 43 01 00 30 00";
  EXPECT_TRUE(decode_community(message_with(0, trap)));
  EXPECT_EQ(decode_error(message_with(1, trap)), code(errc::pdu_not_allowed_in_version));
}

TEST(DecodeCommunity, UnknownPduType) {
  EXPECT_EQ(decode_error(message_with(1, pdu_hex("a9"))), code(errc::unknown_pdu_type));
  EXPECT_EQ(decode_error(message_with(1, pdu_hex("30"))), code(errc::unknown_pdu_type));
  EXPECT_EQ(decode_error(message_with(1, "04 00")), code(errc::unknown_pdu_type));
  EXPECT_EQ(decode_error(message_with(1, "")), code(ber::errc::truncated));
}

TEST(DecodeCommunity, TrapFieldErrors) {
  // generic-trap 7 (RFC 1157 §4.1.6 allows 0..6).
  EXPECT_EQ(decode_error(message_with(0,
                                      "a4 16 06 03 2b 06 01 40 04 0a 00 00 01 02 01 07 02 01 00 "
                                      "43 01 00 30 00")),
            code(errc::bad_field));
  EXPECT_EQ(decode_error(message_with(0,
                                      "a4 16 06 03 2b 06 01 40 04 0a 00 00 01 02 01 ff 02 01 00 "
                                      "43 01 00 30 00")),
            code(errc::bad_field));
  // agent-addr of 5 octets.
  EXPECT_EQ(decode_error(message_with(0,
                                      "a4 17 06 03 2b 06 01 40 05 0a 00 00 01 01 02 01 00 02 01 "
                                      "00 43 01 00 30 00")),
            code(ber::errc::bad_ip_address));
  // time-stamp with an INTEGER tag instead of TimeTicks.
  EXPECT_EQ(decode_error(message_with(0,
                                      "a4 16 06 03 2b 06 01 40 04 0a 00 00 01 02 01 00 02 01 00 "
                                      "02 01 00 30 00")),
            code(ber::errc::unexpected_tag));
}

TEST(DecodeCommunity, TrailingData) {
  auto b = message_with(1, pdu_hex("a7"));
  b.push_back(std::byte{0x00});
  EXPECT_EQ(decode_error(b), code(ber::errc::trailing_data));
  // An extra element after the PDU, inside the message SEQUENCE.
  EXPECT_EQ(decode_error(message_with(1, pdu_hex("a7") + " 05 00")),
            code(ber::errc::trailing_data));
  // An extra element after the varbind list, inside the PDU.
  EXPECT_EQ(decode_error(message_with(1, "a7 0d 02 01 01 02 01 00 02 01 00 30 00 05 00")),
            code(ber::errc::trailing_data));
  // A third element inside a VarBind.
  EXPECT_EQ(decode_error(message_with(1,
                                      "a7 15 02 01 01 02 01 00 02 01 00 30 0a 30 08 06 02 2b 06 "
                                      "05 00 05 00")),
            code(ber::errc::trailing_data));
}

TEST(DecodeCommunity, ValueErrors) {
  auto with_value = [](std::string_view v) {
    const auto value_bytes = hex(v);
    const auto vb_len = 4 + value_bytes.size();  // 06 02 2b 06 + value
    std::string h = "a7 ";
    auto byte_hex = [](std::size_t n) {
      static constexpr char d[] = "0123456789abcdef";
      return std::string{d[(n >> 4) & 15], d[n & 15], ' '};
    };
    h += byte_hex(9 + 4 + vb_len) + "02 01 01 02 01 00 02 01 00 30 " + byte_hex(2 + vb_len) +
         "30 " + byte_hex(vb_len) + "06 02 2b 06 " + std::string(v);
    return message_with(1, h);
  };
  EXPECT_TRUE(decode_community(with_value("02 01 05")));
  EXPECT_EQ(decode_error(with_value("47 01 00")), code(ber::errc::unexpected_tag));
  EXPECT_EQ(decode_error(with_value("30 00")), code(ber::errc::unexpected_tag));
  EXPECT_EQ(decode_error(with_value("a0 00")), code(ber::errc::unexpected_tag));
  EXPECT_EQ(decode_error(with_value("05 01 00")), code(ber::errc::bad_null));
  EXPECT_EQ(decode_error(with_value("81 01 00")), code(ber::errc::bad_null));
  EXPECT_EQ(decode_error(with_value("40 03 01 02 03")), code(ber::errc::bad_ip_address));
  EXPECT_EQ(decode_error(with_value("02 05 01 00 00 00 00")), code(ber::errc::integer_too_wide));
  EXPECT_EQ(decode_error(with_value("41 04 80 00 00 00")), code(ber::errc::integer_too_wide));
  EXPECT_EQ(decode_error(with_value("46 09 01 00 00 00 00 00 00 00 00")),
            code(ber::errc::integer_too_wide));
  EXPECT_EQ(decode_error(with_value("06 00")), code(ber::errc::oid_empty));
  EXPECT_EQ(decode_error(with_value("06 02 2b 86")), code(ber::errc::oid_truncated));
  EXPECT_EQ(decode_error(with_value("02 00")), code(ber::errc::empty_integer));
}

TEST(DecodeCommunity, StructuralErrors) {
  EXPECT_EQ(decode_error(hex("30 80 02 01 01 00 00")), code(ber::errc::indefinite_length));
  EXPECT_EQ(decode_error(hex("30 10 02 01 01")), code(ber::errc::length_past_end));
  EXPECT_EQ(decode_error(hex("30")), code(ber::errc::truncated));
  EXPECT_EQ(decode_error(hex("02 01 01")), code(ber::errc::unexpected_tag));
  EXPECT_EQ(decode_error(message_with(1, "a7 09 02 01 01 02 01 00 02 01 00")),
            code(ber::errc::truncated));
}

TEST(DecodeCommunity, ElementLimitApplies) {
  // Three varbinds; a limit of two elements per sequence rejects the list.
  const auto b = message_with(
      1,
      "a7 23 02 01 01 02 01 00 02 01 00 30 18 30 06 06 02 2b 06 05 00 30 06 06 02 2b 06 05 00"
      " 30 06 06 02 2b 06 05 00");
  ASSERT_TRUE(decode_community(b));
  EXPECT_EQ(std::get<pdu>(decode_community(b)->body).varbinds.size(), 3U);
  ber::limits lim;
  lim.max_elements = 2;
  // The message SEQUENCE holds 3 elements too, so the limit trips there first; both are
  // the same code. The PDU holds 4 (request-id, error-status, error-index, varbinds).
  EXPECT_EQ(decode_error(b, lim), code(ber::errc::too_many_elements));
  lim.max_elements = 3;
  EXPECT_EQ(decode_error(b, lim), code(ber::errc::too_many_elements));
  lim.max_elements = 4;
  EXPECT_TRUE(decode_community(b, lim));
}

TEST(DecodeCommunity, DepthLimitApplies) {
  ber::limits lim;
  lim.max_depth = 3;  // message(1) -> PDU(2) -> list(3) -> varbind(4)
  const auto b = message_with(1, "a7 13 02 01 01 02 01 00 02 01 00 30 08 30 06 06 02 2b 06 05 00");
  EXPECT_EQ(decode_error(b, lim), code(ber::errc::depth_exceeded));
  lim.max_depth = 4;
  EXPECT_TRUE(decode_community(b, lim));
}

TEST(MessageErrc, MessagesAndCategory) {
  EXPECT_STREQ(message_category().name(), "snmp.message");
  for (int e = 0; e <= static_cast<int>(errc::bad_field); ++e) {
    EXPECT_NE(make_error_code(static_cast<errc>(e)).message(), "unknown SNMP message error");
  }
  boost::system::error_code ec = errc::bad_version;
  EXPECT_EQ(ec.category(), message_category());
  EXPECT_NE(code(errc::bad_version), code(ber::errc::truncated));  // both value 1
}

}  // namespace
}  // namespace trapsink::snmp::message
