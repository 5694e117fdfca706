// The record's JSON encoding: the contract of docs/record.md, byte for byte.
#include "pipeline/record/record_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/record/record.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::string_literals;
using nlohmann::json;
using samples::oid;
using samples::value;
using snmp::ber::tag;

TEST(RecordJson, V2cExampleExactly) {
  EXPECT_EQ(to_json(samples::sample_v2c()), samples::sample_v2c_json());
}

TEST(RecordJson, V1ExampleExactly) {
  EXPECT_EQ(to_json(samples::sample_v1()), samples::sample_v1_json());
}

TEST(RecordJson, AppendJsonAppends) {
  std::string out = "prefix ";
  append_json(samples::sample_v1(), out);
  EXPECT_EQ(out, "prefix "s + samples::sample_v1_json());
}

TEST(RecordJson, KeyOrderIsTheContractOrder) {
  auto r = samples::sample_v1();
  r.request_id = 7;
  r.trap_name = "NET-SNMP-EXAMPLES-MIB::netSnmpExampleNotification";
  const auto j = json::parse(to_json(r), nullptr, true, false);
  // nlohmann sorts keys, so check the order in the text itself.
  const std::string text = to_json(r);
  const char* order[] = {"\"id\"",       "\"time\"",      "\"source\"",        "\"version\"",
                         "\"pdu\"",      "\"community\"", "\"request_id\"",    "\"uptime\"",
                         "\"trap_oid\"", "\"trap_name\"", "\"agent_address\"", "\"v1\"",
                         "\"varbinds\""};
  std::size_t pos = 0;
  for (const char* key : order) {
    const auto at = text.find(key, pos);
    ASSERT_NE(at, std::string::npos) << key;
    pos = at;
  }
  EXPECT_EQ(j["trap_name"], "NET-SNMP-EXAMPLES-MIB::netSnmpExampleNotification");
}

TEST(RecordJson, AbsentOptionalKeysAreOmitted) {
  record r = samples::sample_v2c();
  r.version = "3";
  r.community.reset();
  r.uptime.reset();
  r.varbinds.clear();
  const auto j = json::parse(to_json(r));
  EXPECT_FALSE(j.contains("community"));
  EXPECT_FALSE(j.contains("community_encoding"));
  EXPECT_FALSE(j.contains("uptime"));
  EXPECT_FALSE(j.contains("trap_name"));
  EXPECT_FALSE(j.contains("v1"));
  EXPECT_EQ(j["request_id"], 12345);
  EXPECT_EQ(j["varbinds"], json::array());
}

TEST(RecordJson, NegativeRequestId) {
  record r = samples::sample_v2c();
  r.request_id = std::numeric_limits<std::int32_t>::min();
  EXPECT_EQ(json::parse(to_json(r))["request_id"], -2147483648LL);
}

TEST(RecordJson, InformAndUdp6) {
  record r = samples::sample_v2c();
  r.pdu = "inform";
  r.source = {"2001:db8::1", 1162, "udp6"};
  r.agent_address = "2001:db8::1";
  const auto j = json::parse(to_json(r));
  EXPECT_EQ(j["pdu"], "inform");
  EXPECT_EQ(j["source"], (json{{"address", "2001:db8::1"}, {"port", 1162}, {"transport", "udp6"}}));
}

TEST(RecordJson, CommunityNotPrintableIsHex) {
  record r = samples::sample_v2c();
  r.community = "pub\0lic"s;
  std::string text = to_json(r);
  EXPECT_NE(text.find(R"("community":"707562006c6963","community_encoding":"hex","request_id")"),
            std::string::npos)
      << text;
  r.community =
      "s\xc3\xa9"
      "cret";
  const auto j = json::parse(to_json(r));
  EXPECT_EQ(j["community"],
            "s\xc3\xa9"
            "cret");
  EXPECT_FALSE(j.contains("community_encoding"));
}

