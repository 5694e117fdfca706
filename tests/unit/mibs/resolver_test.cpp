// OID -> name with index decoding (RFC 2578 §7.7), checked against what Net-SNMP 5.9.3's
// snmptranslate prints for the same OIDs with the real modules loaded.
#include "mibs/resolver/resolver.hpp"

#include <gtest/gtest.h>

#include "tests/unit/mibs/test_mib_set.hpp"

namespace trapsink::mibs {
namespace {

using arcs = std::vector<std::uint32_t>;

const resolver& r() {
  static const resolver instance(testing::sample_set());
  return instance;
}

std::string name(const arcs& oid, name_style s = name_style::module) { return r().name(oid, s); }

TEST(ResolverLookup, LongestMatchAndExactFind) {
  const arcs if_descr_7{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7};
  const auto m = r().lookup(if_descr_7);
  ASSERT_NE(m.n, nullptr);
  EXPECT_EQ(m.n->name, "ifDescr");
  EXPECT_EQ(m.matched, 10u);
  EXPECT_EQ(r().find(if_descr_7), nullptr);
  ASSERT_NE(r().find(arcs{1, 3, 6, 1, 2, 1, 2, 2, 1, 2}), nullptr);
  EXPECT_EQ(r().module_of(*m.n), "IF-MIB");
  // Between two siblings: the named parent, not the preceding sibling.
  const auto between = r().lookup(arcs{1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1});
  ASSERT_NE(between.n, nullptr);
  EXPECT_EQ(between.n->name, "ifEntry");
  EXPECT_EQ(r().lookup(arcs{5, 1}).n, nullptr);
  EXPECT_EQ(r().lookup(arcs{}).n, nullptr);
}

TEST(ResolverLookup, ByNameAndModule) {
  ASSERT_NE(r().find("IF-MIB", "ifDescr"), nullptr);
  ASSERT_NE(r().find("", "ifDescr"), nullptr);
  EXPECT_EQ(r().find("NO-SUCH-MIB", "ifDescr"), nullptr);
  EXPECT_EQ(r().find("", "noSuchName"), nullptr);
  // A known module that does not define the name: Net-SNMP finds it anyway.
  ASSERT_NE(r().find("TCP-MIB", "sysDescr"), nullptr);
  const node* row = r().row_of(*r().find("", "ifName"));
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->name, "ifXEntry");
  ASSERT_EQ(r().index_of(*row).size(), 1u);  // by AUGMENTS ifEntry
  EXPECT_EQ(r().index_of(*row)[0].name, "ifIndex");
}

TEST(ResolverName, ScalarsColumnsAndUnknownArcs) {
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7}), "IF-MIB::ifDescr.7");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 1, 1, 0}), "SNMPv2-MIB::sysDescr.0");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 1, 1}), "SNMPv2-MIB::sysDescr");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 1, 1, 5}), "SNMPv2-MIB::sysDescr.5");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 99999, 1}), "SNMPv2-SMI::mib-2.99999.1");
  EXPECT_EQ(name({1, 3, 6, 1, 4, 1, 88888, 3}), "SNMPv2-SMI::enterprises.88888.3");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1, 2}), "IF-MIB::ifOperStatus.1.2");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 1, 1, 5, 3}), "IF-MIB::linkDown");
  EXPECT_EQ(name({1, 3, 6, 1, 4, 1, 99999, 0, 17}), "TEST-MIB::testTrap");
  EXPECT_EQ(name({1}), "iso");  // a root: no module, as Net-SNMP writes it
  EXPECT_EQ(name({2, 999, 1}), "joint-iso-ccitt.999.1");
  EXPECT_EQ(name({1, 2, 3}), "iso.2.3");
  std::string out;
  EXPECT_FALSE(r().append_name(arcs{5, 1}, out));
  EXPECT_EQ(out, "5.1");
}

TEST(ResolverName, Styles) {
  const arcs oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7};
  EXPECT_EQ(name(oid, name_style::label), "ifDescr.7");
  EXPECT_EQ(name(oid, name_style::numeric), ".1.3.6.1.2.1.2.2.1.2.7");
  EXPECT_EQ(name(oid, name_style::full),
            ".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.7");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1}, name_style::label),
            "ipAdEntAddr.10.0.0.1");
}

TEST(ResolverIndex, Augments) {
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 7}), "IF-MIB::ifName.7");
  const node* if_name = r().find("", "ifName");
  const arcs suffix{7};
  const auto d = r().decode_index(*if_name, suffix);
  ASSERT_EQ(d.count, 1u);
  EXPECT_EQ(d.parts[0].object->name, "ifIndex");
  EXPECT_TRUE(d.rest.empty());
}

