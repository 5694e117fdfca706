// RFC 3584 §3.1: Trap-PDU -> SNMPv2 notification varbinds, with exact OIDs and order.
#include "snmp/message/v1_mapping.hpp"

#include <gtest/gtest.h>

#include "snmp/message/codec.hpp"
#include "snmp/message/well_known.hpp"
#include "tests/unit/snmp/test_bytes.hpp"

namespace trapsink::snmp::message {
namespace {

trap_v1_pdu sample_trap(std::int32_t generic, std::int32_t specific) {
  trap_v1_pdu t;
  t.enterprise = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
  t.agent_address = {192, 0, 2, 7};
  t.generic_trap = generic;
  t.specific_trap = specific;
  t.time_stamp = 4242;
  t.varbinds = {{{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, value::integer(3)}};
  return t;
}

TEST(V1Mapping, WellKnownOids) {
  EXPECT_EQ(well_known::sys_up_time_0.to_string(), "1.3.6.1.2.1.1.3.0");
  EXPECT_EQ(well_known::snmp_trap_oid_0.to_string(), "1.3.6.1.6.3.1.1.4.1.0");
  EXPECT_EQ(well_known::snmp_trap_enterprise_0.to_string(), "1.3.6.1.6.3.1.1.4.3.0");
  EXPECT_EQ(well_known::snmp_traps.to_string(), "1.3.6.1.6.3.1.1.5");
  EXPECT_EQ(well_known::snmp_trap_address_0.to_string(), "1.3.6.1.6.3.18.1.3.0");
  EXPECT_EQ(well_known::snmp_trap_community_0.to_string(), "1.3.6.1.6.3.18.1.4.0");
}

TEST(V1Mapping, GenericTrapTable) {
  // RFC 3584 §3.1 (1)(b) with the notifications of RFC 3418 §2.
  const char* expected[] = {
      "1.3.6.1.6.3.1.1.5.1",  // coldStart
      "1.3.6.1.6.3.1.1.5.2",  // warmStart
      "1.3.6.1.6.3.1.1.5.3",  // linkDown
      "1.3.6.1.6.3.1.1.5.4",  // linkUp
      "1.3.6.1.6.3.1.1.5.5",  // authenticationFailure
      "1.3.6.1.6.3.1.1.5.6",  // egpNeighborLoss
  };
  for (std::int32_t g = 0; g < 6; ++g) {
    EXPECT_EQ(v1_trap_oid(sample_trap(g, 99)).to_string(), expected[g]) << g;
  }
  EXPECT_EQ(v1_trap_oid(sample_trap(0, 0)), well_known::cold_start);
  EXPECT_EQ(v1_trap_oid(sample_trap(5, 0)), well_known::egp_neighbor_loss);
}

TEST(V1Mapping, EnterpriseSpecificIsEnterpriseZeroSpecific) {
  // RFC 3584 §3.1 (1)(a).
  EXPECT_EQ(v1_trap_oid(sample_trap(6, 17)).to_string(), "1.3.6.1.4.1.8072.3.2.10.0.17");
  EXPECT_EQ(v1_trap_oid(sample_trap(6, 0)).to_string(), "1.3.6.1.4.1.8072.3.2.10.0.0");
}

TEST(V1Mapping, FullVarbindListForAGenericTrap) {
  const auto vbs = v1_trap_to_v2_varbinds(sample_trap(2, 0), "public");
  const std::vector<varbind> expected{
      {{1, 3, 6, 1, 2, 1, 1, 3, 0}, value::timeticks(4242)},
      {{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}, value::object_id({1, 3, 6, 1, 6, 3, 1, 1, 5, 3})},
      {{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, value::integer(3)},
      {{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, value::ip(std::string("\xc0\x00\x02\x07", 4))},
      {{1, 3, 6, 1, 6, 3, 18, 1, 4, 0}, value::octets("public")},
      {{1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0}, value::object_id({1, 3, 6, 1, 4, 1, 8072, 3, 2, 10})},
  };
  EXPECT_EQ(vbs, expected);
}

TEST(V1Mapping, FullVarbindListForAnEnterpriseSpecificTrap) {
  auto t = sample_trap(6, 17);
  t.varbinds.push_back({{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1}, value::octets("second")});
  const auto vbs = v1_trap_to_v2_varbinds(t, "s3cret");
  ASSERT_EQ(vbs.size(), 7U);
  EXPECT_EQ(vbs[0], (varbind{well_known::sys_up_time_0, value::timeticks(4242)}));
  EXPECT_EQ(vbs[1], (varbind{well_known::snmp_trap_oid_0,
                             value::object_id({1, 3, 6, 1, 4, 1, 8072, 3, 2, 10, 0, 17})}));
  EXPECT_EQ(vbs[2], t.varbinds[0]);
  EXPECT_EQ(vbs[3], t.varbinds[1]);
  EXPECT_EQ(vbs[4].name, well_known::snmp_trap_address_0);
  EXPECT_EQ(vbs[5], (varbind{well_known::snmp_trap_community_0, value::octets("s3cret")}));
  EXPECT_EQ(vbs[6], (varbind{well_known::snmp_trap_enterprise_0, value::object_id(t.enterprise)}));
}

TEST(V1Mapping, ExistingTrapAddressIsNotDuplicated) {
  // RFC 3584 §3.1 (2): appended only if not already present in the SNMPv1 varbinds.
  auto t = sample_trap(6, 1);
  t.varbinds.push_back(
      {well_known::snmp_trap_address_0, value::ip(std::string("\x0a\x00\x00\x09", 4))});
  const auto vbs = v1_trap_to_v2_varbinds(t, "public");
  ASSERT_EQ(vbs.size(), 6U);
  EXPECT_EQ(vbs[3].val, value::ip(std::string("\x0a\x00\x00\x09", 4)));
  EXPECT_EQ(vbs[4].name, well_known::snmp_trap_community_0);
  EXPECT_EQ(vbs[5].name, well_known::snmp_trap_enterprise_0);
}

TEST(V1Mapping, NetSnmpCapturedTrap) {
  const auto m = decode_community(test::vector_file("netsnmp_v1_trap_enterprise.hex"));
  ASSERT_TRUE(m);
  const auto vbs = v1_trap_to_v2_varbinds(std::get<trap_v1_pdu>(m->body), m->community);
  ASSERT_EQ(vbs.size(), 7U);
  EXPECT_EQ(vbs[1].val, value::object_id({1, 3, 6, 1, 4, 1, 8072, 2, 3, 1, 0, 17}));
  EXPECT_EQ(vbs[5].val, value::octets("public"));
}

TEST(V1Mapping, TrapIdentityFromSnmpTrapOid) {
  // RFC 3584 §3.2 step (1): the generic notifications.
  trap_v1_pdu t;
  set_v1_trap_identity(well_known::link_down, t);
  EXPECT_EQ(t.enterprise, well_known::snmp_traps);
  EXPECT_EQ(t.generic_trap, 2);
  EXPECT_EQ(t.specific_trap, 0);
  // Step (2): enterprise.0.specific loses both arcs ...
  set_v1_trap_identity(ber::oid{1, 3, 6, 1, 2, 1, 10, 5, 0, 2}, t);
  EXPECT_EQ(t.enterprise, (ber::oid{1, 3, 6, 1, 2, 1, 10, 5}));
  EXPECT_EQ(t.generic_trap, 6);
  EXPECT_EQ(t.specific_trap, 2);
  // ... an SMIv2 notification without the 0 only the last one.
  set_v1_trap_identity(ber::oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 1}, t);
  EXPECT_EQ(t.enterprise, (ber::oid{1, 3, 6, 1, 4, 1, 8072, 2, 3}));
  EXPECT_EQ(t.generic_trap, 6);
  EXPECT_EQ(t.specific_trap, 1);
  // Round trip with §3.1 for every generic trap and an enterprise-specific one.
  for (std::int32_t g = 0; g < 6; ++g) {
    set_v1_trap_identity(v1_trap_oid(sample_trap(g, 0)), t);
    EXPECT_EQ(t.generic_trap, g);
  }
  const auto specific = sample_trap(6, 17);
  set_v1_trap_identity(v1_trap_oid(specific), t);
  EXPECT_EQ(t.enterprise, specific.enterprise);
  EXPECT_EQ(t.specific_trap, 17);
}

}  // namespace
}  // namespace trapsink::snmp::message
