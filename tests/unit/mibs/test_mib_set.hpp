#pragma once
// A small compiled MIB set built in code, with the real OIDs and syntaxes of the objects it
// borrows (SNMPv2-SMI/MIB, IF-MIB, TCP-MIB, IP-MIB, BRIDGE-MIB, SNMP-VIEW-BASED-ACM-MIB,
// SNMP-TARGET-MIB, HOST-RESOURCES-MIB) plus a TEST-MIB for BITS, integer hints and a v1
// TRAP-TYPE. Nodes are added out of oid order on purpose: the resolver sorts them.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs::testing {

class set_builder {
 public:
  std::uint32_t module(const std::string& name) {
    for (std::uint32_t i = 0; i < s.modules.size(); ++i) {
      if (s.modules[i].name == name) return i;
    }
    module_info m;
    m.name = name;
    s.modules.push_back(m);
    return static_cast<std::uint32_t>(s.modules.size() - 1);
  }
  node& add(const std::string& mod, const std::string& name, std::vector<std::uint32_t> oid,
            node_kind kind = node_kind::oid, type_info t = {}, access a = access::none) {
    node n;
    n.oid = std::move(oid);
    n.name = name;
    n.module = module(mod);
    n.kind = kind;
    n.syntax = std::move(t);
    n.access = a;
    s.nodes.push_back(std::move(n));
    return s.nodes.back();
  }
  node_ref ref(const std::string& name) const {
    for (std::uint32_t i = 0; i < s.nodes.size(); ++i) {
      if (s.nodes[i].name == name) {
        return node_ref{i, s.modules[s.nodes[i].module].name, name};
      }
    }
    return node_ref{node_ref::npos, "", name};
  }
  node& get(const std::string& name) {
    for (auto& n : s.nodes) {
      if (n.name == name) return n;
    }
    throw std::runtime_error("no node " + name);
  }
  mib_set s;
};

inline type_info integer(std::vector<named_number> enums = {}, std::string hint = {},
                         std::string units = {}) {
  type_info t;
  t.base = base_type::integer32;
  t.enums = std::move(enums);
  t.display_hint = std::move(hint);
  t.units = std::move(units);
  return t;
}
inline type_info of(base_type b) {
  type_info t;
  t.base = b;
  return t;
}
inline type_info tc(base_type b, std::string module, std::string name, std::string hint,
                    std::vector<range> ranges = {}) {
  type_info t;
  t.base = b;
  t.tc_module = std::move(module);
  t.tc_name = std::move(name);
  t.display_hint = std::move(hint);
  t.ranges = std::move(ranges);
  return t;
}
inline type_info display_string() {
  return tc(base_type::octet_string, "SNMPv2-TC", "DisplayString", "255a", {{0, 255}});
}
inline type_info admin_string(std::vector<range> size) {
  return tc(base_type::octet_string, "SNMP-FRAMEWORK-MIB", "SnmpAdminString", "255t",
            std::move(size));
}

