// The enrichment stage without an agent that answers: rule matching, the index taken from a
// record, name resolution errors, records that match no rule passing straight through, the
// max_pending bound ("overloaded"), shutdown delivering what still waits (marked), a durable
// inform's acknowledgement held until the enriched copy was dispatched, and the JSON form.
#include "pipeline/stages/enrich.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <mutex>
#include <stdexcept>

#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline {
namespace {

using namespace std::chrono_literals;
using snmp::ber::oid;
using snmp::message::value;

enrich_rule ifnames_rule() {
  enrich_rule r;
  r.name = "ifnames";
  r.traps = {"1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4"};
  r.index_from = oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1};
  r.get = {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1}, oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2}};
  return r;
}

TEST(EnrichRule, MatchesTrapOidAndAgentAddress) {
  auto rule = ifnames_rule();
  auto r = samples::sample_v2c();  // linkDown from 192.0.2.10
  EXPECT_TRUE(rule.matches(r));
  r.trap_oid = "1.3.6.1.6.3.1.1.5.4";
  EXPECT_TRUE(rule.matches(r));
  r.trap_oid = "1.3.6.1.6.3.1.1.5.3.1";  // not a prefix match
  EXPECT_FALSE(rule.matches(r));
  r.trap_oid = "1.3.6.1.6.3.1.1.5.3";
  rule.sources = {*core::cidr::parse("198.51.100.0/24")};
  EXPECT_FALSE(rule.matches(r));
  r.agent_address = "198.51.100.7";  // the agent address decides, not the UDP source
  EXPECT_TRUE(rule.matches(r));
  r.agent_address = "not an address";
  EXPECT_FALSE(rule.matches(r));
  rule.traps.clear();
  rule.sources.clear();
  EXPECT_TRUE(rule.matches(r));  // no condition: every record
}

TEST(EnrichIndex, InstanceSuffixThenValue) {
  const auto rule = ifnames_rule();
  auto r = samples::sample_v2c();  // IF-MIB::ifIndex.2 = 2
  EXPECT_EQ(enrich_index(rule, r), (std::vector<std::uint32_t>{2}));
  // The suffix wins over the value (a column whose value is not the index).
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7}, value::integer(99)};
  EXPECT_EQ(enrich_index(rule, r), (std::vector<std::uint32_t>{7}));
  // No instance: the value, when it is a non-negative integer.
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1}, value::integer(12)};
  EXPECT_EQ(enrich_index(rule, r), (std::vector<std::uint32_t>{12}));
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1}, value::gauge32(13)};
  EXPECT_EQ(enrich_index(rule, r), (std::vector<std::uint32_t>{13}));
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1}, value::integer(-1)};
  EXPECT_EQ(enrich_index(rule, r), std::nullopt);
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1}, value::octets("3")};
  EXPECT_EQ(enrich_index(rule, r), std::nullopt);
  // Multi-arc instances stay whole.
  r.varbinds[0] = {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 4, 10, 0, 0, 1}, value::integer(1)};
  EXPECT_EQ(enrich_index(rule, r), (std::vector<std::uint32_t>{4, 10, 0, 0, 1}));
  r.varbinds.clear();
  EXPECT_EQ(enrich_index(rule, r), std::nullopt);
  // No index_from: the OIDs are asked as written.
  auto scalars = rule;
  scalars.index_from.reset();
  EXPECT_EQ(enrich_index(scalars, r), std::vector<std::uint32_t>{});
}

