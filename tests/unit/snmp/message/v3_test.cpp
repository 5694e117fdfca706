// SNMPv3 message codec (RFC 3412 §6, RFC 3414 §2.4): captured Net-SNMP 5.9.3 messages decoded
// field by field and re-encoded byte for byte, and each refusal of a malformed header.
#include "snmp/message/v3.hpp"

#include <gtest/gtest.h>

#include "snmp/ber/writer.hpp"
#include "snmp/message/codec.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::message {
namespace {

using test::hex;
using test::to_hex;
using test::vector_file;

std::string hex_of(std::span<const std::byte> s) { return to_hex({s.begin(), s.end()}); }
std::string text_of(std::span<const std::byte> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

TEST(V3Codec, DecodesNetSnmpNoAuthTrapFieldByField) {
  const auto bytes = vector_file("netsnmp_v3_trap_sha256_noauth.hex");
  auto m = decode_v3(bytes);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->header.msg_id, 0x14975938);
  EXPECT_EQ(m->header.max_size, 65507);
  EXPECT_EQ(m->header.flags, 0);  // noAuthNoPriv, not reportable (a trap)
  EXPECT_EQ(m->header.security_model, security_model_usm);
  EXPECT_FALSE(m->encrypted);

  auto usm = decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(usm) << usm.error().message();
  EXPECT_EQ(hex_of(usm->engine_id), "8000000001020304");
  EXPECT_EQ(usm->engine_boots, 5);
  EXPECT_EQ(usm->engine_time, 1000);
  EXPECT_EQ(text_of(usm->user_name), "tuser4");
  EXPECT_TRUE(usm->auth_params.empty());
  EXPECT_TRUE(usm->priv_params.empty());

  auto scoped = decode_scoped_pdu(m->data, false);
  ASSERT_TRUE(scoped) << scoped.error().message();
  EXPECT_EQ(to_hex(test::bytes_of(scoped->context_engine_id)),
            "80001f888018b4877446e1016b00000000");
  EXPECT_EQ(scoped->context_name, "");
  EXPECT_EQ(scoped->data.type, pdu_type::snmpv2_trap);
  EXPECT_EQ(scoped->data.request_id, 0x7daa7a16);
  ASSERT_EQ(scoped->data.varbinds.size(), 4u);
  EXPECT_EQ(scoped->data.varbinds[0].val, value::timeticks(0x04da58));
  EXPECT_EQ(scoped->data.varbinds[1].val, value::object_id(ber::oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 3}));
  EXPECT_EQ(scoped->data.varbinds[2].name, (ber::oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2}));
  EXPECT_EQ(scoped->data.varbinds[2].val, value::integer(2));
  EXPECT_EQ(scoped->data.varbinds[3].val, value::octets("eth1"));
}

TEST(V3Codec, ReencodesNetSnmpNoAuthTrapByteForByte) {
  const auto bytes = vector_file("netsnmp_v3_trap_sha256_noauth.hex");
  auto m = decode_v3(bytes);
  ASSERT_TRUE(m);
  auto usm = decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(usm);
  auto scoped = decode_scoped_pdu(m->data, false);
  ASSERT_TRUE(scoped);
  usm_parameters out;
  out.engine_id.assign(usm->engine_id.begin(), usm->engine_id.end());
  out.engine_boots = usm->engine_boots;
  out.engine_time = usm->engine_time;
  out.user_name = text_of(usm->user_name);
  auto re = encode_v3(m->header, out, encode_scoped_pdu(*scoped), false);
  EXPECT_EQ(to_hex(re.bytes), to_hex(bytes));
}

