#include "snmp/cmdgen/address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace trapsink::snmp::cmdgen {
namespace {

TEST(AgentAddress, NetSnmpForms) {
  auto a = parse_agent_address("127.0.0.1", 161);
  EXPECT_FALSE(a.ipv6);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 161);
  a = parse_agent_address("udp:192.0.2.1:1161", 161);
  EXPECT_EQ(a.host, "192.0.2.1");
  EXPECT_EQ(a.port, 1161);
  EXPECT_EQ(a.text, "udp:192.0.2.1:1161");
  a = parse_agent_address("localhost:162", 161);
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 162);
  a = parse_agent_address("udp6:[::1]:1161", 161);
  EXPECT_TRUE(a.ipv6);
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 1161);
  a = parse_agent_address("[2001:db8::5]", 162);
  EXPECT_TRUE(a.ipv6);
  EXPECT_EQ(a.host, "2001:db8::5");
  EXPECT_EQ(a.port, 162);
  a = parse_agent_address("udp6:fe80::1", 161);
  EXPECT_TRUE(a.ipv6);
  EXPECT_EQ(a.host, "fe80::1");
  a = parse_agent_address("UDP6:[::1]", 161);
  EXPECT_TRUE(a.ipv6);
}

TEST(AgentAddress, RejectsWhatItCannotUse) {
  for (const char* bad : {"", "tcp:127.0.0.1:161", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x",
                          "[::1", "[::1]x", "::1", "udp:", ":161"}) {
    EXPECT_THROW(parse_agent_address(bad, 161), std::invalid_argument) << bad;
  }
}

TEST(AgentAddress, ResolvesLiterals) {
  auto ep = resolve(parse_agent_address("udp6:[::1]:1161", 161));
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->address().is_v6());
  EXPECT_EQ(ep->port(), 1161);
  ep = resolve(parse_agent_address("127.0.0.1:5", 161));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->address().to_string(), "127.0.0.1");
  // An IPv4 literal asked for over udp6 becomes the IPv4-mapped address.
  ep = resolve(parse_agent_address("udp6:[127.0.0.1]:7", 161));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->address().to_string(), "::ffff:127.0.0.1");
}

}  // namespace
}  // namespace trapsink::snmp::cmdgen
