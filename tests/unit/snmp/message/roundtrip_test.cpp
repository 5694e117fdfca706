// decode(encode(m)) == m for every PDU type of each version and every value type
// (RFC 3416 §3 PDUs, RFC 2578 §7.1 types, RFC 3416 exceptions), plus the pieces on their own.
#include <gtest/gtest.h>

#include <limits>

#include "snmp/message/codec.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::message {
namespace {

using test::to_hex;

/// One varbind of every value type, with edge values.
std::vector<varbind> every_value_type() {
  const ber::oid b{1, 3, 6, 1, 4, 1, 2021, 13, 1};
  return {
      {b.child({1}), value::integer(std::numeric_limits<std::int32_t>::min())},
      {b.child({2}), value::integer(std::numeric_limits<std::int32_t>::max())},
      {b.child({3}), value::integer(-129)},
      {b.child({4}), value::octets("")},
      {b.child({5}), value::octets(std::string("\x00\xff\x80 binary", 10))},
      {b.child({6}), value::null()},
      {b.child({7}), value::object_id({1, 3, 6, 1, 4, 1, 4294967295U, 0})},
      {b.child({8}), value::object_id({0, 0})},
      {b.child({9}), value::ip(std::string("\xc0\x00\x02\xff", 4))},
      {b.child({10}), value::counter32(4294967295U)},
      {b.child({11}), value::gauge32(0)},
      {b.child({12}), value::timeticks(2147483648U)},
      {b.child({13}), value::opaque(std::string("\x9f\x78\x04\x3f\x80\x00\x00", 7))},
      {b.child({14}), value::counter64(std::numeric_limits<std::uint64_t>::max())},
      {b.child({15}), value::counter64(0)},
      {b.child({16}), value::exception(ber::tag::no_such_object)},
      {b.child({17}), value::exception(ber::tag::no_such_instance)},
      {b.child({18}), value::exception(ber::tag::end_of_mib_view)},
  };
}

void expect_round_trip(const community_message& m) {
  const auto bytes = encode(m);
  auto back = decode_community(bytes);
  ASSERT_TRUE(back) << back.error().message() << " " << to_hex(bytes);
  EXPECT_EQ(*back, m);
  EXPECT_EQ(to_hex(encode(*back)), to_hex(bytes));  // the encoding is canonical
}

struct pdu_case {
  version ver;
  pdu_type type;
};

class PduRoundTrip : public ::testing::TestWithParam<pdu_case> {};

TEST_P(PduRoundTrip, EveryValueType) {
  pdu p;
  p.type = GetParam().type;
  p.request_id = -123456789;
  p.error_status = GetParam().type == pdu_type::get_bulk_request ? 2 : 5;  // non-repeaters
  p.error_index = GetParam().type == pdu_type::get_bulk_request ? 50 : 3;  // max-repetitions
  p.varbinds = every_value_type();
  expect_round_trip({GetParam().ver, "c0mmun1ty", p});
  p.varbinds.clear();  // an empty VarBindList is valid
  expect_round_trip({GetParam().ver, "", p});
}

INSTANTIATE_TEST_SUITE_P(AllPdus, PduRoundTrip,
                         ::testing::Values(pdu_case{version::v1, pdu_type::get_request},
                                           pdu_case{version::v1, pdu_type::get_next_request},
                                           pdu_case{version::v1, pdu_type::response},
                                           pdu_case{version::v1, pdu_type::set_request},
                                           pdu_case{version::v2c, pdu_type::get_request},
                                           pdu_case{version::v2c, pdu_type::get_next_request},
                                           pdu_case{version::v2c, pdu_type::response},
                                           pdu_case{version::v2c, pdu_type::set_request},
                                           pdu_case{version::v2c, pdu_type::get_bulk_request},
                                           pdu_case{version::v2c, pdu_type::inform_request},
                                           pdu_case{version::v2c, pdu_type::snmpv2_trap},
                                           pdu_case{version::v2c, pdu_type::report}),
                         [](const ::testing::TestParamInfo<pdu_case>& param_info) {
                           return std::string(param_info.param.ver == version::v1 ? "v1_"
                                                                                  : "v2c_") +
                                  std::to_string(static_cast<int>(param_info.param.type) - 0xa0);
                         });

TEST(RoundTrip, V1TrapEveryGenericValue) {
  for (std::int32_t generic = 0; generic <= 6; ++generic) {
    trap_v1_pdu t;
    t.enterprise = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
    t.agent_address = {255, 0, 128, 1};
    t.generic_trap = generic;
    t.specific_trap = generic == 6 ? std::numeric_limits<std::int32_t>::max() : 0;
    t.time_stamp = std::numeric_limits<std::uint32_t>::max();
    t.varbinds = every_value_type();
    expect_round_trip({version::v1, "public", t});
  }
}

TEST(RoundTrip, PiecesOnTheirOwn) {
  pdu p;
  p.type = pdu_type::report;
  p.request_id = 7;
  p.varbinds = every_value_type();
  ber::writer w;
  encode_pdu(w, p);
  const auto bytes = w.take();
  ber::reader r(bytes);
  auto back = decode_pdu(r);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
  EXPECT_TRUE(r.at_end());

  trap_v1_pdu t;
  t.enterprise = {1, 3, 6, 1, 4, 1, 2021};
  t.generic_trap = 3;
  ber::writer wt;
  encode_trap_v1(wt, t);
  const auto tb = wt.take();
  ber::reader rt(tb);
  auto tback = decode_trap_v1(rt);
  ASSERT_TRUE(tback);
  EXPECT_EQ(*tback, t);
  ber::reader rt2(tb);
  EXPECT_EQ(decode_pdu(rt2).error(), make_error_code(errc::pdu_not_allowed_in_version));

  const auto vbs = every_value_type();
  ber::writer wv;
  encode_varbinds(wv, vbs);
  const auto vb = wv.take();
  ber::reader rv(vb);
  std::vector<varbind> vback;
  ASSERT_TRUE(decode_varbinds(rv, vback));
  EXPECT_EQ(vback, vbs);

  for (const auto& one : vbs) {
    ber::writer wo;
    encode_value(wo, one.val);
    const auto ob = wo.take();
    ber::reader ro(ob);
    auto element = ro.read_tlv();
    ASSERT_TRUE(element);
    value got;
    ASSERT_TRUE(decode_value(*element, got));
    EXPECT_EQ(got, one.val) << one.name.to_string();
  }
}

TEST(RoundTrip, MismatchedVariantEncodesAsTheTypesZero) {
  // value::type wins over a variant alternative that does not match it.
  value odd{ber::tag::counter32, std::string("not a number")};
  ber::writer w;
  encode_value(w, odd);
  EXPECT_EQ(to_hex(w.take()), "410100");
}

}  // namespace
}  // namespace trapsink::snmp::message
