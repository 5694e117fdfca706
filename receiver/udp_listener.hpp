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

/// A bound UDP listener. Create it, then start(); it receives until stop_receiving() or
/// close(). It is also the reply_channel of the informs it received: durable acknowledgements
/// are posted to its io_context and sent from there.
class udp_listener final : public reply_channel {
 public:
  /// Binds the socket. Throws std::runtime_error naming the address and the reason (address in
  /// use, permission denied for ports below 1024, no such address) when binding fails.
  udp_listener(boost::asio::io_context& io, const listen_address& address, community_policy policy,
               notification_receiver& receiver, core::metrics_registry& metrics);

  /// Start the receive loop.
  void start();
  /// Stop receiving but keep the socket open, so acknowledgements of informs that their sinks
  /// confirm while the pipeline drains still go out (run the io_context again to send them).
  void stop_receiving();
  /// Stop receiving and close the socket (pending handlers complete with operation_aborted).
  void close();

  /// reply_channel: post a send of `bytes` to `to` to this listener's io_context. Thread-safe.
  void send_later(const peer_info& to, std::vector<std::byte> bytes) noexcept override;

  /// The address actually bound (with the real port when port 0 was asked for).
  const listen_address& bound() const noexcept { return bound_; }

 private:
  void receive();
  void send(const boost::asio::ip::udp::endpoint& to, const std::vector<std::byte>& bytes,
            const peer_info& peer);

  boost::asio::ip::udp::socket socket_;
  bool receiving_ = true;  ///< false once stop_receiving() or close() was called
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
