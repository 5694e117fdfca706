// Byte-exact message vectors: hand-assembled (RFC 1157 §4, RFC 3416 §3) and captured from
// Net-SNMP 5.9.3 (tests/vectors/netsnmp_*.hex), decoded and re-encoded.
#include "snmp/message/codec.hpp"

#include <gtest/gtest.h>

#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::message {
namespace {

using test::hex;
using test::to_hex;
using test::vector_file;

const ber::oid sys_up_time_0{1, 3, 6, 1, 2, 1, 1, 3, 0};
const ber::oid snmp_trap_oid_0{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

// SNMPv2c SNMPv2-Trap, community "public", request-id 1: sysUpTime.0 = 100, coldStart.
constexpr std::string_view hand_v2c_trap =
    "30 40"                               // Message SEQUENCE, 64 octets
    "   02 01 01"                         // version 1 = v2c (RFC 1901)
    "   04 06 70 75 62 6c 69 63"          // community "public"
    "   a7 33"                            // SNMPv2-Trap-PDU [7], 51 octets
    "      02 01 01  02 01 00  02 01 00"  // request-id 1, error-status 0, index 0
    "      30 28"                         // VarBindList, 40 octets
    "         30 0d 06 08 2b 06 01 02 01 01 03 00  43 01 64"
    "         30 17 06 0a 2b 06 01 06 03 01 01 04 01 00  06 09 2b 06 01 06 03 01 01 05 01";

community_message hand_v2c_trap_message() {
  pdu p;
  p.type = pdu_type::snmpv2_trap;
  p.request_id = 1;
  p.varbinds = {{sys_up_time_0, value::timeticks(100)},
                {snmp_trap_oid_0, value::object_id({1, 3, 6, 1, 6, 3, 1, 1, 5, 1})}};
  return {version::v2c, "public", p};
}

// SNMPv1 Trap-PDU: enterprise 1.3.6.1.4.1.2021, agent 10.0.0.1, enterpriseSpecific(6),
// specific 1, time-stamp 100, one varbind 1.3.6.1.4.1.2021.1 = "x".
constexpr std::string_view hand_v1_trap =
    "30 36"                               // Message, 54 octets
    "   02 01 00"                         // version-1(0) (RFC 1157 §4)
    "   04 06 70 75 62 6c 69 63"          // community "public"
    "   a4 29"                            // Trap-PDU [4], 41 octets
    "      06 07 2b 06 01 04 01 8f 65"    // enterprise 1.3.6.1.4.1.2021
    "      40 04 0a 00 00 01"             // agent-addr 10.0.0.1
    "      02 01 06  02 01 01  43 01 64"  // generic 6, specific 1, time-stamp 100
    "      30 0f 30 0d 06 08 2b 06 01 04 01 8f 65 01 04 01 78";

community_message hand_v1_trap_message() {
  trap_v1_pdu t;
  t.enterprise = {1, 3, 6, 1, 4, 1, 2021};
  t.agent_address = {10, 0, 0, 1};
  t.generic_trap = 6;
  t.specific_trap = 1;
  t.time_stamp = 100;
  t.varbinds = {{{1, 3, 6, 1, 4, 1, 2021, 1}, value::octets("x")}};
  return {version::v1, "public", t};
}

// SNMPv2c InformRequest, request-id 0x1234, sysUpTime.0 = 100, snmpTrapOID = 2021.0.1; the
// Response (RFC 3416 §4.2.7) is identical but for the PDU tag.
constexpr std::string_view hand_v2c_inform =
    "30 41 02 01 01 04 06 70 75 62 6c 69 63"
    "   a6 34"  // InformRequest-PDU [6], 52 octets
    "      02 02 12 34  02 01 00  02 01 00"
    "      30 28"
    "         30 0d 06 08 2b 06 01 02 01 01 03 00  43 01 64"
    "         30 17 06 0a 2b 06 01 06 03 01 01 04 01 00  06 09 2b 06 01 04 01 8f 65 00 01";
constexpr std::string_view hand_v2c_inform_response =
    "30 41 02 01 01 04 06 70 75 62 6c 69 63"
    "   a2 34"  // Response-PDU [2]
    "      02 02 12 34  02 01 00  02 01 00"
    "      30 28"
    "         30 0d 06 08 2b 06 01 02 01 01 03 00  43 01 64"
    "         30 17 06 0a 2b 06 01 06 03 01 01 04 01 00  06 09 2b 06 01 04 01 8f 65 00 01";

community_message hand_inform_message(pdu_type type) {
  pdu p;
  p.type = type;
  p.request_id = 0x1234;
  p.varbinds = {{sys_up_time_0, value::timeticks(100)},
                {snmp_trap_oid_0, value::object_id({1, 3, 6, 1, 4, 1, 2021, 0, 1})}};
  return {version::v2c, "public", p};
}

void expect_byte_exact(std::string_view h, const community_message& m) {
  const auto bytes = hex(h);
  EXPECT_EQ(to_hex(encode(m)), to_hex(bytes));
  auto decoded = decode_community(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, m);
}

TEST(Codec, HandAssembledV2cTrap) { expect_byte_exact(hand_v2c_trap, hand_v2c_trap_message()); }

TEST(Codec, HandAssembledV1Trap) { expect_byte_exact(hand_v1_trap, hand_v1_trap_message()); }

TEST(Codec, HandAssembledV2cInformAndResponse) {
  expect_byte_exact(hand_v2c_inform, hand_inform_message(pdu_type::inform_request));
  expect_byte_exact(hand_v2c_inform_response, hand_inform_message(pdu_type::response));
}

const pdu& pdu_of(const community_message& m) { return std::get<pdu>(m.body); }

/// Decode a vector file, check it re-encodes to the same bytes, and return the message.
community_message decode_vector(const std::string& name) {
  EXPECT_NE(test::vector_header(name).find("# source: "), std::string::npos) << name;
  const auto bytes = vector_file(name);
  auto m = decode_community(bytes);
  EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().message());
  if (!m) return {};
  EXPECT_EQ(to_hex(encode(*m)), to_hex(bytes)) << name;
  return *m;
}

TEST(CodecVectors, NetSnmpV2cTrapLinkDown) {
  const auto m = decode_vector("netsnmp_v2c_trap_linkdown.hex");
  EXPECT_EQ(m.ver, version::v2c);
  EXPECT_EQ(m.community, "public");
  const auto& p = pdu_of(m);
  EXPECT_EQ(p.type, pdu_type::snmpv2_trap);
  EXPECT_EQ(p.request_id, 0x0bce35c6);
  const std::vector<varbind> expected{
      {sys_up_time_0, value::timeticks(12345)},
      {snmp_trap_oid_0, value::object_id({1, 3, 6, 1, 6, 3, 1, 1, 5, 3})},
      {{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2}, value::integer(2)},
      {{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 2}, value::integer(1)},
      {{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 2}, value::integer(2)}};
  EXPECT_EQ(p.varbinds, expected);
}

TEST(CodecVectors, NetSnmpV1EnterpriseTrap) {
  const auto m = decode_vector("netsnmp_v1_trap_enterprise.hex");
  EXPECT_EQ(m.ver, version::v1);
  EXPECT_EQ(m.community, "public");
  const auto& t = std::get<trap_v1_pdu>(m.body);
  EXPECT_EQ(t.enterprise, (ber::oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 1}));
  EXPECT_EQ(t.agent_address, (std::array<std::uint8_t, 4>{192, 0, 2, 7}));
  EXPECT_EQ(t.generic_trap, 6);
  EXPECT_EQ(t.specific_trap, 17);
  EXPECT_EQ(t.time_stamp, 12345U);
  const std::vector<varbind> expected{
      {{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1}, value::integer(42)},
      {{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 2}, value::octets("hello")}};
  EXPECT_EQ(t.varbinds, expected);
}

