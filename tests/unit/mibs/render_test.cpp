// Value rendering: Net-SNMP's `TYPE: text` (as snmpget prints it) and the record's display text.
#include <gtest/gtest.h>

#include "mibs/resolver/resolver.hpp"
#include "tests/unit/mibs/test_mib_set.hpp"

namespace trapsink::mibs {
namespace {

using namespace std::string_literals;

const resolver& r() {
  static const resolver instance(testing::sample_set());
  return instance;
}

value_view integer(std::int64_t v) {
  value_view x;
  x.kind = value_kind::integer;
  x.i = v;
  return x;
}
value_view unsigned_value(value_kind k, std::uint64_t v) {
  value_view x;
  x.kind = k;
  x.u = v;
  return x;
}
value_view octets(value_kind k, std::string_view s) {
  value_view x;
  x.kind = k;
  x.octets = s;
  return x;
}

std::string typed(const char* object, const value_view& v) {
  std::string out;
  r().append_typed_value(object != nullptr ? r().find("", object) : nullptr, v, out);
  return out;
}
std::string display(const char* object, const value_view& v) {
  std::string out;
  r().append_display(object != nullptr ? r().find("", object) : nullptr, v, out);
  return out;
}

TEST(ResolverRender, Enumerations) {
  EXPECT_EQ(typed("ifAdminStatus", integer(2)), "INTEGER: down(2)");
  EXPECT_EQ(display("ifAdminStatus", integer(2)), "down(2)");
  EXPECT_EQ(typed("ifAdminStatus", integer(9)), "INTEGER: 9");  // not an item: the number
  EXPECT_EQ(resolver::enum_label(r().find("", "ifOperStatus"), 7), "lowerLayerDown");
  EXPECT_EQ(resolver::enum_label(r().find("", "ifOperStatus"), 0), "");
  EXPECT_EQ(resolver::enum_label(nullptr, 1), "");
}

TEST(ResolverRender, Strings) {
  EXPECT_EQ(typed("ifDescr", octets(value_kind::octet_string, "lo")), "STRING: lo");
  EXPECT_EQ(typed(nullptr, octets(value_kind::octet_string, "lo")), "STRING: \"lo\"");
  EXPECT_EQ(typed(nullptr, octets(value_kind::octet_string, "\x00\x1b"s)), "Hex-STRING: 00 1B");
  EXPECT_EQ(display(nullptr, octets(value_kind::octet_string, "lo")), "lo");
  EXPECT_EQ(display(nullptr, octets(value_kind::octet_string, "Z\xc3\xbcrich")), "Z\xc3\xbcrich");
  EXPECT_EQ(typed("ifPhysAddress", octets(value_kind::octet_string, "\x00\x1b\x21\xaa\xbb\xcc"s)),
            "STRING: 0:1b:21:aa:bb:cc");
  // DisplayString holding a NUL does not fit "255a": hex.
  EXPECT_EQ(typed("ifDescr", octets(value_kind::octet_string, "a\x00"s)), "Hex-STRING: 61 00");
  EXPECT_EQ(typed("testBadHint", octets(value_kind::octet_string, "\x01\x02"s)),
            "Hex-STRING: 01 02");
  EXPECT_EQ(display("hrSystemDate", octets(value_kind::octet_string,
                                           "\x07\xc8\x05\x1a\x0d\x1e\x0f\x00\x2d\x04\x00"s)),
            "1992-5-26,13:30:15.0,-4:0");
}

TEST(ResolverRender, NumbersUnitsAndTime) {
  EXPECT_EQ(typed("testTemperature", integer(2345)), "INTEGER: 23.45 degrees Celsius");
  EXPECT_EQ(typed("ifHCInOctets", unsigned_value(value_kind::counter64, 98765432109876ULL)),
            "Counter64: 98765432109876");
  EXPECT_EQ(typed("sysUpTime", unsigned_value(value_kind::time_ticks, 123456)),
            "Timeticks: (123456) 0:20:34.56");
  EXPECT_EQ(display("sysUpTime", unsigned_value(value_kind::time_ticks, 8640000)),
            "(8640000) 1 day, 0:00:00.00");
  EXPECT_EQ(display(nullptr, unsigned_value(value_kind::time_ticks, 4294967295u)),
            "(4294967295) 497 days, 2:27:52.95");
  EXPECT_EQ(typed(nullptr, unsigned_value(value_kind::gauge32, 5)), "Gauge32: 5");
  EXPECT_EQ(typed(nullptr, unsigned_value(value_kind::counter32, 5)), "Counter32: 5");
  EXPECT_EQ(typed(nullptr, octets(value_kind::ip_address, "\x0a\x00\x00\x01"s)),
            "IpAddress: 10.0.0.1");
}

TEST(ResolverRender, TimeTicksStyles) {
  // The one TimeTicks writer: the full form (records' display, `Timeticks: ` values) and the
  // -Oq form of the command-line tools, as Net-SNMP writes them.
  std::string full;
  append_time_ticks(12345, full);
  EXPECT_EQ(full, "(12345) 0:02:03.45");
  std::string quick;
  append_time_ticks(12345, quick, ticks_style::quick);
  EXPECT_EQ(quick, "0:0:02:03.45");
  quick.clear();
  append_time_ticks(4294967295u, quick, ticks_style::quick);
  EXPECT_EQ(quick, "497:2:27:52.95");
}

TEST(ResolverRender, Bits) {
  EXPECT_EQ(typed("testBits", octets(value_kind::octet_string, "\xc0\x40"s)),
            "BITS: C0 40 a(0) b(1) c(9)");
  EXPECT_EQ(display("testBits", octets(value_kind::octet_string, "\x20"s)), "20 (2)");
}

TEST(ResolverRender, ObjectIdentifiers) {
  const std::vector<std::uint32_t> link_down{1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
  value_view v;
  v.kind = value_kind::object_identifier;
  v.oid = link_down;
  EXPECT_EQ(typed("sysObjectID", v), "OID: IF-MIB::linkDown");
  EXPECT_EQ(display(nullptr, v), "IF-MIB::linkDown");
}

TEST(ResolverRender, WrongTypeAndExceptions) {
  EXPECT_EQ(typed("ifAdminStatus", octets(value_kind::octet_string, "x")),
            "Wrong Type (should be INTEGER): STRING: \"x\"");
  EXPECT_EQ(display("ifAdminStatus", octets(value_kind::octet_string, "x")), "x");
  value_view v;
  v.kind = value_kind::no_such_instance;
  EXPECT_EQ(typed("ifDescr", v), "No Such Instance currently exists at this OID");
  v.kind = value_kind::null;
  EXPECT_EQ(typed(nullptr, v), "NULL");
}

}  // namespace
}  // namespace trapsink::mibs
