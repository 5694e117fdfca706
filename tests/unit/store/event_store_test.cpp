// Queries over a real database written by the SQLite sink: every filter lets the known rows in
// and keeps the others out; ordering, limits, following; refusals with what to do.
#include "store/event_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "tests/unit/pipeline/sinks/sqlite/sqlite_test_util.hpp"

namespace trapsink::store {
namespace {

using namespace std::chrono_literals;
using pipeline::record;
using snmp::ber::oid;
using snmp::message::value;

/// Five events an hour apart or less, each with something only it has:
///   e1 linkDown from 192.0.2.10, ifIndex.2 = 2, ifDescr.2 = eth0           (3 h ago)
///   e2 linkUp from 192.0.2.11, ifIndex.3 = 3, ifDescr.3 = eth1             (2 h ago)
///   e3 v1 enterprise 8072.2.3.0.17 from 198.51.100.7, text "disk full"     (1 h ago)
///   e4 .5.30 (a sibling, not a child, of linkDown) named TEST-MIB::fakeTrap, from 2001:db8::5
///                                                                           (30 min ago)
///   e5 v3 inform named CISCO-SYSLOG-MIB::clogMessageGenerated from 10.1.2.3, hex octets
///                                                                           (10 min ago)
class EventStore : public tests::temp_dir_test {
 protected:
  void SetUp() override {
    tests::temp_dir_test::SetUp();
    now_ = std::chrono::system_clock::now();
    std::vector<pipeline::record_ptr> batch;
    auto add = [&](record r) { batch.push_back(std::make_shared<record>(std::move(r))); };

    record e1 = pipeline::samples::sample_v2c();
    e1.id = "E1";
    e1.time = now_ - 3h;
    e1.varbinds = {{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2}, value::integer(2)},
                   {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2}, value::octets("eth0")}};
    add(e1);

    record e2 = e1;
    e2.id = "E2";
    e2.time = now_ - 2h;
    e2.source.address = "192.0.2.11";
    e2.agent_address = "192.0.2.11";
    e2.trap_oid = "1.3.6.1.6.3.1.1.5.4";
    e2.varbinds = {{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, value::integer(3)},
                   {oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3}, value::octets("eth1")}};
    add(e2);

    record e3 = pipeline::samples::sample_v1();
    e3.id = "E3";
    e3.time = now_ - 1h;
    e3.varbinds = {{oid{1, 3, 6, 1, 4, 1, 8072, 2, 3, 2, 1}, value::octets("disk full")}};
    add(e3);

    record e4 = e1;
    e4.id = "E4";
    e4.time = now_ - 30min;
    e4.source = {"2001:db8::5", 162, "udp6"};
    e4.agent_address = "2001:db8::5";
    e4.trap_oid = "1.3.6.1.6.3.1.1.5.30";
    e4.trap_name = "TEST-MIB::fakeTrap";
    e4.varbinds = {};
    add(e4);

    record e5 = e1;
    e5.id = "E5";
    e5.time = now_ - 10min;
    e5.version = "3";
    e5.pdu = "inform";
    e5.community.reset();
    e5.security =
        pipeline::record_security{"ops", "authPriv", "8000000001", "8000000001", "", "SHA", "AES"};
    e5.source = {"10.1.2.3", 50000, "udp"};
    e5.agent_address = "10.1.2.3";
    e5.trap_oid = "1.3.6.1.4.1.9.9.41.2.0.1";
    e5.trap_name = "CISCO-SYSLOG-MIB::clogMessageGenerated";
    e5.varbinds = {{oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 6, 2},
                    value::octets(std::string("\x00\x1b\x21\xaa\xbb\xcc", 6))}};
    add(e5);

    pipeline::sinks::sqlite_sink sink({.path = db_path()});
    ASSERT_EQ(sink.write(batch), pipeline::write_result::ok);
  }

  /// The ids a query returns, in order.
  std::vector<std::string> ids(const query& q) {
    event_store db(db_path());
    std::vector<std::string> out;
    for (const auto& e : db.newest(q)) out.push_back(e.id);
    return out;
  }

  std::int64_t ago(std::chrono::minutes m) const { return to_micros(now_ - m); }

  std::chrono::system_clock::time_point now_;
};

using ids_t = std::vector<std::string>;