TEST(ResolverIndex, InetAddressPairs) {
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000}),
            "TCP-MIB::tcpConnectionState.ipv4.\"10.0.0.1\".22.ipv4.\"10.0.0.2\".5000");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 2,  16, 254, 128, 0, 0, 0, 0,
                  0, 0, 0, 0, 0, 0, 0, 0,  0, 1, 22, 1,  4,   10,  0, 0, 2, 5000}),
            "TCP-MIB::tcpConnectionState.ipv6.\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01\""
            ".22.ipv4.\"10.0.0.2\".5000");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 16, 3, 97, 98, 99, 22, 1, 4, 10, 0, 0, 2, 5000}),
            "TCP-MIB::tcpConnectionState.dns.\"abc\".22.ipv4.\"10.0.0.2\".5000");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6,  19, 1, 7,  3, 8, 254, 128,
                  0, 0, 0, 0, 0, 1, 22, 1,  4, 10, 0, 0, 2,   5000}),
            "TCP-MIB::tcpConnectionState.ipv4z.\"254.128.0.0%1\".22.ipv4.\"10.0.0.2\".5000");
  // The last port missing: what fits is decoded.
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2}),
            "TCP-MIB::tcpConnectionState.ipv4.\"10.0.0.1\".22.ipv4.\"10.0.0.2\"");

  const node* state = r().find("", "tcpConnectionState");
  const arcs suffix{2, 16, 254, 128, 0, 0,  0, 0, 0,  0, 0, 0, 0,
                    0, 0,  0,   0,   1, 22, 1, 4, 10, 0, 0, 2, 5000};
  const auto d = r().decode_index(*state, suffix);
  ASSERT_EQ(d.count, 6u);
  std::vector<std::pair<std::string, std::string>> got;
  for (std::size_t i = 0; i < d.count; ++i) {
    std::string v;
    r().append_index_value(d.parts[i], v);
    got.emplace_back(d.parts[i].object->name, v);
  }
  const std::vector<std::pair<std::string, std::string>> want{
      {"tcpConnectionLocalAddressType", "ipv6"}, {"tcpConnectionLocalAddress", "fe80::1"},
      {"tcpConnectionLocalPort", "22"},          {"tcpConnectionRemAddressType", "ipv4"},
      {"tcpConnectionRemAddress", "10.0.0.2"},   {"tcpConnectionRemPort", "5000"}};
  EXPECT_EQ(got, want);
}

TEST(ResolverIndex, StringsFixedImpliedAndOid) {
  // Variable-length: "..." (non-printable octets as '.'); fixed SIZE and IMPLIED: '...'.
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 5, 104, 101, 108, 108, 111}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.\"hello\"");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 3, 1, 2, 3}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.\"...\"");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3, 0, 27, 33, 170, 187, 204}),
            "BRIDGE-MIB::dot1dTpFdbStatus.'..!...'");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3, 97, 98, 99, 100, 101, 102}),
            "BRIDGE-MIB::dot1dTpFdbStatus.'abcdef'");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 2, 97, 98, 99}),
            "SNMP-TARGET-MIB::snmpTargetAddrTDomain.'abc'");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6, 3, 97, 98, 99, 4, 1, 3, 6, 1}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmViewTreeFamilyStatus.\"abc\".4.1.3.6.1");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1}), "IP-MIB::ipAdEntAddr.10.0.0.1");

  // The MAC address index as a value: rendered with MacAddress's DISPLAY-HINT.
  const node* status = r().find("", "dot1dTpFdbStatus");
  const arcs mac{0, 27, 33, 170, 187, 204};
  const auto d = r().decode_index(*status, mac);
  ASSERT_EQ(d.count, 1u);
  EXPECT_EQ(d.parts[0].encoding, index_encoding::fixed_string);
  std::string v;
  r().append_index_value(d.parts[0], v);
  EXPECT_EQ(v, "0:1b:21:aa:bb:cc");
}

TEST(ResolverIndex, SuffixThatDoesNotFitStaysNumeric) {
  // A string length larger than what follows; an arc above 255 in a string; a short address.
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 3, 97, 98}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.3.97.98");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 9, 97, 98}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.9.97.98");
  EXPECT_EQ(name({1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3, 3, 2, 97, 300}),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.2.97.300");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0}), "IP-MIB::ipAdEntAddr.10.0.0");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3, 1, 2}), "BRIDGE-MIB::dot1dTpFdbStatus.1.2");
  EXPECT_EQ(name({1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 4294967295u}),
            "TCP-MIB::tcpConnectionState.4294967295");
}

}  // namespace
}  // namespace trapsink::mibs
