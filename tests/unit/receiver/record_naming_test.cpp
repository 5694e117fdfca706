// Records named by the MIB resolver: trap_name and the per-varbind name, label, display and
// index, checked byte for byte in the record's JSON (docs/record.md).
#include "receiver/record_naming.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "receiver/record_builder.hpp"
#include "snmp/message/well_known.hpp"
#include "tests/unit/mibs/test_mib_set.hpp"

namespace trapsink::receiver {
namespace {

namespace msg = snmp::message;
using snmp::ber::oid;

const mibs::resolver& names() {
  static const mibs::resolver r(mibs::testing::sample_set());
  return r;
}

/// The varbinds part of the record's JSON.
std::string varbinds_json(const pipeline::record& r) {
  const std::string j = pipeline::to_json(r);
  const auto at = j.find("\"varbinds\":");
  return j.substr(at, j.size() - at - 1);
}

pipeline::record v2c(std::vector<msg::varbind> rest, const oid& trap) {
  msg::pdu p;
  p.type = msg::pdu_type::snmpv2_trap;
  p.request_id = 7;
  p.varbinds = {{msg::well_known::sys_up_time_0, msg::value::timeticks(5)},
                {msg::well_known::snmp_trap_oid_0, msg::value::object_id(trap)}};
  for (auto& vb : rest) p.varbinds.push_back(std::move(vb));
  const peer_info peer{"192.0.2.10", 50123, "udp", boost::asio::ip::make_address("192.0.2.10")};
  build_error err{};
  auto r = build_record(msg::community_message{msg::version::v2c, "public", p}, peer,
                        std::chrono::system_clock::now(), err);
  EXPECT_EQ(err, build_error::none);
  return r;
}

TEST(RecordNaming, LinkDownCarriesNamesLabelsDisplayAndIndex) {
  auto r = v2c({{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7}, msg::value::integer(7)},
                {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 7}, msg::value::integer(1)},
                {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 7}, msg::value::integer(2)},
                {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7}, msg::value::octets("eth0")},
                {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 6, 7},
                 msg::value::octets(std::string("\x00\x1b\x21\xaa\xbb\xcc", 6))},
                {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 7}, msg::value::counter64(42)}},
               msg::well_known::link_down);
  name_record(names(), r);
  EXPECT_EQ(r.trap_name, "IF-MIB::linkDown");
  EXPECT_EQ(
      varbinds_json(r),
      R"j("varbinds":[)j"
      R"j({"oid":"1.3.6.1.2.1.2.2.1.1.7","type":"Integer32","value":7,"name":"IF-MIB::ifIndex.7","display":"7","index":[{"name":"ifIndex","value":"7"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.2.2.1.7.7","type":"Integer32","value":1,"name":"IF-MIB::ifAdminStatus.7","label":"up","display":"up(1)","index":[{"name":"ifIndex","value":"7"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.2.2.1.8.7","type":"Integer32","value":2,"name":"IF-MIB::ifOperStatus.7","label":"down","display":"down(2)","index":[{"name":"ifIndex","value":"7"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.2.2.1.2.7","type":"OctetString","value":"eth0","encoding":"text","name":"IF-MIB::ifDescr.7","display":"eth0","index":[{"name":"ifIndex","value":"7"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.2.2.1.6.7","type":"OctetString","value":"001b21aabbcc","encoding":"hex","name":"IF-MIB::ifPhysAddress.7","display":"0:1b:21:aa:bb:cc","index":[{"name":"ifIndex","value":"7"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.31.1.1.1.6.7","type":"Counter64","value":"42","name":"IF-MIB::ifHCInOctets.7","display":"42","index":[{"name":"ifIndex","value":"7"}]}])j");
}

TEST(RecordNaming, UnresolvedOidsStayNumericAndTheRecordIsKept) {
  auto r = v2c({{oid{5, 1}, msg::value::integer(1)},
                {oid{1, 3, 6, 1, 4, 1, 88888, 1}, msg::value::octets("x")}},
               oid{5, 9});
  name_record(names(), r);
  EXPECT_FALSE(r.trap_name.has_value());
  EXPECT_EQ(varbinds_json(r),
            R"j("varbinds":[{"oid":"5.1","type":"Integer32","value":1},)j"
            R"j({"oid":"1.3.6.1.4.1.88888.1","type":"OctetString","value":"x","encoding":"text",)j"
            R"j("name":"SNMPv2-SMI::enterprises.88888.1","display":"x"}])j");
}

TEST(RecordNaming, TcpConnectionIndexAndOidValues) {
  auto r =
      v2c({{oid{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000},
            msg::value::integer(5)},
           {oid{1, 3, 6, 1, 2, 1, 1, 2, 0}, msg::value::object_id(msg::well_known::cold_start)}},
          oid{1, 3, 6, 1, 4, 1, 99999, 0, 17});
  name_record(names(), r);
  EXPECT_EQ(r.trap_name, "TEST-MIB::testTrap");
  EXPECT_EQ(
      varbinds_json(r),
      R"j("varbinds":[{"oid":"1.3.6.1.2.1.6.19.1.7.1.4.10.0.0.1.22.1.4.10.0.0.2.5000","type":"Integer32","value":5,)j"
      R"j("name":"TCP-MIB::tcpConnectionState.ipv4.\"10.0.0.1\".22.ipv4.\"10.0.0.2\".5000","label":"established","display":"established(5)",)j"
      R"j("index":[{"name":"tcpConnectionLocalAddressType","value":"ipv4"},{"name":"tcpConnectionLocalAddress","value":"10.0.0.1"},)j"
      R"j({"name":"tcpConnectionLocalPort","value":"22"},{"name":"tcpConnectionRemAddressType","value":"ipv4"},)j"
      R"j({"name":"tcpConnectionRemAddress","value":"10.0.0.2"},{"name":"tcpConnectionRemPort","value":"5000"}]},)j"
      R"j({"oid":"1.3.6.1.2.1.1.2.0","type":"ObjectIdentifier","value":"1.3.6.1.6.3.1.1.5.1","name":"SNMPv2-MIB::sysObjectID.0","display":"SNMPv2-MIB::coldStart"}])j");
}

