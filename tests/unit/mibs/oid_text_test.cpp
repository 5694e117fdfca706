// Name -> OID for every form an operator types (Net-SNMP's syntax), and round trips.
#include <gtest/gtest.h>

#include "mibs/resolver/resolver.hpp"
#include "tests/unit/mibs/test_mib_set.hpp"

namespace trapsink::mibs {
namespace {

using arcs = std::vector<std::uint32_t>;

const resolver& r() {
  static const resolver instance(testing::sample_set());
  return instance;
}

arcs parse(std::string_view text) {
  std::string error;
  auto o = r().parse(text, &error);
  EXPECT_TRUE(o.has_value()) << text << ": " << error;
  return o.value_or(arcs{});
}

std::string error_of(std::string_view text) {
  std::string error;
  const auto o = r().parse(text, &error);
  EXPECT_FALSE(o.has_value()) << text;
  return error;
}

const arcs if_descr_7{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7};
const arcs tcp_state{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000};

TEST(ResolverParse, EveryFormOfAName) {
  EXPECT_EQ(parse("IF-MIB::ifDescr.7"), if_descr_7);
  EXPECT_EQ(parse("ifDescr.7"), if_descr_7);
  EXPECT_EQ(parse(".1.3.6.1.2.1.2.2.1.2.7"), if_descr_7);
  EXPECT_EQ(parse("1.3.6.1.2.1.2.2.1.2.7"), if_descr_7);
  EXPECT_EQ(parse("  ifDescr.7 \r"), if_descr_7);
  EXPECT_EQ(parse("ifDescr[7]"), if_descr_7);
  EXPECT_EQ(parse(".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.7"),
            if_descr_7);
  EXPECT_EQ(parse("iso.org.dod.internet.mgmt.mib-2.system.sysDescr"),
            (arcs{1, 3, 6, 1, 2, 1, 1, 1}));
  EXPECT_EQ(parse("iso.3.6.1.2.1.1.1.0"), (arcs{1, 3, 6, 1, 2, 1, 1, 1, 0}));
  EXPECT_EQ(parse("SNMPv2-MIB::sysDescr.0"), (arcs{1, 3, 6, 1, 2, 1, 1, 1, 0}));
  EXPECT_EQ(parse("IF-MIB::ifXTable.1.1.7"), (arcs{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 7}));
  EXPECT_EQ(parse("mib-2.99999.1"), (arcs{1, 3, 6, 1, 2, 1, 99999, 1}));
  EXPECT_EQ(parse("linkDown"), (arcs{1, 3, 6, 1, 6, 3, 1, 1, 5, 3}));
}

TEST(ResolverParse, IndexValues) {
  EXPECT_EQ(parse("TCP-MIB::tcpConnectionState.ipv4.\"10.0.0.1\".22.ipv4.\"10.0.0.2\".5000"),
            tcp_state);
  EXPECT_EQ(parse("tcpConnectionState[ipv4][\"10.0.0.1\"][22][ipv4][\"10.0.0.2\"][5000]"),
            tcp_state);
  EXPECT_EQ(parse("tcpConnectionState[ipv4][10.0.0.1][22][ipv4][10.0.0.2][5000]"), tcp_state);
  EXPECT_EQ(parse("tcpConnectionState.1.4.10.0.0.1.22.1.4.10.0.0.2.5000"), tcp_state);
  const arcs v6{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 2,  16, 254, 128, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0,  0, 1, 22, 1,  4,   10,  0, 0, 2, 5000};
  EXPECT_EQ(parse("tcpConnectionState.ipv6.\"fe80::1\".22.ipv4.\"10.0.0.2\".5000"), v6);
  EXPECT_EQ(parse("tcpConnectionState.ipv6.\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01\""
                  ".22.ipv4.\"10.0.0.2\".5000"),
            v6);
  EXPECT_EQ(parse("tcpConnectionState.dns.\"abc\".22"),
            (arcs{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 16, 3, 97, 98, 99, 22}));
  EXPECT_EQ(parse("tcpConnectionState.ipv4z.\"254.128.0.0%1\".22"),
            (arcs{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 3, 8, 254, 128, 0, 0, 0, 0, 0, 1, 22}));
  EXPECT_EQ(parse("vacmGroupName.3.\"hello\""),
            (arcs{1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 5, 104, 101, 108, 108, 111}));
  EXPECT_EQ(parse("snmpTargetAddrTDomain.'abc'"),
            (arcs{1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 2, 97, 98, 99}));  // IMPLIED: no length
  EXPECT_EQ(parse("dot1dTpFdbStatus.'abcdef'"),
            (arcs{1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3, 97, 98, 99, 100, 101, 102}));  // SIZE (6)
  EXPECT_EQ(parse("vacmViewTreeFamilyStatus.\"abc\".\"1.3.6.1\""),
            (arcs{1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6, 3, 97, 98, 99, 4, 1, 3, 6, 1}));
  EXPECT_EQ(parse("vacmViewTreeFamilyStatus.\"abc\".\"internet\""),
            (arcs{1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6, 3, 97, 98, 99, 4, 1, 3, 6, 1}));
  EXPECT_EQ(parse("ipAdEntAddr.10.0.0.1"), (arcs{1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1}));
  EXPECT_EQ(parse("ipAdEntAddr[\"10.0.0.1\"]"), (arcs{1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1}));
}

TEST(ResolverParse, Errors) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("NO-SUCH-MIB::sysDescr").find("unknown module"), std::string::npos);
  EXPECT_NE(error_of("noSuchThing.0").find("noSuchThing"), std::string::npos);
  EXPECT_NE(error_of("ifDescr.\"abc").find("unterminated"), std::string::npos);
  error_of("ifDescr..7");
  error_of("sysDescr.0.");
  error_of("ifDescr[7");
  error_of("ifDescr[]");
  error_of("IF-MIB::");
  error_of("::ifDescr");
  error_of("1.3.99999999999");
  error_of("sysDescr.\"x\"");
  error_of("iso.org.nothere");
  error_of("5.nothere");
  error_of("ifDescr 7");
  EXPECT_NE(error_of("tcpConnectionState.ipv9").find("ipv9"), std::string::npos);
  error_of("tcpConnectionState.ipv4.\"10.0.0.300\"");
  error_of("tcpConnectionState.ipv6.\"fe:80\"");
  error_of("dot1dTpFdbStatus.'abc'");
  error_of("ipAdEntAddr.\"x.y\"");
  error_of("ifDescr.7.\"x\"");
  std::string deep = "1";
  for (int i = 0; i < 128; ++i) deep += ".1";
  error_of(deep);
}

TEST(ResolverParse, RoundTripsThroughNames) {
  const std::vector<arcs> oids{
      if_descr_7,
      tcp_state,
      {1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 2,  16, 254, 128, 0, 0, 0, 0,
       0, 0, 0, 0, 0, 0, 0, 0,  0, 1, 22, 1,  4,   10,  0, 0, 2, 5000},
      {1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 3, 8, 254, 128, 0, 0, 0, 0, 0, 1, 22},
      {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 5, 104, 101, 108, 108, 111},
      {1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 2, 97, 98, 99},
      {1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3, 97, 98, 99, 100, 101, 102},
      {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6, 3, 97, 98, 99, 4, 1, 3, 6, 1},
      {1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1},
      {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 3, 97, 98},
      {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18, 10107},
      {1, 3, 6, 1, 2, 1, 99999, 1},
      {1, 2, 3},
  };
  for (const auto& oid : oids) {
    for (auto style :
         {name_style::module, name_style::label, name_style::full, name_style::numeric}) {
      const std::string text = r().name(oid, style);
      EXPECT_EQ(parse(text), oid) << text;
    }
  }
}

}  // namespace
}  // namespace trapsink::mibs