TEST(CodecVectors, NetSnmpV1GenericTrap) {
  const auto m = decode_vector("netsnmp_v1_trap_linkdown.hex");
  const auto& t = std::get<trap_v1_pdu>(m.body);
  EXPECT_EQ(t.enterprise, (ber::oid{1, 3, 6, 1, 4, 1, 8072, 3, 2, 10}));
  EXPECT_EQ(t.generic_trap, 2);
  EXPECT_EQ(t.specific_trap, 0);
  EXPECT_EQ(t.time_stamp, 500U);
  ASSERT_EQ(t.varbinds.size(), 1U);
  EXPECT_EQ(t.varbinds[0].val, value::integer(3));
}

TEST(CodecVectors, NetSnmpV2cInformAndOurResponse) {
  const auto req = decode_vector("netsnmp_v2c_inform.hex");
  const auto resp = decode_vector("netsnmp_v2c_inform_response.hex");
  const auto& p = pdu_of(req);
  EXPECT_EQ(p.type, pdu_type::inform_request);
  EXPECT_EQ(p.request_id, 0x2213afa1);
  ASSERT_EQ(p.varbinds.size(), 3U);
  EXPECT_EQ(p.varbinds[0].val, value::timeticks(777));
  EXPECT_EQ(p.varbinds[1].val, value::object_id({1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 1}));
  EXPECT_EQ(p.varbinds[2].val, value::integer(7));
  // RFC 3416 §4.2.7: the Response echoes request-id and varbinds; encode it from the request.
  community_message built = req;
  std::get<pdu>(built.body).type = pdu_type::response;
  EXPECT_EQ(built, resp);
  EXPECT_EQ(to_hex(encode(built)), to_hex(vector_file("netsnmp_v2c_inform_response.hex")));
}

TEST(CodecVectors, NetSnmpV2cTrapEveryValueType) {
  const auto m = decode_vector("netsnmp_v2c_trap_all_types.hex");
  EXPECT_EQ(m.community, "private");
  const auto& p = pdu_of(m);
  EXPECT_EQ(p.request_id, 0x02a607fa);
  const ber::oid base{1, 3, 6, 1, 4, 1, 2021, 1};
  const std::vector<varbind> expected{
      {sys_up_time_0, value::timeticks(4294967295U)},
      {snmp_trap_oid_0, value::object_id({1, 3, 6, 1, 4, 1, 2021, 251, 1})},
      {base.child({1}), value::gauge32(4294967295U)},
      {base.child({2}), value::counter32(4294967295U)},
      {base.child({3}), value::ip(std::string("\x0a\x01\x02\x03", 4))},
      {base.child({4}), value::object_id({1, 3, 6, 1, 4, 1, 4294967295U})},
      {base.child({5}), value::octets("\xde\xad\xbe\xef")},
      {base.child({6}), value::integer(-129)},
      {base.child({7}), value::timeticks(0)},
      {base.child({8}), value::null()},
      {base.child({9}), value::counter64(18446744073709551615ULL)}};
  EXPECT_EQ(p.varbinds, expected);
}

TEST(Codec, LongFormLengthsRoundTrip) {
  community_message m = hand_v2c_trap_message();
  std::get<pdu>(m.body).varbinds.push_back(
      {{1, 3, 6, 1, 4, 1, 2021, 9}, value::octets(std::string(1000, 'z'))});
  const auto bytes = encode(m);
  EXPECT_EQ(to_hex({bytes.begin(), bytes.begin() + 4}), "3082043e");
  auto back = decode_community(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, m);
}

}  // namespace
}  // namespace trapsink::snmp::message
