// The index this build compiles from mibs/modules: the standard modules are in it and compiled,
// and a few nodes carry the OIDs, syntax and INDEX their RFCs give.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "mibs/index/index_file.hpp"

namespace trapsink::mibs {
namespace {

using oid_t = std::vector<std::uint32_t>;

class BundledIndex : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::unsetenv("TRAPSINK_MIB_INDEX");
    const auto path = bundled_index_path();
    ASSERT_TRUE(path.has_value()) << "the build did not produce mibs/mibs.idx";
    set_ = new mib_set(read_index(*path));
  }
  static void TearDownTestSuite() {
    delete set_;
    set_ = nullptr;
  }

  static const node& named(std::string_view module, std::string_view name) {
    for (const auto& n : set_->nodes)
      if (n.name == name && set_->modules[n.module].name == module) return n;
    ADD_FAILURE() << module << "::" << name << " not found";
    static const node none;
    return none;
  }
  static std::string ref_name(const node_ref& r) {
    return r.node == node_ref::npos
               ? "?" + r.name
               : set_->modules[set_->nodes[r.node].module].name + "::" + set_->nodes[r.node].name;
  }

  static mib_set* set_;
};
mib_set* BundledIndex::set_ = nullptr;

TEST_F(BundledIndex, TheStandardModulesCompiled) {
  for (const char* name : {"SNMPv2-SMI",
                           "SNMPv2-TC",
                           "SNMPv2-CONF",
                           "SNMPv2-MIB",
                           "RFC1155-SMI",
                           "RFC-1212",
                           "RFC-1215",
                           "RFC1213-MIB",
                           "IF-MIB",
                           "IP-MIB",
                           "TCP-MIB",
                           "UDP-MIB",
                           "INET-ADDRESS-MIB",
                           "IANAifType-MIB",
                           "HOST-RESOURCES-MIB",
                           "ENTITY-MIB",
                           "SNMP-FRAMEWORK-MIB",
                           "SNMP-USER-BASED-SM-MIB",
                           "SNMP-VIEW-BASED-ACM-MIB",
                           "SNMP-NOTIFICATION-MIB",
                           "SNMP-TARGET-MIB",
                           "NOTIFICATION-LOG-MIB",
                           "DISMAN-EVENT-MIB",
                           "BRIDGE-MIB",
                           "OSPF-MIB"}) {
    SCOPED_TRACE(name);
    const module_info* found = nullptr;
    for (const auto& m : set_->modules)
      if (m.name == name && (found == nullptr || m.outcome == module_outcome::compiled)) found = &m;
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->outcome, module_outcome::compiled);
  }
  for (const auto& m : set_->modules)
    EXPECT_EQ(m.outcome, module_outcome::compiled) << m.name << " " << m.file;
}

