#pragma once
// One UDP socket (IPv4 or IPv6) feeding datagrams to the notification receiver and sending back
// what it answers (inform acknowledgements).
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>

#include "receiver/listen_address.hpp"
#include "receiver/notification_receiver.hpp"
#include "receiver/statistics.hpp"

namespace trapsink::receiver {

/// A bound UDP listener. Create it, then start(); it receives until close().
class udp_listener {
 public:
  /// Binds the socket. Throws std::runtime_error naming the address and the reason (address in
  /// use, permission denied for ports below 1024, no such address) when binding fails.
  udp_listener(boost::asio::io_context& io, const listen_address& address, community_policy policy,
               notification_receiver& receiver, core::metrics_registry& metrics);

  /// Start the receive loop.
  void start();
  /// Stop receiving (pending handlers complete with operation_aborted).
  void close();

  /// The address actually bound (with the real port when port 0 was asked for).
  const listen_address& bound() const noexcept { return bound_; }

 private:
  void receive();

  boost::asio::ip::udp::socket socket_;
  listen_address bound_;
  community_policy policy_;
  notification_receiver& receiver_;
  listener_statistics stats_;
  boost::asio::ip::udp::endpoint peer_;
  peer_info peer_info_;
  /// The largest UDP payload over IPv4/IPv6 (65,535 - 8 - 20).
  std::array<std::byte, 65535> buffer_{};
};

}  // namespace trapsink::receiver