TEST(CompileEnrichRules, ResolvesNamesAndNamesWhatDoesNot) {
  enrich_rule_config c;
  c.name = "ifnames";
  c.origin = "t.yaml:2:5";
  c.traps = {{"IF-MIB::linkDown", "t.yaml:3:20"}};
  c.index_from = enrich_text{"1.3.6.1.2.1.2.2.1.1", "t.yaml:4:17"};
  c.get = {{"IF-MIB::ifName", "t.yaml:5:11"}, {"1.3.6.1.2.1.2.2.1.2", "t.yaml:5:27"}};
  auto resolve = [](std::string_view text, std::string& why) -> std::optional<oid> {
    if (text == "IF-MIB::linkDown") return oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
    if (text == "IF-MIB::ifName") return oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1};
    if (auto o = oid::parse(text)) return o;
    why = "unknown object";
    return std::nullopt;
  };
  auto rules = compile_enrich_rules({c}, resolve);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].traps, std::vector<std::string>{"1.3.6.1.6.3.1.1.5.3"});
  EXPECT_EQ(rules[0].get[0].to_string(), "1.3.6.1.2.1.31.1.1.1.1");
  EXPECT_EQ(rules[0].index_from->to_string(), "1.3.6.1.2.1.2.2.1.1");

  c.get.push_back({"IF-MIB::ifNmae", "t.yaml:5:40"});
  try {
    compile_enrich_rules({c}, resolve);
    ADD_FAILURE() << "compiled";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.yaml:5:40: enrich rule 'ifnames': 'IF-MIB::ifNmae' does not resolve: unknown "
              "object (give a name the MIB index knows, e.g. IF-MIB::ifName, or a dotted OID)");
  }
  // Without a resolver only dotted OIDs work.
  EXPECT_THROW(compile_enrich_rules({c}, {}), std::invalid_argument);
  // Credentials are checked at once.
  c.get.pop_back();
  c.security.version = snmp::message::version::v3;
  c.security.user = "ops";
  c.security.level = snmp::usm::security_level::auth_no_priv;
  c.security.auth = snmp::usm::auth_protocol::sha1;
  c.security.auth_passphrase = "short";
  EXPECT_THROW(compile_enrich_rules({c}, resolve), std::invalid_argument);
}

/// What the stage delivered.
struct collector {
  std::mutex mu;
  std::vector<record_ptr> got;
  bool accept_result = true;
  enricher::deliver_fn fn() {
    return [this](record_ptr r) {
      std::lock_guard l(mu);
      got.push_back(std::move(r));
      return accept_result;
    };
  }
  std::size_t size() {
    std::lock_guard l(mu);
    return got.size();
  }
};

/// A UDP port on loopback that never answers.
struct silent_agent {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s{io, {boost::asio::ip::address_v4::loopback(), 0}};
  std::uint16_t port() const { return s.local_endpoint().port(); }
};

TEST(Enricher, NonMatchingRecordsPassStraightThrough) {
  core::metrics_registry m;
  collector out;
  enricher e({}, {ifnames_rule()}, out.fn(), {}, m);
  auto r = samples::sample_v2c();
  r.trap_oid = "1.3.6.1.6.3.1.1.5.1";  // coldStart
  auto p = std::make_shared<const record>(r);
  EXPECT_TRUE(e.accept(p));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.got[0], p);  // the same record, no copy
  EXPECT_FALSE(out.got[0]->enrichment);
  out.accept_result = false;  // the dispatcher's answer is passed back
  EXPECT_FALSE(e.accept(p));
  e.stop(0ms);
}

TEST(Enricher, BeyondMaxPendingRecordsGoOnMarkedOverloadedAndShutdownDeliversTheRest) {
  silent_agent agent;
  core::metrics_registry m;
  collector out;
  enrich_options o;
  o.max_pending = 1;
  auto rule = ifnames_rule();
  rule.port = agent.port();
  rule.timeout = 60s;
  rule.retries = 0;
  enricher e(o, {rule}, out.fn(), {}, m);
  auto r = samples::sample_v2c();
  r.agent_address = "127.0.0.1";
  auto p = std::make_shared<const record>(r);
  EXPECT_TRUE(e.accept(p));  // waits for the silent agent
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(e.pending(), 1u);
  EXPECT_TRUE(e.accept(p));  // over the limit: goes on now
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out.got[0]->enrichment);
  EXPECT_EQ(out.got[0]->enrichment->status, "overloaded");
  EXPECT_EQ(out.got[0]->enrichment->rule, "ifnames");
  EXPECT_TRUE(out.got[0]->enrichment->varbinds.empty());
  EXPECT_FALSE(p->enrichment);  // the original is never changed

  e.stop(50ms);  // the agent stays silent: delivered, marked
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.got[1]->enrichment->status, "error");
  EXPECT_EQ(out.got[1]->enrichment->error, "shutdown before the answer");
  EXPECT_EQ(out.got[1]->varbinds, r.varbinds);
  EXPECT_EQ(e.pending(), 0u);
  EXPECT_EQ(
      m.get("trapsink_enrich_records_total", R"(rule="ifnames",outcome="overloaded")").value(), 1u);
  EXPECT_EQ(m.get("trapsink_enrich_records_total", R"(rule="ifnames",outcome="error")").value(),
            1u);
  // After stop: delivered at once, marked.
  EXPECT_TRUE(e.accept(p));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.got[2]->enrichment->status, "overloaded");
}