TEST(RecordNaming, V1TrapsAreNamedByEnterpriseAndSpecificOrGeneric) {
  const peer_info peer{"192.0.2.1", 162, "udp", boost::asio::ip::make_address("192.0.2.1")};
  msg::trap_v1_pdu t;
  t.enterprise = oid{1, 3, 6, 1, 4, 1, 99999};
  t.agent_address = {192, 0, 2, 1};
  t.generic_trap = 6;
  t.specific_trap = 17;
  build_error err{};
  auto r = build_record(msg::community_message{msg::version::v1, "public", t}, peer,
                        std::chrono::system_clock::now(), err);
  name_record(names(), r);
  EXPECT_EQ(r.trap_name, "TEST-MIB::testTrap");

  t.generic_trap = 0;
  t.specific_trap = 0;
  r = build_record(msg::community_message{msg::version::v1, "public", t}, peer,
                   std::chrono::system_clock::now(), err);
  name_record(names(), r);
  EXPECT_EQ(r.trap_name, "SNMPv2-MIB::coldStart");
}

TEST(RecordNaming, NonUtf8MibTextIsMadeSafeForJson) {
  auto set = mibs::testing::sample_set();
  for (auto& n : set.nodes) {
    if (n.name == "testTemperature")
      n.syntax.units =
          "\xb0"
          "C";  // Latin-1 degree sign
  }
  const mibs::resolver latin1(std::move(set));
  auto r = v2c({{oid{1, 3, 6, 1, 4, 1, 99999, 2, 0}, msg::value::integer(2150)}},
               oid{1, 3, 6, 1, 4, 1, 99999, 0, 17});
  name_record(latin1, r);
  EXPECT_NE(varbinds_json(r).find(R"j("display":"21.50 ?C")j"), std::string::npos)
      << varbinds_json(r);
}