TEST_F(BundledIndex, Rfc2863IfTable) {
  const auto& descr = named("IF-MIB", "ifDescr");
  EXPECT_EQ(descr.oid, (oid_t{1, 3, 6, 1, 2, 1, 2, 2, 1, 2}));
  EXPECT_EQ(descr.kind, node_kind::column);
  EXPECT_EQ(descr.access, access::read_only);
  EXPECT_EQ(descr.syntax.base, base_type::octet_string);
  EXPECT_EQ(descr.syntax.tc_module, "SNMPv2-TC");
  EXPECT_EQ(descr.syntax.tc_name, "DisplayString");
  EXPECT_EQ(descr.syntax.display_hint, "255a");
  ASSERT_EQ(descr.syntax.ranges.size(), 1u);
  EXPECT_EQ(descr.syntax.ranges[0].max, 255);

  const auto& entry = named("IF-MIB", "ifEntry");
  EXPECT_EQ(entry.kind, node_kind::row);
  ASSERT_EQ(entry.index.size(), 1u);
  EXPECT_EQ(ref_name(entry.index[0]), "IF-MIB::ifIndex");

  const auto& index = named("IF-MIB", "ifIndex");
  EXPECT_EQ(index.syntax.tc_name, "InterfaceIndex");
  EXPECT_EQ(index.syntax.display_hint, "d");
  EXPECT_EQ(index.syntax.base, base_type::integer32);

  const auto& type = named("IF-MIB", "ifType");
  EXPECT_EQ(type.syntax.tc_module, "IANAifType-MIB");
  EXPECT_EQ(type.syntax.tc_name, "IANAifType");
  ASSERT_GT(type.syntax.enums.size(), 200u);
  EXPECT_EQ(type.syntax.enums[5].label, "ethernetCsmacd");
  EXPECT_EQ(type.syntax.enums[5].value, 6);

  const auto& phys = named("IF-MIB", "ifPhysAddress");
  EXPECT_EQ(phys.syntax.tc_name, "PhysAddress");
  EXPECT_EQ(phys.syntax.display_hint, "1x:");

  const auto& status = named("IF-MIB", "ifAdminStatus");
  ASSERT_EQ(status.syntax.enums.size(), 3u);
  EXPECT_EQ(status.syntax.enums[2].label, "testing");

  const auto& x = named("IF-MIB", "ifXEntry");
  ASSERT_TRUE(x.augments.has_value());
  EXPECT_EQ(ref_name(*x.augments), "IF-MIB::ifEntry");
  ASSERT_EQ(x.index.size(), 1u);
  EXPECT_EQ(ref_name(x.index[0]), "IF-MIB::ifIndex");
  EXPECT_EQ(named("IF-MIB", "ifHCInOctets").syntax.base, base_type::counter64);

  const auto& down = named("IF-MIB", "linkDown");
  EXPECT_EQ(down.oid, (oid_t{1, 3, 6, 1, 6, 3, 1, 1, 5, 3}));
  EXPECT_EQ(down.kind, node_kind::notification);
  ASSERT_EQ(down.objects.size(), 3u);
  EXPECT_EQ(ref_name(down.objects[2]), "IF-MIB::ifOperStatus");
}

TEST_F(BundledIndex, Rfc4022TcpConnectionEntryHasSixIndexItems) {
  const auto& e = named("TCP-MIB", "tcpConnectionEntry");
  ASSERT_EQ(e.index.size(), 6u);
  EXPECT_EQ(ref_name(e.index[0]), "TCP-MIB::tcpConnectionLocalAddressType");
  EXPECT_EQ(ref_name(e.index[5]), "TCP-MIB::tcpConnectionRemPort");
  const auto& a = named("TCP-MIB", "tcpConnectionLocalAddress");
  EXPECT_EQ(a.syntax.tc_module, "INET-ADDRESS-MIB");
  EXPECT_EQ(a.syntax.tc_name, "InetAddress");
  EXPECT_FALSE(e.implied);
}

TEST_F(BundledIndex, SmiRootsAndTimeTicks) {
  EXPECT_EQ(named("SNMPv2-SMI", "enterprises").oid, (oid_t{1, 3, 6, 1, 4, 1}));
  EXPECT_EQ(named("SNMPv2-SMI", "mib-2").oid, (oid_t{1, 3, 6, 1, 2, 1}));
  const auto& up = named("SNMPv2-MIB", "sysUpTime");
  EXPECT_EQ(up.oid, (oid_t{1, 3, 6, 1, 2, 1, 1, 3}));
  EXPECT_EQ(up.syntax.base, base_type::time_ticks);
  EXPECT_EQ(up.kind, node_kind::scalar);
  const auto& cold = named("SNMPv2-MIB", "coldStart");
  EXPECT_EQ(cold.oid, (oid_t{1, 3, 6, 1, 6, 3, 1, 1, 5, 1}));
  // DateAndTime (RFC 2579) keeps its hint through HOST-RESOURCES-MIB's hrSystemDate.
  const auto& date = named("HOST-RESOURCES-MIB", "hrSystemDate");
  EXPECT_EQ(date.syntax.tc_name, "DateAndTime");
  EXPECT_EQ(date.syntax.display_hint, "2d-1d-1d,1d:1d:1d.1d,1a1d:1d");
}

}  // namespace
}  // namespace trapsink::mibs