TEST_F(EventStore, EverythingNewestFirst) {
  EXPECT_EQ(ids({}), (ids_t{"E5", "E4", "E3", "E2", "E1"}));
  event_store db(db_path());
  const auto all = db.newest({});
  ASSERT_EQ(all.size(), 5u);
  const auto& e = all[4];  // E1, every column read back
  EXPECT_EQ(e.time_us, to_micros(now_ - 3h));
  EXPECT_EQ(e.source_address, "192.0.2.10");
  EXPECT_EQ(e.source_port, 50123);
  EXPECT_EQ(e.transport, "udp");
  EXPECT_EQ(e.version, "2c");
  EXPECT_EQ(e.pdu, "trap");
  EXPECT_EQ(e.trap_oid, "1.3.6.1.6.3.1.1.5.3");
  EXPECT_FALSE(e.trap_name);
  EXPECT_EQ(e.agent_address, "192.0.2.10");
  EXPECT_NE(e.record.find("\"id\":\"E1\""), std::string::npos);
  EXPECT_EQ(all[0].trap_name, "CISCO-SYSLOG-MIB::clogMessageGenerated");
}

TEST_F(EventStore, Limit) {
  query q;
  q.limit = 2;
  EXPECT_EQ(ids(q), (ids_t{"E5", "E4"}));
  q.limit = 0;  // no limit
  EXPECT_EQ(ids(q).size(), 5u);
}

TEST_F(EventStore, SinceAndUntil) {
  query q;
  q.since_us = ago(90min);
  EXPECT_EQ(ids(q), (ids_t{"E5", "E4", "E3"}));
  q.until_us = ago(30min);  // exclusive: E4 at exactly 30 minutes ago is out
  EXPECT_EQ(ids(q), (ids_t{"E3"}));
  q.since_us = ago(60min);  // inclusive: E3 at exactly an hour ago is in
  EXPECT_EQ(ids(q), (ids_t{"E3"}));
  q.since_us = ago(5min);
  q.until_us.reset();
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, SourceAddressOrPrefix) {
  query q;
  q.source = parse_source("192.0.2.11");
  EXPECT_EQ(ids(q), (ids_t{"E2"}));
  q.source = parse_source("192.0.2.0/24");
  EXPECT_EQ(ids(q), (ids_t{"E2", "E1"}));
  q.source = parse_source("0.0.0.0/0");
  EXPECT_EQ(ids(q), (ids_t{"E5", "E3", "E2", "E1"}));
  q.source = parse_source("2001:DB8:0::5");  // any spelling of the address
  EXPECT_EQ(ids(q), (ids_t{"E4"}));
  q.source = parse_source("2001:db8::/32");
  EXPECT_EQ(ids(q), (ids_t{"E4"}));
  q.source = parse_source("203.0.113.1");
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, TrapByOidExactOrSubtree) {
  query q;
  q.trap = parse_trap("1.3.6.1.6.3.1.1.5.3");
  EXPECT_EQ(ids(q), (ids_t{"E1"}));  // not E4's .5.30
  q.trap = parse_trap(".1.3.6.1.6.3.1.1.5");
  EXPECT_EQ(ids(q), (ids_t{"E4", "E2", "E1"}));
  q.trap = parse_trap("1.3.6.1.4.1");
  EXPECT_EQ(ids(q), (ids_t{"E5", "E3"}));
  q.trap = parse_trap("1.3.6.1.6.3.1.1.5.3.1");
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, TrapByName) {
  query q;
  q.trap = parse_trap("CISCO-SYSLOG-MIB::clogMessageGenerated");
  EXPECT_EQ(ids(q), (ids_t{"E5"}));
  q.trap = parse_trap("fakeTrap");  // without the module
  EXPECT_EQ(ids(q), (ids_t{"E4"}));
  q.trap = parse_trap("OTHER-MIB::fakeTrap");
  EXPECT_EQ(ids(q), ids_t{});
  q.trap = parse_trap("Trap");  // a name, not a substring
  EXPECT_EQ(ids(q), ids_t{});
  // The generic notifications are known before MIBs name them.
  q.trap = parse_trap("linkUp");
  EXPECT_EQ(ids(q), (ids_t{"E2"}));
  q.trap = parse_trap("IF-MIB::linkDown");
  EXPECT_EQ(ids(q), (ids_t{"E1"}));
}