/// Records whose varbinds cover the memo's cases: column instances with one and several index
/// components, a scalar, OIDs named only by a prefix, OIDs not named at all, and one longer
/// than the memo keeps (33 arcs).
std::vector<std::vector<msg::varbind>> memo_cases() {
  std::vector<std::uint32_t> long_oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
  while (long_oid.size() < 33) long_oid.push_back(static_cast<std::uint32_t>(long_oid.size()));
  return {
      {{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7}, msg::value::integer(7)},
       {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 7}, msg::value::integer(2)},
       {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7}, msg::value::octets("eth0")}},
      {{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 8}, msg::value::integer(1)},
       {oid{1, 3, 6, 1, 2, 1, 6, 19, 1, 7, 1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000},
        msg::value::integer(5)},
       {oid{1, 3, 6, 1, 2, 1, 1, 2, 0}, msg::value::object_id(msg::well_known::cold_start)}},
      {{oid{5, 1}, msg::value::integer(1)},
       {oid{1, 3, 6, 1, 4, 1, 88888, 1}, msg::value::octets("x")},
       {oid(std::move(long_oid)), msg::value::octets("long")},
       {oid{1, 3, 6, 1, 4, 1, 99999, 2, 0}, msg::value::integer(2150)}},
  };
}

TEST(RecordNaming, TheReceivePathsMemoNamesAsTheResolverDoes) {
  const auto shared = std::make_shared<const mibs::resolver>(mibs::testing::sample_set());
  // Several rounds: the first fills the memo, the later ones are answered from it; values
  // change between rounds (labels and display are rendered every time).
  for (int round = 0; round < 3; ++round) {
    for (auto vbs : memo_cases()) {
      for (auto& vb : vbs) {
        if (vb.val.type == snmp::ber::tag::integer && round > 0)
          vb.val = msg::value::integer(round);
      }
      auto direct = v2c(vbs, msg::well_known::link_down);
      auto memoised = direct;
      name_record(names(), direct);
      name_record(shared, memoised);
      ASSERT_TRUE(direct.names.has_value());
      EXPECT_NE(varbinds_json(direct).find("\"name\":"), std::string::npos);
      EXPECT_EQ(pipeline::to_json(memoised), pipeline::to_json(direct)) << "round " << round;
    }
  }
}

TEST(RecordNaming, TheMemoFollowsAReloadedResolver) {
  const std::vector<msg::varbind> vbs{
      {oid{1, 3, 6, 1, 4, 1, 99999, 2, 0}, msg::value::integer(2150)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 7}, msg::value::integer(2)}};
  auto first = std::make_shared<const mibs::resolver>(mibs::testing::sample_set());
  auto r = v2c(vbs, msg::well_known::link_down);
  name_record(first, r);
  EXPECT_NE(varbinds_json(r).find(R"j("name":"TEST-MIB::testTemperature.0")j"), std::string::npos)
      << varbinds_json(r);

  // The reloaded index names the same OID differently: the memo must not answer from the old.
  auto set = mibs::testing::sample_set();
  for (auto& n : set.nodes) {
    if (n.name == "testTemperature") n.name = "testHeat";
  }
  first.reset();
  const auto second = std::make_shared<const mibs::resolver>(std::move(set));
  r = v2c(vbs, msg::well_known::link_down);
  name_record(second, r);
  EXPECT_NE(varbinds_json(r).find(R"j("name":"TEST-MIB::testHeat.0")j"), std::string::npos)
      << varbinds_json(r);
  EXPECT_NE(varbinds_json(r).find(R"j("name":"IF-MIB::ifOperStatus.7","label":"down")j"),
            std::string::npos)
      << varbinds_json(r);
}

}  // namespace
}  // namespace trapsink::receiver
