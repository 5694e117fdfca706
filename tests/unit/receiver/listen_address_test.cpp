#include "receiver/listen_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace trapsink::receiver {
namespace {

TEST(ListenAddress, ParsesIpv4) {
  auto a = parse_listen_address("udp:127.0.0.1:1162");
  EXPECT_EQ(a.transport, "udp");
  EXPECT_EQ(a.endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(a.endpoint.port(), 1162);
  EXPECT_EQ(a.to_string(), "udp:127.0.0.1:1162");
}

TEST(ListenAddress, ParsesIpv6) {
  auto a = parse_listen_address("udp6:[::1]:162");
  EXPECT_EQ(a.transport, "udp6");
  EXPECT_TRUE(a.endpoint.address().is_v6());
  EXPECT_EQ(a.endpoint.port(), 162);
  EXPECT_EQ(a.to_string(), "udp6:[::1]:162");
  EXPECT_EQ(parse_listen_address("udp6:[::]:0").to_string(), "udp6:[::]:0");
}

TEST(ListenAddress, RejectsWithAClearMessage) {
  for (const char* bad : {"127.0.0.1:162", "tcp:1.2.3.4:5", "udp:1.2.3:5", "udp:1.2.3.4",
                          "udp:1.2.3.4:65536", "udp:1.2.3.4:-1", "udp:1.2.3.4:1x", "udp6:::1:162",
                          "udp6:[::1]", "udp6:[::1]162", "udp6:[zz::1]:1", "udp:[::1]:1", ""}) {
    try {
      parse_listen_address(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(std::string("'") + bad + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("udp:ADDR:PORT"), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace trapsink::receiver