TEST(V3Codec, AuthParamsOffsetPointsAtTheDigestInACapturedMessage) {
  const auto bytes = vector_file("netsnmp_v3_trap_sha224_authnopriv.hex");
  auto m = decode_v3(bytes);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.flags, v3_flags::auth);
  auto usm = decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(usm);
  EXPECT_EQ(usm->auth_params.size(), 16u);  // HMAC-SHA-224 truncated to 128 bits (RFC 7860)
  const std::size_t at = m->security_parameters_offset + usm->auth_params_offset;
  EXPECT_EQ(to_hex({bytes.begin() + static_cast<std::ptrdiff_t>(at),
                    bytes.begin() + static_cast<std::ptrdiff_t>(at + 16)}),
            hex_of(usm->auth_params));

  // Re-encoding with the same fields puts 16 zero octets at the same offset; filling them with
  // the captured digest gives the captured message back.
  usm_parameters out;
  out.engine_id.assign(usm->engine_id.begin(), usm->engine_id.end());
  out.engine_boots = usm->engine_boots;
  out.engine_time = usm->engine_time;
  out.user_name = text_of(usm->user_name);
  out.auth_params_length = 16;
  auto scoped = decode_scoped_pdu(m->data, false);
  ASSERT_TRUE(scoped);
  auto re = encode_v3(m->header, out, encode_scoped_pdu(*scoped), false);
  ASSERT_EQ(re.auth_params_offset, at);
  std::copy(usm->auth_params.begin(), usm->auth_params.end(),
            re.bytes.begin() + static_cast<std::ptrdiff_t>(at));
  EXPECT_EQ(to_hex(re.bytes), to_hex(bytes));
}

TEST(V3Codec, EncryptedMessageExposesCiphertextAndPrivacyParameters) {
  const auto bytes = vector_file("netsnmp_v3_trap_sha_aes.hex");
  auto m = decode_v3(bytes);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.flags, v3_flags::auth | v3_flags::priv);
  EXPECT_TRUE(m->encrypted);
  auto usm = decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(usm);
  EXPECT_EQ(usm->auth_params.size(), 12u);
  EXPECT_EQ(usm->priv_params.size(), 8u);
  EXPECT_EQ(text_of(usm->user_name), "tuser");
}