TEST_F(EventStore, VarbindByOidAndValue) {
  query q;
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.2.2=eth0")};
  EXPECT_EQ(ids(q), (ids_t{"E1"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.2=eth1")};  // any ifDescr row
  EXPECT_EQ(ids(q), (ids_t{"E2"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.1.3=3")};  // an Integer32 as its text
  EXPECT_EQ(ids(q), (ids_t{"E2"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.6.2=001b21aabbcc")};  // hex octets
  EXPECT_EQ(ids(q), (ids_t{"E5"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.1")};  // any value
  EXPECT_EQ(ids(q), (ids_t{"E2", "E1"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.2.2=eth1")};
  EXPECT_EQ(ids(q), ids_t{});
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.2=eth")};  // whole values only
  EXPECT_EQ(ids(q), ids_t{});
  // Repeated: all must hold.
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.1.2=2"),
                parse_varbind("1.3.6.1.2.1.2.2.1.2=eth0")};
  EXPECT_EQ(ids(q), (ids_t{"E1"}));
  q.varbinds = {parse_varbind("1.3.6.1.2.1.2.2.1.1.2=2"),
                parse_varbind("1.3.6.1.2.1.2.2.1.2=eth1")};
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, TextAnywhereInTheRecord) {
  query q;
  q.text = "disk full";
  EXPECT_EQ(ids(q), (ids_t{"E3"}));
  q.text = "authPriv";
  EXPECT_EQ(ids(q), (ids_t{"E5"}));
  q.text = "\"community\":\"public\"";
  EXPECT_EQ(ids(q), (ids_t{"E4", "E3", "E2", "E1"}));
  q.text = "DISK FULL";  // case-sensitive
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, FiltersCombine) {
  query q;
  q.since_us = ago(150min);
  q.source = parse_source("192.0.2.0/24");
  q.trap = parse_trap("1.3.6.1.6.3.1.1.5");
  EXPECT_EQ(ids(q), (ids_t{"E2"}));
  q.text = "eth0";
  EXPECT_EQ(ids(q), ids_t{});
}

TEST_F(EventStore, InStoredOrderAfterASeq) {
  event_store db(db_path());
  const auto last = db.last_seq();
  EXPECT_EQ(last, 5);
  query q;
  q.after_seq = 2;
  q.limit = 0;
  std::vector<std::string> got;
  for (const auto& e : db.in_stored_order(q)) got.push_back(e.id);
  EXPECT_EQ(got, (ids_t{"E3", "E4", "E5"}));
  q.up_to_seq = 4;
  q.trap = parse_trap("1.3.6.1.6.3");
  got.clear();
  for (const auto& e : db.in_stored_order(q)) got.push_back(e.id);
  EXPECT_EQ(got, (ids_t{"E4"}));
}

TEST_F(EventStore, MissingFileSaysHowToCreateIt) {
  try {
    event_store db(db_path("nope.db"));
    FAIL();
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("no database at"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("trapsink serve --sqlite"), std::string::npos);
  }
}

TEST_F(EventStore, RefusesOtherSchemasAndForeignFiles) {
  {
    auto db = tests::open_rw(db_path());
    db.exec("PRAGMA user_version = 9");
  }
  try {
    event_store db(db_path());
    FAIL();
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 9, newer"), std::string::npos) << e.what();
  }
  {
    auto db = tests::open_rw(db_path("foreign.db"));
    db.exec("CREATE TABLE x (y)");
  }
  EXPECT_THROW(event_store(db_path("foreign.db")), store_error);
  { auto db = tests::open_rw(db_path("empty.db")); }
  try {
    event_store db(db_path("empty.db"));
    FAIL();
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("no trapsink schema yet"), std::string::npos) << e.what();
  }
}

TEST_F(EventStore, ParseErrorsSayWhatIsAccepted) {
  EXPECT_THROW(parse_source("300.1.1.1"), usage_error);
  EXPECT_THROW(parse_source("10.0.0.0/33"), usage_error);
  EXPECT_THROW(parse_trap("1.3..6"), usage_error);
  EXPECT_THROW(parse_trap("link down"), usage_error);
  EXPECT_THROW(parse_varbind("ifIndex=3"), usage_error);
  EXPECT_THROW(parse_varbind("=3"), usage_error);
  try {
    parse_varbind("x=1");
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("OID=VALUE"), std::string::npos) << e.what();
  }
  const auto v = parse_varbind(".1.3.6=a=b");  // the value may hold '='
  EXPECT_EQ(v.oid, "1.3.6");
  EXPECT_EQ(v.value, "a=b");
  EXPECT_FALSE(parse_varbind("1.3.6").value);
  EXPECT_EQ(parse_varbind("1.3.6=").value, "");
}

}  // namespace
}  // namespace trapsink::store