TEST(RecordJson, StringsAreEscaped) {
  record r = samples::sample_v2c();
  r.trap_name = "A\"B\\C";
  r.community = "tab\there";
  const std::string text = to_json(r);
  EXPECT_NE(text.find(R"("trap_name":"A\"B\\C")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("community":"tab\u0009here")"), std::string::npos) << text;
  EXPECT_EQ(json::parse(text)["community"], "tab\there");
}

/// The JSON text of one varbind.
std::string vb_json(snmp::message::value v) {
  std::string out;
  append_varbind_json({oid{1, 3, 6, 1, 4, 1, 99999, 1}, std::move(v)}, out);
  return out;
}

/// The expected JSON of one varbind of OID 1.3.6.1.4.1.99999.1 with the given members.
std::string vb(const std::string& members) {
  return R"({"oid":"1.3.6.1.4.1.99999.1",)" + members + "}";
}

TEST(VarbindJson, Integer32) {
  EXPECT_EQ(vb_json(value::integer(0)), vb(R"("type":"Integer32","value":0)"));
  EXPECT_EQ(vb_json(value::integer(std::numeric_limits<std::int32_t>::min())),
            vb(R"("type":"Integer32","value":-2147483648)"));
  EXPECT_EQ(vb_json(value::integer(std::numeric_limits<std::int32_t>::max())),
            vb(R"("type":"Integer32","value":2147483647)"));
}

TEST(VarbindJson, Unsigned32Types) {
  EXPECT_EQ(vb_json(value::counter32(4294967295U)), vb(R"("type":"Counter32","value":4294967295)"));
  EXPECT_EQ(vb_json(value::gauge32(0)), vb(R"("type":"Gauge32","value":0)"));
  EXPECT_EQ(vb_json(value::timeticks(123456)), vb(R"("type":"TimeTicks","value":123456)"));
}

TEST(VarbindJson, Counter64IsADecimalString) {
  EXPECT_EQ(vb_json(value::counter64(std::numeric_limits<std::uint64_t>::max())),
            vb(R"("type":"Counter64","value":"18446744073709551615")"));
  EXPECT_EQ(vb_json(value::counter64(0)), vb(R"("type":"Counter64","value":"0")"));
}

TEST(VarbindJson, ObjectIdentifierAndIpAddress) {
  EXPECT_EQ(vb_json(value::object_id(oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 4})),
            vb(R"("type":"ObjectIdentifier","value":"1.3.6.1.6.3.1.1.5.4")"));
  EXPECT_EQ(vb_json(value::object_id(oid{0, 0})), vb(R"("type":"ObjectIdentifier","value":"0.0")"));
  EXPECT_EQ(vb_json(value::ip("\xff\x00\x00\x01"s)),
            vb(R"("type":"IpAddress","value":"255.0.0.1")"));
  // Never produced by the decoder; every octet is kept, flagged as hex.
  EXPECT_EQ(vb_json(value::ip("\x0a\x00\x00"s)),
            vb(R"("type":"IpAddress","value":"0a0000","encoding":"hex")"));
}

TEST(VarbindJson, NullAndExceptions) {
  EXPECT_EQ(vb_json(value::null()), vb(R"("type":"Null","value":null)"));
  EXPECT_EQ(vb_json(value::exception(tag::no_such_object)),
            vb(R"("type":"noSuchObject","value":null)"));
  EXPECT_EQ(vb_json(value::exception(tag::no_such_instance)),
            vb(R"("type":"noSuchInstance","value":null)"));
  EXPECT_EQ(vb_json(value::exception(tag::end_of_mib_view)),
            vb(R"("type":"endOfMibView","value":null)"));
}

TEST(VarbindJson, OpaqueIsAlwaysHex) {
  EXPECT_EQ(vb_json(value::opaque("abc")),
            vb(R"("type":"Opaque","value":"616263","encoding":"hex")"));
  EXPECT_EQ(vb_json(value::opaque("")), vb(R"("type":"Opaque","value":"","encoding":"hex")"));
}

TEST(VarbindJson, OctetStringTextOrHex) {
  const auto text = [](const std::string& v) {
    return vb(R"("type":"OctetString","value":")" + v + R"(","encoding":"text")");
  };
  const auto hex = [](const std::string& v) {
    return vb(R"("type":"OctetString","value":")" + v + R"(","encoding":"hex")");
  };
  EXPECT_EQ(vb_json(value::octets("")), text(""));
  EXPECT_EQ(vb_json(value::octets("Z\xc3\xbcrich")), text("Z\xc3\xbcrich"));
  EXPECT_EQ(vb_json(value::octets("line1\nline2")), text(R"(line1\u000aline2)"));
  EXPECT_EQ(vb_json(value::octets(R"(say "hi" \o/)")), text(R"(say \"hi\" \\o/)"));
  EXPECT_EQ(vb_json(value::octets("eth0\0"s)), hex("6574683000"));   // embedded NUL
  EXPECT_EQ(vb_json(value::octets("\x1b[1m")), hex("1b5b316d"));     // control char
  EXPECT_EQ(vb_json(value::octets("\x7f")), hex("7f"));              // DEL
  EXPECT_EQ(vb_json(value::octets("\xc3\x28")), hex("c328"));        // invalid UTF-8
  EXPECT_EQ(vb_json(value::octets("\xc0\xaf")), hex("c0af"));        // overlong
  EXPECT_EQ(vb_json(value::octets("\xed\xa0\x80")), hex("eda080"));  // surrogate
  EXPECT_EQ(vb_json(value::octets("\x00\x1b\x21\xaa\xbb\xcc"s)), hex("001b21aabbcc"));  // MAC
}

