#pragma once
// Sample records shared by the pipeline tests: the v1 and v2c examples of docs/record.md.
#include <chrono>
#include <memory>
#include <string>

#include "pipeline/record/record.hpp"

namespace trapsink::pipeline::samples {

using snmp::ber::oid;
using snmp::message::value;
using snmp::message::varbind;

/// 2026-11-21T17:29:03.123456Z
inline std::chrono::system_clock::time_point sample_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 21} + hours{17} + minutes{29} + seconds{3} +
         microseconds{123456};
}

/// A v2c linkDown trap with six varbinds (the docs/record.md v2c example).
inline record sample_v2c() {
  record r;
  r.id = "01KAKQ5Z7V3N8R2B4C6D8E0F1G";
  r.time = sample_time();
  r.source = {"192.0.2.10", 50123, "udp"};
  r.version = "2c";
  r.pdu = "trap";
  r.community = "public";
  r.request_id = 12345;
  r.uptime = 123456;
  r.trap_oid = "1.3.6.1.6.3.1.1.5.3";
  r.agent_address = "192.0.2.10";
  r.varbinds = {
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2}, value::integer(2)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 2}, value::integer(1)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 2}, value::integer(2)},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2}, value::octets("eth0")},
      {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18, 2}, value::octets("Z\xc3\xbcrich uplink")},
      {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 2}, value::counter64(18446744073709551615ULL)},
  };
  return r;
}

/// The expected JSON of sample_v2c().
inline const char* sample_v2c_json() {
  return R"({"id":"01KAKQ5Z7V3N8R2B4C6D8E0F1G","time":"2026-11-21T17:29:03.123456Z",)"
         R"("source":{"address":"192.0.2.10","port":50123,"transport":"udp"},)"
         R"("version":"2c","pdu":"trap","community":"public","request_id":12345,)"
         R"("uptime":123456,"trap_oid":"1.3.6.1.6.3.1.1.5.3","agent_address":"192.0.2.10",)"
         R"("varbinds":[)"
         R"({"oid":"1.3.6.1.2.1.2.2.1.1.2","type":"Integer32","value":2},)"
         R"({"oid":"1.3.6.1.2.1.2.2.1.7.2","type":"Integer32","value":1},)"
         R"({"oid":"1.3.6.1.2.1.2.2.1.8.2","type":"Integer32","value":2},)"
         R"({"oid":"1.3.6.1.2.1.2.2.1.2.2","type":"OctetString","value":"eth0","encoding":"text"},)"
         R"({"oid":"1.3.6.1.2.1.31.1.1.1.18.2","type":"OctetString",)"
         "\"value\":\"Z\xc3\xbcrich uplink\",\"encoding\":\"text\"},"
         R"({"oid":"1.3.6.1.2.1.31.1.1.1.6.2","type":"Counter64",)"
         R"("value":"18446744073709551615"}]})";
}

/// An SNMPv1 enterpriseSpecific trap (the docs/record.md v1 example).
inline record sample_v1() {
  record r;
  r.id = "01KAKQ5Z7V0000000000000001";
  r.time = sample_time();
  r.source = {"198.51.100.7", 162, "udp"};
  r.version = "1";
  r.pdu = "trap";
  r.community = "public";
  r.uptime = 4242;
  r.trap_oid = "1.3.6.1.4.1.8072.2.3.0.17";
  r.agent_address = "192.0.2.1";
  r.v1 = record_v1{"1.3.6.1.4.1.8072.2.3", "192.0.2.1", 6, 17, 4242};
  r.varbinds = {
      {oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1}, value::octets("disk \"/var\" at 95%")},
      {oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 2}, value::ip(std::string("\xc0\x00\x02\x01", 4))},
  };
  return r;
}

/// The expected JSON of sample_v1().
inline const char* sample_v1_json() {
  return R"({"id":"01KAKQ5Z7V0000000000000001","time":"2026-11-21T17:29:03.123456Z",)"
         R"("source":{"address":"198.51.100.7","port":162,"transport":"udp"},)"
         R"("version":"1","pdu":"trap","community":"public",)"
         R"("uptime":4242,"trap_oid":"1.3.6.1.4.1.8072.2.3.0.17","agent_address":"192.0.2.1",)"
         R"("v1":{"enterprise":"1.3.6.1.4.1.8072.2.3","agent_address":"192.0.2.1",)"
         R"("generic_trap":6,"specific_trap":17,"timestamp":4242},)"
         R"("varbinds":[)"
         R"({"oid":"1.3.6.1.4.1.8072.2.3.2.1","type":"OctetString",)"
         R"("value":"disk \"/var\" at 95%","encoding":"text"},)"
         R"({"oid":"1.3.6.1.4.1.8072.2.3.2.2","type":"IpAddress","value":"192.0.2.1"}]})";
}

/// A shared record whose id is `id` (for queue and sink tests).
inline record_ptr numbered(int n) {
  auto r = std::make_shared<record>(sample_v2c());
  r->id = std::to_string(n);
  return r;
}

}  // namespace trapsink::pipeline::samples
