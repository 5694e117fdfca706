#include "receiver/udp_listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "snmp/message/codec.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::receiver {
namespace {
namespace asio = boost::asio;
namespace msg = snmp::message;
using asio::ip::udp;

std::vector<std::byte> trap(std::int32_t request_id) {
  msg::pdu p;
  p.type = msg::pdu_type::snmpv2_trap;
  p.request_id = request_id;
  p.varbinds = {
      {msg::well_known::sys_up_time_0, msg::value::timeticks(5)},
      {msg::well_known::snmp_trap_oid_0, msg::value::object_id(msg::well_known::cold_start)}};
  return msg::encode(msg::community_message{msg::version::v2c, "public", p});
}

std::vector<std::byte> inform(std::int32_t request_id) {
  auto m = msg::decode_community(trap(request_id)).value();
  std::get<msg::pdu>(m.body).type = msg::pdu_type::inform_request;
  return msg::encode(m);
}

struct UdpListener : ::testing::Test {
  core::metrics_registry metrics;
  std::mutex mu;
  std::set<std::int32_t> request_ids;
  std::size_t records = 0;
  notification_receiver receiver{metrics,
                                 [this](pipeline::record_ptr r) {
                                   std::lock_guard lock(mu);
                                   request_ids.insert(r->request_id.value_or(-1));
                                   ++records;
                                   return true;
                                 },
                                 {}};
  community_policy policy{{{"public", {}}}, false};
  listen_address address = parse_listen_address("udp:127.0.0.1:0");

  std::uint64_t counter(const std::string& name, const listen_address& a) {
    return metrics.get(name, "listener=\"" + a.to_string() + "\"").value();
  }
  std::size_t recorded() {
    std::lock_guard lock(mu);
    return records;
  }
};

TEST_F(UdpListener, BatchesOfDatagramsAreEachRecordedOnce) {
  asio::io_context io;
  listener_socket_options o;
  o.batch = 4;  // 50 datagrams: several recvmmsg calls, the last one partial
  udp_listener l(io, address, policy, receiver, metrics, o);
  l.start();
  udp::socket s(io, udp::v4());
  for (int i = 1; i <= 50; ++i) s.send_to(asio::buffer(trap(i)), l.bound().endpoint);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (recorded() < 50 && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(recorded(), 50u);
  EXPECT_EQ(request_ids.size(), 50u);
  EXPECT_EQ(*request_ids.begin(), 1);
  EXPECT_EQ(*request_ids.rbegin(), 50);
  l.close();
  EXPECT_EQ(counter("trapsink_listener_received_total", l.bound()), 50u);
  EXPECT_EQ(counter("trapsink_listener_kernel_drops_total", l.bound()), 0u);
}

TEST_F(UdpListener, InformIsAnsweredFromTheReceivingSocket) {
  asio::io_context io;
  udp_listener l(io, address, policy, receiver, metrics);
  l.start();
  udp::socket s(io, udp::v4());
  s.send_to(asio::buffer(inform(77)), l.bound().endpoint);
  std::array<std::byte, 2048> buf{};
  udp::endpoint from;
  std::size_t n = 0;
  s.async_receive_from(asio::buffer(buf), from, [&](boost::system::error_code ec, std::size_t got) {
    if (!ec) n = got;
    io.stop();
  });
  io.run_for(std::chrono::seconds(5));
  ASSERT_GT(n, 0u);
  EXPECT_EQ(from, l.bound().endpoint);
  auto reply = msg::decode_community(std::span<const std::byte>(buf.data(), n));
  ASSERT_TRUE(reply);
  const auto& p = std::get<msg::pdu>(reply->body);
  EXPECT_EQ(p.type, msg::pdu_type::response);
  EXPECT_EQ(p.request_id, 77);
}

TEST_F(UdpListener, ShardsShareThePortWithReusePort) {
  asio::io_context io;
  listener_socket_options o;
  o.reuse_port = true;
  udp_listener first(io, address, policy, receiver, metrics, o);
  udp_listener second(io, first.bound(), policy, receiver, metrics, o);
  EXPECT_EQ(second.bound().endpoint, first.bound().endpoint);
  // Without SO_REUSEPORT the port is taken, and the error says so.
  try {
    udp_listener third(io, first.bound(), policy, receiver, metrics, {});
    ADD_FAILURE() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another process listens there"), std::string::npos)
        << e.what();
  }
}

TEST_F(UdpListener, KernelDropsAreCountedExactly) {
  asio::io_context io;
  listener_socket_options o;
  o.receive_buffer = 1;  // the kernel's minimum: a few datagrams
  udp_listener l(io, address, policy, receiver, metrics, o);
  EXPECT_LT(l.receive_buffer(), 64u * 1024);
  udp::socket s(io, udp::v4());
  constexpr int sent = 500;
  // Nothing reads while these arrive: most are dropped by the kernel.
  for (int i = 1; i <= sent; ++i) s.send_to(asio::buffer(trap(i)), l.bound().endpoint);
  l.start();
  io.run_for(std::chrono::milliseconds(300));
  // Some more once the queue was drained: they carry the drop count (SO_RXQ_OVFL).
  for (int i = sent + 1; i <= sent + 3; ++i) {
    s.send_to(asio::buffer(trap(i)), l.bound().endpoint);
    io.run_for(std::chrono::milliseconds(50));
  }
  const auto drops_seen_in_flight = counter("trapsink_listener_kernel_drops_total", l.bound());
  l.close();  // reads SO_MEMINFO: nothing further
  const auto drops = counter("trapsink_listener_kernel_drops_total", l.bound());
  EXPECT_GT(drops, 0u);
  EXPECT_EQ(drops_seen_in_flight, drops);
  EXPECT_EQ(recorded() + drops, static_cast<std::size_t>(sent + 3));
  EXPECT_EQ(counter("trapsink_listener_received_total", l.bound()), recorded());
}

}  // namespace
}  // namespace trapsink::receiver
