// Query output: the table, JSON, JSON lines and CSV, byte for byte.
#include "store/format.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "pipeline/record/record.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::store {
namespace {

event event_of(const pipeline::record& r) {
  event e;
  e.seq = 1;
  e.id = r.id;
  e.time_us = 1'795'282'143'123'456;
  e.source_address = r.source.address;
  e.source_port = r.source.port;
  e.transport = r.source.transport;
  e.version = r.version;
  e.pdu = r.pdu;
  e.trap_oid = r.trap_oid;
  e.trap_name = r.trap_name;
  e.agent_address = r.agent_address;
  e.record = pipeline::to_json(r);
  return e;
}

std::string write(output_format f, const std::vector<event>& rows) {
  std::ostringstream out;
  event_writer w(out, f);
  w.begin(rows);
  w.rows(rows);
  w.end();
  return out.str();
}

TEST(Format, Names) {
  EXPECT_EQ(parse_format("table"), output_format::table);
  EXPECT_EQ(parse_format("json"), output_format::json);
  EXPECT_EQ(parse_format("jsonl"), output_format::jsonl);
  EXPECT_EQ(parse_format("csv"), output_format::csv);
  EXPECT_THROW(parse_format("yaml"), usage_error);
}

TEST(Format, JsonLinesAreTheRecordsAsTheJsonlSinkWritesThem) {
  const auto v1 = event_of(pipeline::samples::sample_v1());
  const auto v2c = event_of(pipeline::samples::sample_v2c());
  EXPECT_EQ(write(output_format::jsonl, {v2c, v1}),
            std::string(pipeline::samples::sample_v2c_json()) + "\n" +
                pipeline::samples::sample_v1_json() + "\n");
  EXPECT_EQ(write(output_format::jsonl, {}), "");
}

TEST(Format, JsonIsOneArray) {
  const auto v1 = event_of(pipeline::samples::sample_v1());
  const auto v2c = event_of(pipeline::samples::sample_v2c());
  EXPECT_EQ(write(output_format::json, {v2c, v1}),
            std::string("[\n") + pipeline::samples::sample_v2c_json() + ",\n" +
                pipeline::samples::sample_v1_json() + "\n]\n");
  EXPECT_EQ(write(output_format::json, {}), "[]\n");
}

TEST(Format, Table) {
  auto r = pipeline::samples::sample_v2c();
  auto named = r;
  named.trap_name = "IF-MIB::linkDown";
  named.varbinds.resize(1);
  const std::string out = write(output_format::table, {event_of(r), event_of(named)});
  EXPECT_EQ(out,
            "TIME (UTC)               SOURCE           VER  PDU     TRAP                 VARBINDS\n"
            "2026-11-21 17:29:03.123  192.0.2.10       2c   trap    1.3.6.1.6.3.1.1.5.3  "
            "1.3.6.1.2.1.2.2.1.1.2=2, 1.3.6.1.2.1.2.2.1.7.2=1, 1.3.6.1.2.1.2.2.1.8.2=2, "
            "... (+3)\n"
            "2026-11-21 17:29:03.123  192.0.2.10       2c   trap    IF-MIB::linkDown     "
            "1.3.6.1.2.1.2.2.1.1.2=2\n");
}

TEST(Format, VarbindSummary) {
  const auto v1 = pipeline::to_json(pipeline::samples::sample_v1());
  EXPECT_EQ(varbind_summary(v1),
            "1.3.6.1.4.1.8072.2.3.2.1=disk \"/var\" at 95%, 1.3.6.1.4.1.8072.2.3.2.2=192.0.2.1");
  EXPECT_EQ(varbind_summary(v1, 40), "1.3.6.1.4.1.8072.2.3.2.1=di..., ... (+1)");
  EXPECT_EQ(varbind_summary(v1, 60), "1.3.6.1.4.1.8072.2.3.2.1=disk \"/var\" at 95%, ... (+1)");
  auto r = pipeline::samples::sample_v2c();
  r.varbinds = {{snmp::ber::oid{1, 3, 6}, snmp::message::value::octets(std::string("\x01\x02", 2))},
                {snmp::ber::oid{1, 3, 7}, snmp::message::value::null()},
                {snmp::ber::oid{1, 3, 8}, snmp::message::value::octets("two\nlines")}};
  EXPECT_EQ(varbind_summary(pipeline::to_json(r)), "1.3.6=0x0102, 1.3.7=null, 1.3.8=two?lines");
  r.varbinds.clear();
  EXPECT_EQ(varbind_summary(pipeline::to_json(r)), "-");
}

TEST(Format, CsvQuotesWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("l1\nl2"), "\"l1\nl2\"");
  const auto out = write(output_format::csv, {event_of(pipeline::samples::sample_v1())});
  EXPECT_EQ(out,
            "id,time,source_address,source_port,transport,version,pdu,community,request_id,"
            "uptime,trap_oid,trap_name,agent_address,varbinds\n"
            "01KAKQ5Z7V0000000000000001,2026-11-21T17:29:03.123456Z,198.51.100.7,162,udp,1,trap,"
            "public,,4242,1.3.6.1.4.1.8072.2.3.0.17,,192.0.2.1,"
            "\"[{\"\"oid\"\":\"\"1.3.6.1.4.1.8072.2.3.2.1\"\",\"\"type\"\":\"\"OctetString\"\","
            "\"\"value\"\":\"\"disk \\\"\"/var\\\"\" at 95%\"\",\"\"encoding\"\":\"\"text\"\"},"
            "{\"\"oid\"\":\"\"1.3.6.1.4.1.8072.2.3.2.2\"\",\"\"type\"\":\"\"IpAddress\"\","
            "\"\"value\"\":\"\"192.0.2.1\"\"}]\"\n");
}

}  // namespace
}  // namespace trapsink::store
