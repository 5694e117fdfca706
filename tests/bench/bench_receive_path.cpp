// The receive path's CPU cost per message, without sockets: decode a typical v2c trap with six
// varbinds (after sysUpTime.0 and snmpTrapOID.0), build its record, encode it as a JSON line.
// Run: build/release/tests/bench/bench_receive_path
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "pipeline/record/record.hpp"
#include "receiver/record_builder.hpp"
#include "snmp/message/codec.hpp"
#include "snmp/message/well_known.hpp"
#include "tests/bench/typical_trap.hpp"

namespace {
namespace msg = trapsink::snmp::message;
using trapsink::snmp::ber::oid;

// A linkDown trap as a switch sends it: ifIndex, ifAdminStatus, ifOperStatus, ifDescr, ifAlias,
// and a Counter64 (ifHCInOctets).
std::vector<std::byte> typical_trap() {
  msg::pdu p;
  p.type = msg::pdu_type::snmpv2_trap;
  p.request_id = 1234567;
  p.varbinds = trapsink::bench::typical_linkdown_varbinds();
  return msg::encode(msg::community_message{msg::version::v2c, "public", p});
}

const trapsink::receiver::peer_info peer{"192.0.2.10", 50123, "udp",
                                         boost::asio::ip::make_address("192.0.2.10")};

void BM_decode(benchmark::State& state) {
  auto bytes = typical_trap();
  for (auto _ : state) {
    auto m = msg::decode_community(bytes);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_decode);

void BM_decode_record_json(benchmark::State& state) {
  auto bytes = typical_trap();
  std::string line;
  for (auto _ : state) {
    auto m = msg::decode_community(bytes);
    trapsink::receiver::build_error err{};
    auto rec = trapsink::receiver::build_record(std::move(*m), peer,
                                                std::chrono::system_clock::now(), err);
    line.clear();
    trapsink::pipeline::append_json(rec, line);
    benchmark::DoNotOptimize(line.data());
  }
  state.counters["msgs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_decode_record_json);

void BM_json_only(benchmark::State& state) {
  auto bytes = typical_trap();
  trapsink::receiver::build_error err{};
  auto rec = trapsink::receiver::build_record(*msg::decode_community(bytes), peer,
                                              std::chrono::system_clock::now(), err);
  std::string line;
  for (auto _ : state) {
    line.clear();
    trapsink::pipeline::append_json(rec, line);
    benchmark::DoNotOptimize(line.data());
  }
}
BENCHMARK(BM_json_only);

void BM_encode_inform_response(benchmark::State& state) {
  auto bytes = typical_trap();
  auto m = *msg::decode_community(bytes);
  auto& p = std::get<msg::pdu>(m.body);
  p.type = msg::pdu_type::response;
  for (auto _ : state) {
    auto out = msg::encode(m);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_encode_inform_response);

}  // namespace
