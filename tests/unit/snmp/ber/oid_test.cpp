// ber::oid text form and helpers, and SMI type names (RFC 2578 §3.5, §7.1).
#include "snmp/ber/oid.hpp"

#include <gtest/gtest.h>

#include <string>

#include "snmp/ber/tag.hpp"

namespace trapsink::snmp::ber {
namespace {

TEST(Oid, ParseAndFormat) {
  auto o = oid::parse("1.3.6.1.6.3.1.1.5.1");
  ASSERT_TRUE(o);
  EXPECT_EQ(*o, (oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 1}));
  EXPECT_EQ(o->to_string(), "1.3.6.1.6.3.1.1.5.1");
  auto dotted = oid::parse(".1.3.6.1.4.1.4294967295");
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->to_string(), "1.3.6.1.4.1.4294967295");
  auto single = oid::parse("0");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->size(), 1U);
  std::string s = "oid=";
  oid{1, 3}.append_to(s);
  EXPECT_EQ(s, "oid=1.3");
  EXPECT_EQ(oid{}.to_string(), "");
}

TEST(Oid, ParseRejectsMalformed) {
  for (const char* bad : {"", ".", "1..3", "1.3.", "..1", "a.b", "1.-3", "1.3 ", "+1.3",
                          "1.4294967296", "1.3.6.1.x"}) {
    EXPECT_FALSE(oid::parse(bad)) << bad;
  }
  std::string arcs128 = "1";
  for (int i = 1; i < 128; ++i) arcs128 += ".1";
  EXPECT_TRUE(oid::parse(arcs128));
  EXPECT_FALSE(oid::parse(arcs128 + ".1"));  // 129 arcs (RFC 2578 §3.5)
}

TEST(Oid, StartsWithChildAndOrdering) {
  const oid snmp_traps{1, 3, 6, 1, 6, 3, 1, 1, 5};
  const oid cold = snmp_traps.child({1});
  EXPECT_EQ(cold, (oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 1}));
  EXPECT_TRUE(cold.starts_with(snmp_traps));
  EXPECT_TRUE(cold.starts_with(cold));
  EXPECT_FALSE(snmp_traps.starts_with(cold));
  EXPECT_FALSE(cold.starts_with(oid{1, 3, 6, 1, 6, 3, 1, 1, 4}));
  EXPECT_TRUE(cold.starts_with(oid{}));
  EXPECT_LT(snmp_traps, cold);
  EXPECT_LT((oid{1, 3, 6, 1, 2}), (oid{1, 3, 6, 1, 10}));
}

TEST(Tag, SmiTypeNames) {
  EXPECT_EQ(smi_type_name(tag::integer), "Integer32");
  EXPECT_EQ(smi_type_name(tag::octet_string), "OctetString");
  EXPECT_EQ(smi_type_name(tag::null), "Null");
  EXPECT_EQ(smi_type_name(tag::object_identifier), "ObjectIdentifier");
  EXPECT_EQ(smi_type_name(tag::ip_address), "IpAddress");
  EXPECT_EQ(smi_type_name(tag::counter32), "Counter32");
  EXPECT_EQ(smi_type_name(tag::gauge32), "Gauge32");
  EXPECT_EQ(smi_type_name(tag::timeticks), "TimeTicks");
  EXPECT_EQ(smi_type_name(tag::opaque), "Opaque");
  EXPECT_EQ(smi_type_name(tag::counter64), "Counter64");
  EXPECT_EQ(smi_type_name(tag::no_such_object), "noSuchObject");
  EXPECT_EQ(smi_type_name(tag::no_such_instance), "noSuchInstance");
  EXPECT_EQ(smi_type_name(tag::end_of_mib_view), "endOfMibView");
  EXPECT_EQ(smi_type_name(tag::sequence), "");
  EXPECT_EQ(smi_type_name(static_cast<tag>(0x47)), "");
}

}  // namespace
}  // namespace trapsink::snmp::ber