/// The set every resolver test uses.
inline mib_set sample_set() {
  set_builder b;
  const auto col = node_kind::column;
  const auto ro = access::read_only;
  const auto na = access::not_accessible;
  // Out of order on purpose: IF-MIB first.
  b.add("IF-MIB", "ifEntry", {1, 3, 6, 1, 2, 1, 2, 2, 1}, node_kind::row, of(base_type::sequence),
        na);
  b.add("IF-MIB", "ifTable", {1, 3, 6, 1, 2, 1, 2, 2}, node_kind::table, of(base_type::sequence_of),
        na);
  b.add("IF-MIB", "ifIndex", {1, 3, 6, 1, 2, 1, 2, 2, 1, 1}, col,
        tc(base_type::integer32, "IF-MIB", "InterfaceIndex", "d", {{1, 2147483647}}), ro);
  b.add("IF-MIB", "ifDescr", {1, 3, 6, 1, 2, 1, 2, 2, 1, 2}, col, display_string(), ro);
  b.add("IF-MIB", "ifPhysAddress", {1, 3, 6, 1, 2, 1, 2, 2, 1, 6}, col,
        tc(base_type::octet_string, "SNMPv2-TC", "PhysAddress", "1x:"), ro);
  b.add("IF-MIB", "ifAdminStatus", {1, 3, 6, 1, 2, 1, 2, 2, 1, 7}, col,
        integer({{"up", 1}, {"down", 2}, {"testing", 3}}), access::read_write);
  b.add("IF-MIB", "ifOperStatus", {1, 3, 6, 1, 2, 1, 2, 2, 1, 8}, col,
        integer({{"up", 1},
                 {"down", 2},
                 {"testing", 3},
                 {"unknown", 4},
                 {"dormant", 5},
                 {"notPresent", 6},
                 {"lowerLayerDown", 7}}),
        ro);
  b.add("IF-MIB", "interfaces", {1, 3, 6, 1, 2, 1, 2});
  b.add("SNMPv2-SMI", "iso", {1});
  b.add("SNMPv2-SMI", "org", {1, 3});
  b.add("SNMPv2-SMI", "dod", {1, 3, 6});
  b.add("SNMPv2-SMI", "internet", {1, 3, 6, 1});
  b.add("SNMPv2-SMI", "mgmt", {1, 3, 6, 1, 2});
  b.add("SNMPv2-SMI", "mib-2", {1, 3, 6, 1, 2, 1});
  b.add("SNMPv2-SMI", "private", {1, 3, 6, 1, 4});
  b.add("SNMPv2-SMI", "enterprises", {1, 3, 6, 1, 4, 1});
  b.add("SNMPv2-SMI", "snmpV2", {1, 3, 6, 1, 6});
  b.add("SNMPv2-SMI", "snmpModules", {1, 3, 6, 1, 6, 3});
  b.add("SNMPv2-MIB", "system", {1, 3, 6, 1, 2, 1, 1});
  b.add("SNMPv2-MIB", "sysDescr", {1, 3, 6, 1, 2, 1, 1, 1}, node_kind::scalar, display_string(),
        ro);
  b.add("SNMPv2-MIB", "sysObjectID", {1, 3, 6, 1, 2, 1, 1, 2}, node_kind::scalar,
        of(base_type::object_identifier), ro);
  b.add("SNMPv2-MIB", "sysUpTime", {1, 3, 6, 1, 2, 1, 1, 3}, node_kind::scalar,
        tc(base_type::time_ticks, "SNMPv2-TC", "TimeStamp", ""), ro);
  b.add("SNMPv2-MIB", "snmpMIB", {1, 3, 6, 1, 6, 3, 1}, node_kind::module_identity);
  b.add("SNMPv2-MIB", "snmpMIBObjects", {1, 3, 6, 1, 6, 3, 1, 1});
  b.add("SNMPv2-MIB", "snmpTrap", {1, 3, 6, 1, 6, 3, 1, 1, 4});
  b.add("SNMPv2-MIB", "snmpTrapOID", {1, 3, 6, 1, 6, 3, 1, 1, 4, 1}, node_kind::scalar,
        of(base_type::object_identifier), access::accessible_for_notify);
  b.add("SNMPv2-MIB", "snmpTraps", {1, 3, 6, 1, 6, 3, 1, 1, 5});
  b.add("SNMPv2-MIB", "coldStart", {1, 3, 6, 1, 6, 3, 1, 1, 5, 1}, node_kind::notification);
  b.add("IF-MIB", "linkDown", {1, 3, 6, 1, 6, 3, 1, 1, 5, 3}, node_kind::notification);
  b.add("IF-MIB", "ifMIB", {1, 3, 6, 1, 2, 1, 31}, node_kind::module_identity);
  b.add("IF-MIB", "ifMIBObjects", {1, 3, 6, 1, 2, 1, 31, 1});
  b.add("IF-MIB", "ifXTable", {1, 3, 6, 1, 2, 1, 31, 1, 1}, node_kind::table,
        of(base_type::sequence_of), na);
  b.add("IF-MIB", "ifXEntry", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1}, node_kind::row,
        of(base_type::sequence), na);
  b.add("IF-MIB", "ifName", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1}, col, display_string(), ro);
  b.add("IF-MIB", "ifHCInOctets", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6}, col, of(base_type::counter64),
        ro);
  b.add("IF-MIB", "ifAlias", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18}, col, display_string(),
        access::read_write);
  // TCP-MIB tcpConnectionTable (RFC 4022): two InetAddressType/InetAddress/port triples.
  const auto addr_type =
      integer({{"unknown", 0}, {"ipv4", 1}, {"ipv6", 2}, {"ipv4z", 3}, {"ipv6z", 4}, {"dns", 16}});
  auto addr_type_tc = addr_type;
  addr_type_tc.tc_module = "INET-ADDRESS-MIB";
  addr_type_tc.tc_name = "InetAddressType";
  const auto inet = tc(base_type::octet_string, "INET-ADDRESS-MIB", "InetAddress", "", {{0, 255}});
  auto port = tc(base_type::unsigned32, "INET-ADDRESS-MIB", "InetPortNumber", "", {{0, 65535}});
  b.add("TCP-MIB", "tcp", {1, 3, 6, 1, 2, 1, 6});
  b.add("TCP-MIB", "tcpConnectionTable", {1, 3, 6, 1, 2, 1, 6, 19}, node_kind::table,
        of(base_type::sequence_of), na);
  b.add("TCP-MIB", "tcpConnectionEntry", {1, 3, 6, 1, 2, 1, 6, 19, 1}, node_kind::row,
        of(base_type::sequence), na);
  b.add("TCP-MIB", "tcpConnectionLocalAddressType", {1, 3, 6, 1, 2, 1, 6, 19, 1, 1}, col,
        addr_type_tc, na);
  b.add("TCP-MIB", "tcpConnectionLocalAddress", {1, 3, 6, 1, 2, 1, 6, 19, 1, 2}, col, inet, na);
  b.add("TCP-MIB", "tcpConnectionLocalPort", {1, 3, 6, 1, 2, 1, 6, 19, 1, 3}, col, port, na);
  b.add("TCP-MIB", "tcpConnectionRemAddressType", {1, 3, 6, 1, 2, 1, 6, 19, 1, 4}, col,
        addr_type_tc, na);
  b.add("TCP-MIB", "tcpConnectionRemAddress", {1, 3, 6, 1, 2, 1, 6, 19, 1, 5}, col, inet, na);
  b.add("TCP-MIB", "tcpConnectionRemPort", {1, 3, 6, 1, 2, 1, 6, 19, 1, 6}, col, port, na);
  b.add("TCP-MIB", "tcpConnectionState", {1, 3, 6, 1, 2, 1, 6, 19, 1, 7}, col,
        integer({{"closed", 1},
                 {"listen", 2},
                 {"synSent", 3},
                 {"synReceived", 4},
                 {"established", 5},
                 {"finWait1", 6},
                 {"finWait2", 7},
                 {"closeWait", 8},
                 {"lastAck", 9},
                 {"closing", 10},
                 {"timeWait", 11},
                 {"deleteTCB", 12}}),
        access::read_write);
  // IP-MIB ipAddrTable: an IpAddress index.
  b.add("IP-MIB", "ipAddrTable", {1, 3, 6, 1, 2, 1, 4, 20}, node_kind::table,
        of(base_type::sequence_of), na);
  b.add("IP-MIB", "ipAddrEntry", {1, 3, 6, 1, 2, 1, 4, 20, 1}, node_kind::row,
        of(base_type::sequence), na);
  b.add("IP-MIB", "ipAdEntAddr", {1, 3, 6, 1, 2, 1, 4, 20, 1, 1}, col, of(base_type::ip_address),
        ro);
  b.add("IP-MIB", "ipAdEntIfIndex", {1, 3, 6, 1, 2, 1, 4, 20, 1, 2}, col, integer(), ro);
  // BRIDGE-MIB dot1dTpFdbTable: a fixed-length (SIZE (6)) string index.
  b.add("BRIDGE-MIB", "dot1dTpFdbTable", {1, 3, 6, 1, 2, 1, 17, 4, 3}, node_kind::table,
        of(base_type::sequence_of), na);
  b.add("BRIDGE-MIB", "dot1dTpFdbEntry", {1, 3, 6, 1, 2, 1, 17, 4, 3, 1}, node_kind::row,
        of(base_type::sequence), na);
  b.add("BRIDGE-MIB", "dot1dTpFdbAddress", {1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 1}, col,
        tc(base_type::octet_string, "SNMPv2-TC", "MacAddress", "1x:", {{6, 6}}), ro);
  b.add("BRIDGE-MIB", "dot1dTpFdbStatus", {1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3}, col,
        integer({{"other", 1}, {"invalid", 2}, {"learned", 3}, {"self", 4}, {"mgmt", 5}}), ro);
  // SNMP-VIEW-BASED-ACM-MIB: an integer + string index, and a string + OID index.
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmSecurityToGroupEntry", {1, 3, 6, 1, 6, 3, 16, 1, 2, 1},
        node_kind::row, of(base_type::sequence), na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmSecurityModel", {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 1}, col,
        tc(base_type::integer32, "SNMP-FRAMEWORK-MIB", "SnmpSecurityModel", "", {{0, 2147483647}}),
        na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmSecurityName", {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 2}, col,
        admin_string({{1, 32}}), na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmGroupName", {1, 3, 6, 1, 6, 3, 16, 1, 2, 1, 3}, col,
        admin_string({{1, 32}}), access::read_create);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmViewTreeFamilyEntry", {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1},
        node_kind::row, of(base_type::sequence), na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmViewTreeFamilyViewName",
        {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 1}, col, admin_string({{1, 32}}), na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmViewTreeFamilySubtree",
        {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 2}, col, of(base_type::object_identifier), na);
  b.add("SNMP-VIEW-BASED-ACM-MIB", "vacmViewTreeFamilyStatus",
        {1, 3, 6, 1, 6, 3, 16, 1, 5, 2, 1, 6}, col,
        integer({{"active", 1},
                 {"notInService", 2},
                 {"notReady", 3},
                 {"createAndGo", 4},
                 {"createAndWait", 5},
                 {"destroy", 6}}),
        access::read_create);
  // SNMP-TARGET-MIB: INDEX { IMPLIED snmpTargetAddrName }.
  b.add("SNMP-TARGET-MIB", "snmpTargetAddrEntry", {1, 3, 6, 1, 6, 3, 12, 1, 2, 1}, node_kind::row,
        of(base_type::sequence), na);
  b.add("SNMP-TARGET-MIB", "snmpTargetAddrName", {1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 1}, col,
        admin_string({{1, 32}}), na);
  b.add("SNMP-TARGET-MIB", "snmpTargetAddrTDomain", {1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 2}, col,
        of(base_type::object_identifier), access::read_create);
  // HOST-RESOURCES-MIB hrSystemDate: DateAndTime.
  b.add("HOST-RESOURCES-MIB", "hrSystemDate", {1, 3, 6, 1, 2, 1, 25, 1, 2}, node_kind::scalar,
        tc(base_type::octet_string, "SNMPv2-TC", "DateAndTime", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
           {{8, 8}, {11, 11}}),
        access::read_write);
  // TEST-MIB under enterprises.99999.
  b.add("TEST-MIB", "testMIB", {1, 3, 6, 1, 4, 1, 99999}, node_kind::module_identity);
  {
    type_info bits = of(base_type::bits);
    bits.enums = {{"a", 0}, {"b", 1}, {"c", 9}};
    b.add("TEST-MIB", "testBits", {1, 3, 6, 1, 4, 1, 99999, 1}, node_kind::scalar, bits, ro);
  }
  b.add("TEST-MIB", "testTemperature", {1, 3, 6, 1, 4, 1, 99999, 2}, node_kind::scalar,
        integer({}, "d-2", "degrees Celsius"), ro);
  b.add("TEST-MIB", "testBadHint", {1, 3, 6, 1, 4, 1, 99999, 3}, node_kind::scalar,
        tc(base_type::octet_string, "TEST-MIB", "BadHint", "1q"), ro);
  {
    node& t =
        b.add("TEST-MIB", "testTrap", {1, 3, 6, 1, 4, 1, 99999, 0, 17}, node_kind::notification);
    t.trap_type = true;
    t.enterprise = {1, 3, 6, 1, 4, 1, 99999};
    t.specific = 17;
  }

  // INDEX clauses, now that every node exists.
  b.get("ifEntry").index = {b.ref("ifIndex")};
  b.get("ifXEntry").augments = b.ref("ifEntry");  // index left empty: follow AUGMENTS
  b.get("tcpConnectionEntry").index = {
      b.ref("tcpConnectionLocalAddressType"), b.ref("tcpConnectionLocalAddress"),
      b.ref("tcpConnectionLocalPort"),        b.ref("tcpConnectionRemAddressType"),
      b.ref("tcpConnectionRemAddress"),       b.ref("tcpConnectionRemPort")};
  b.get("ipAddrEntry").index = {b.ref("ipAdEntAddr")};
  b.get("dot1dTpFdbEntry").index = {b.ref("dot1dTpFdbAddress")};
  b.get("vacmSecurityToGroupEntry").index = {b.ref("vacmSecurityModel"), b.ref("vacmSecurityName")};
  b.get("vacmViewTreeFamilyEntry").index = {b.ref("vacmViewTreeFamilyViewName"),
                                            b.ref("vacmViewTreeFamilySubtree")};
  b.get("snmpTargetAddrEntry").index = {b.ref("snmpTargetAddrName")};
  b.get("snmpTargetAddrEntry").implied = true;
  b.get("linkDown").objects = {b.ref("ifIndex"), b.ref("ifAdminStatus"), b.ref("ifOperStatus")};
  b.get("ifDescr").description = "A textual string containing information about the\ninterface.";
  return std::move(b.s);
}

}  // namespace trapsink::mibs::testing