TEST(Enricher, TimeoutMarksTheRecordAndItGoesOn) {
  silent_agent agent;
  core::metrics_registry m;
  collector out;
  auto rule = ifnames_rule();
  rule.port = agent.port();
  rule.timeout = 100ms;
  rule.retries = 1;
  enricher e({}, {rule}, out.fn(), {}, m);
  auto r = samples::sample_v2c();
  r.agent_address = "127.0.0.1";
  EXPECT_TRUE(e.accept(std::make_shared<const record>(r)));
  // Bounded wait (a loaded machine); the stage answers after 2 x 100 ms.
  for (int i = 0; i < 3000 && out.size() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.got[0]->enrichment->status, "timeout");
  EXPECT_EQ(m.get("trapsink_enrich_records_total", R"(rule="ifnames",outcome="timeout")").value(),
            1u);
  e.stop(0ms);
}

TEST(Enricher, NoIndexInTheRecordIsAnError) {
  core::metrics_registry m;
  collector out;
  enricher e({}, {ifnames_rule()}, out.fn(), {}, m);
  auto r = samples::sample_v2c();
  r.varbinds.erase(r.varbinds.begin());  // no ifIndex
  EXPECT_TRUE(e.accept(std::make_shared<const record>(r)));
  for (int i = 0; i < 3000 && out.size() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.got[0]->enrichment->status, "error");
  EXPECT_EQ(out.got[0]->enrichment->error, "no varbind under 1.3.6.1.2.1.2.2.1.1 gives the index");
  e.stop(0ms);
}

TEST(Enricher, DurableInformAckWaitsForTheEnrichedCopy) {
  silent_agent agent;
  core::metrics_registry m;
  collector out;
  auto rule = ifnames_rule();
  rule.port = agent.port();
  rule.timeout = 60s;
  enricher e({}, {rule}, out.fn(), {}, m);
  std::atomic<int> settled{0};
  auto r = samples::sample_v2c();
  r.agent_address = "127.0.0.1";
  r.pdu = "inform";
  r.ack = std::make_shared<delivery_ack>([&](bool ok) { settled += ok ? 1 : 100; });
  auto ack = r.ack;
  EXPECT_TRUE(e.accept(std::make_shared<const record>(std::move(r))));
  ack->release();  // the receiver lets go: the stage still holds it
  EXPECT_EQ(settled.load(), 0);
  e.stop(0ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.got[0]->ack, ack);  // the copy carries the acknowledgement on
  EXPECT_EQ(settled.load(), 1);
}

TEST(Enricher, RulesCanBeReplaced) {
  core::metrics_registry m;
  collector out;
  enricher e({}, {}, out.fn(), {}, m);
  auto r = std::make_shared<const record>(samples::sample_v2c());
  e.accept(r);
  EXPECT_FALSE(out.got.at(0)->enrichment);
  auto rule = ifnames_rule();
  rule.index_from = oid{1, 3, 6, 1, 4, 1, 99999};  // not in the record: an error, at once
  e.set_rules({rule});
  e.accept(r);
  for (int i = 0; i < 3000 && out.size() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.got[1]->enrichment->rule, "ifnames");
  e.stop(0ms);
}

TEST(EnrichmentJson, SameVarbindShapeAsTheRecord) {
  auto r = samples::sample_v2c();
  r.varbinds.resize(1);
  record_enrichment en;
  en.rule = "ifnames";
  en.status = "partial";
  en.error = "some OIDs have no value (noSuchObject/noSuchInstance)";
  en.varbinds = {
      {oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 2}, value::octets("eth0")},
      {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2}, value::exception(snmp::ber::tag::no_such_instance)}};
  r.enrichment = en;
  const auto json = to_json(r);
  const std::string expected =
      R"x("varbinds":[{"oid":"1.3.6.1.2.1.2.2.1.1.2","type":"Integer32","value":2}],)x"
      R"x("enrichment":{"rule":"ifnames","status":"partial","error":"some OIDs have )x"
      R"x(no value (noSuchObject/noSuchInstance)","varbinds":[)x"
      R"x({"oid":"1.3.6.1.2.1.31.1.1.1.1.2","type":"OctetString","value":"eth0",)x"
      R"x("encoding":"text"},{"oid":"1.3.6.1.2.1.2.2.1.2.2","type":"noSuchInstance")x";
  EXPECT_NE(json.find(expected), std::string::npos) << json;
  EXPECT_TRUE(json.ends_with("}]}}")) << json;
}

}  // namespace
}  // namespace trapsink::pipeline