TEST(VarbindJson, MismatchedPayloadRendersNull) {
  snmp::message::value v;
  v.type = tag::counter32;
  v.data = std::string("oops");
  EXPECT_EQ(vb_json(v), vb(R"("type":"Counter32","value":null)"));
}

TEST(AgentAddress, V1AgentAddrWins) {
  record r = samples::sample_v1();
  r.agent_address.clear();
  EXPECT_EQ(derive_agent_address(r), "192.0.2.1");
}

TEST(AgentAddress, SnmpTrapAddressThenSource) {
  record r = samples::sample_v2c();
  r.agent_address.clear();
  EXPECT_EQ(derive_agent_address(r), "192.0.2.10");  // the source address
  r.varbinds.push_back({oid{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, value::ip("\x0a\x01\x02\x03"s)});
  EXPECT_EQ(derive_agent_address(r), "10.1.2.3");
  EXPECT_EQ(json::parse(to_json(r))["agent_address"], "10.1.2.3");  // encoder's safety net
}

/// Records that exercise every field and type (also written out for the schema check).
std::vector<record> every_shape() {
  std::vector<record> out{samples::sample_v1(), samples::sample_v2c()};
  record all = samples::sample_v2c();
  all.pdu = "inform";
  all.community = "\xff\xfe";
  all.trap_name = "IF-MIB::linkDown";
  all.varbinds = {
      {oid{1, 3, 6, 1, 2, 1, 1, 1, 0}, value::octets("text")},
      {oid{1, 3, 6, 1, 2, 1, 1, 1, 1}, value::octets("\x00\x01"s)},
      {oid{1, 3, 6, 1, 2, 1, 1, 2, 0}, value::object_id(oid{1, 3, 6, 1, 4, 1, 8072})},
      {oid{1, 3, 6, 1, 2, 1, 1, 3, 0}, value::timeticks(4294967295U)},
      {oid{1, 3, 6, 1, 2, 1, 1, 4, 0}, value::integer(-5)},
      {oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, value::counter32(1)},
      {oid{1, 3, 6, 1, 2, 1, 1, 6, 0}, value::gauge32(2)},
      {oid{1, 3, 6, 1, 2, 1, 1, 7, 0}, value::counter64(3)},
      {oid{1, 3, 6, 1, 2, 1, 1, 8, 0}, value::ip("\x7f\x00\x00\x01"s)},
      {oid{1, 3, 6, 1, 2, 1, 1, 9, 0}, value::opaque("\x9f\x78\x04")},
      {oid{1, 3, 6, 1, 2, 1, 1, 10, 0}, value::null()},
      {oid{1, 3, 6, 1, 2, 1, 1, 11, 0}, value::exception(tag::no_such_object)},
      {oid{1, 3, 6, 1, 2, 1, 1, 12, 0}, value::exception(tag::no_such_instance)},
      {oid{1, 3, 6, 1, 2, 1, 1, 13, 0}, value::exception(tag::end_of_mib_view)},
  };
  out.push_back(all);
  record v3 = samples::sample_v2c();
  v3.version = "3";
  v3.community.reset();
  v3.source = {"2001:db8::5", 40000, "udp6"};
  v3.agent_address = "2001:db8::5";
  v3.id = make_record_id(std::chrono::system_clock::now());
  out.push_back(v3);
  return out;
}

TEST(RecordJson, EveryShapeParsesAndWritesSamples) {
  const char* path = std::getenv("TRAPSINK_RECORD_SAMPLES");
  std::ofstream samples;
  if (path != nullptr && *path != '\0') samples.open(path, std::ios::trunc);
  for (const auto& r : every_shape()) {
    const std::string line = to_json(r);
    EXPECT_TRUE(json::accept(line)) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
    if (samples.is_open()) samples << line << '\n';
  }
}

TEST(RecordJson, AppendJsonReusesTheBufferAndGivesTheSameLine) {
  // Speed is measured by tests/bench/bench_receive_path (docs/performance.md), not here.
  const record r = samples::sample_v2c();
  std::string out;
  for (int i = 0; i < 3; ++i) {
    out.clear();
    append_json(r, out);
    EXPECT_EQ(out, samples::sample_v2c_json());
  }
}

}  // namespace
}  // namespace trapsink::pipeline