// A minimal v3 message around the given header fields (hand-assembled, RFC 3412 §6).
std::vector<std::byte> with_header(std::string_view header_hex, std::string_view user = "u") {
  v3_header h;
  usm_parameters usm;
  usm.engine_id = hex("8000000001020304");
  usm.user_name = std::string(user);
  scoped_pdu s;
  s.data.type = pdu_type::snmpv2_trap;
  auto good = encode_v3(h, usm, encode_scoped_pdu(s), false).bytes;
  // Replace the HeaderData element (it follows the 3-octet version at offset 2 + 3).
  auto m = decode_v3(good);
  EXPECT_TRUE(m);
  const auto header = hex(header_hex);
  std::vector<std::byte> out;
  std::vector<std::byte> body(good.begin() + 2, good.begin() + 5);  // version
  body.insert(body.end(), header.begin(), header.end());
  // Skip the original HeaderData: tag, length, content.
  const std::size_t old_len = std::to_integer<std::size_t>(good[6]);
  body.insert(body.end(), good.begin() + 7 + static_cast<std::ptrdiff_t>(old_len), good.end());
  out.push_back(std::byte{0x30});
  out.push_back(static_cast<std::byte>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

TEST(V3Codec, RefusesInconsistentOrOutOfRangeHeaders) {
  // msgID 1, msgMaxSize 65507, flags, model 3.
  EXPECT_TRUE(decode_v3(with_header("30 0e 02 01 01 02 03 00 ff e3 04 01 04 02 01 03")));
  // privFlag without authFlag: snmpInvalidMsgs.
  EXPECT_EQ(decode_v3(with_header("30 0e 02 01 01 02 03 00 ff e3 04 01 02 02 01 03")).error(),
            errc::invalid_msg_flags);
  // msgFlags of two octets.
  EXPECT_EQ(decode_v3(with_header("30 0f 02 01 01 02 03 00 ff e3 04 02 00 00 02 01 03")).error(),
            errc::invalid_msg_flags);
  // msgMaxSize 483 (< 484).
  EXPECT_EQ(decode_v3(with_header("30 0e 02 01 01 02 03 00 01 e3 04 01 00 02 01 03")).error(),
            errc::bad_field);
  // Negative msgID.
  EXPECT_EQ(decode_v3(with_header("30 0e 02 01 ff 02 03 00 ff e3 04 01 00 02 01 03")).error(),
            errc::bad_field);
  // msgSecurityModel 0.
  EXPECT_EQ(decode_v3(with_header("30 0e 02 01 01 02 03 00 ff e3 04 01 00 02 01 00")).error(),
            errc::bad_field);
}

TEST(V3Codec, RefusesOtherVersionsAndTrailingData) {
  auto v2c = hex("3018 020101 0406 7075626c6963 a70b 020101 020100 020100 3000");
  EXPECT_EQ(decode_v3(v2c).error(), errc::unsupported_version);
  auto bytes = vector_file("netsnmp_v3_trap_sha256_noauth.hex");
  bytes.push_back(std::byte{0});
  EXPECT_EQ(decode_v3(bytes).error(), ber::errc::trailing_data);
}

/// UsmSecurityParameters written field by field (RFC 3414 §2.4).
std::vector<std::byte> usm_params(std::string_view engine_hex, std::string_view user) {
  ber::writer w;
  auto seq = w.begin_constructed(0x30);
  w.write_octets(std::span<const std::byte>(hex(engine_hex)));
  w.write_integer(1);
  w.write_integer(2);
  w.write_octets(user);
  w.write_octets(std::string_view());
  w.write_octets(std::string_view());
  w.end_constructed(seq);
  return w.take();
}

TEST(V3Codec, UserNamesOver32OctetsAreRefused) {
  EXPECT_EQ(decode_usm_parameters(usm_params("8000000001", std::string(33, 'u'))).error(),
            errc::user_name_too_long);
  EXPECT_TRUE(decode_usm_parameters(usm_params("8000000001", std::string(32, 'u'))));
  usm_parameters usm;
  usm.engine_id = hex("8000000001");
  usm.user_name = std::string(33, 'u');
  EXPECT_THROW(encode_v3({}, usm, {}, false), std::logic_error);
}

TEST(V3Codec, EngineIdsAreEmptyOrFiveTo32Octets) {
  EXPECT_TRUE(decode_usm_parameters(usm_params("", "u")));  // discovery
  EXPECT_TRUE(decode_usm_parameters(usm_params("8000000001", "u")));
  EXPECT_TRUE(decode_usm_parameters(usm_params(std::string(64, 'a'), "u")));
  EXPECT_EQ(decode_usm_parameters(usm_params("80000000", "u")).error(), errc::bad_field);
  EXPECT_EQ(decode_usm_parameters(usm_params(std::string(66, 'a'), "u")).error(), errc::bad_field);
}

TEST(V3Codec, ScopedPduTrailingOctetsOnlyWhenAllowed) {
  scoped_pdu s;
  s.context_engine_id = "\x80\x00\x00\x00\x01";
  s.context_name = "ctx";
  s.data.type = pdu_type::inform_request;
  s.data.request_id = 7;
  auto bytes = encode_scoped_pdu(s);
  bytes.push_back(std::byte{0});  // CBC padding left after decryption
  bytes.push_back(std::byte{0});
  EXPECT_EQ(decode_scoped_pdu(bytes, false).error(), ber::errc::trailing_data);
  auto padded = decode_scoped_pdu(bytes, true);
  ASSERT_TRUE(padded);
  EXPECT_EQ(*padded, s);
}

TEST(V3Codec, EncryptedRoundTripKeepsCiphertextVerbatim) {
  v3_header h{42, 1500, v3_flags::auth | v3_flags::priv | v3_flags::reportable, 3};
  usm_parameters usm;
  usm.engine_id = hex("80001f8880aabbccdd");
  usm.engine_boots = 7;
  usm.engine_time = 123456;
  usm.user_name = "alice";
  usm.auth_params_length = 12;
  usm.priv_params = hex("0001020304050607");
  const auto cipher = hex("deadbeef00112233");
  auto e = encode_v3(h, usm, cipher, true);
  auto m = decode_v3(e.bytes);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header, h);
  EXPECT_TRUE(m->encrypted);
  EXPECT_EQ(hex_of(m->data), "deadbeef00112233");
  auto p = decode_usm_parameters(m->security_parameters);
  ASSERT_TRUE(p);
  EXPECT_EQ(hex_of(p->engine_id), "80001f8880aabbccdd");
  EXPECT_EQ(p->engine_boots, 7);
  EXPECT_EQ(p->engine_time, 123456);
  EXPECT_EQ(hex_of(p->auth_params), "000000000000000000000000");
  EXPECT_EQ(hex_of(p->priv_params), "0001020304050607");
  EXPECT_EQ(m->security_parameters_offset + p->auth_params_offset, e.auth_params_offset);
}

}  // namespace
}  // namespace trapsink::snmp::message
