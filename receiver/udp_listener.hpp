#pragma once
// One UDP socket (IPv4 or IPv6) feeding datagrams to the notification receiver and sending back
// what it answers (inform acknowledgements). A listen address is served by one or more of these
// receive shards, each with its own socket (SO_REUSEPORT: the kernel spreads senders over the
// sockets by their address and port), its own thread and io_context (receiver/server.cpp).
//
// Datagrams are read in batches with recvmmsg(2) once Asio reports the socket readable, into
// buffers allocated once per shard. SO_RXQ_OVFL makes the kernel attach its running count of
// datagrams dropped on this socket (receive buffer full) to each datagram; the increase is
// counted as trapsink_listener_kernel_drops_total, so loss before trapsink is never invisible.
// The replies to a batch (inform acknowledgements) go out together with sendmmsg(2) once the
// batch is handled.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "receiver/listen_address.hpp"
#include "receiver/notification_receiver.hpp"
#include "receiver/statistics.hpp"

namespace trapsink::receiver {

/// Socket settings of a receive shard.
struct listener_socket_options {
  /// SO_RCVBUF to ask for, in bytes; 0 leaves the kernel's default. The kernel caps it at
  /// net.core.rmem_max (see udp_listener::receive_buffer()).
  std::size_t receive_buffer = 8 * 1024 * 1024;
  /// Set SO_REUSEPORT so that further shards can bind the same address and port.
  bool reuse_port = false;
  /// Datagrams read per recvmmsg(2) call (1..1024).
  std::size_t batch = 32;
};

/// A bound UDP listener (one receive shard). Create it, then start(); it receives until
/// stop_receiving() or close(). Not thread-safe except send_later(): use it from the thread that
/// runs its io_context. It is also the reply_channel of the informs it received: durable
/// acknowledgements are posted to its io_context and sent from its socket.
class udp_listener final : public reply_channel {
 public:
  /// Binds the socket. Throws std::runtime_error naming the address and the reason (address in
  /// use, permission denied for ports below 1024, no such address) when binding fails.
  udp_listener(boost::asio::io_context& io, const listen_address& address, community_policy policy,
               notification_receiver& receiver, core::metrics_registry& metrics,
               const listener_socket_options& socket_options = {});
  ~udp_listener() override;
  udp_listener(const udp_listener&) = delete;
  udp_listener& operator=(const udp_listener&) = delete;

  /// Start the receive loop.
  void start();
  /// Stop receiving but keep the socket open, so acknowledgements of informs that their sinks
  /// confirm while the pipeline drains still go out (run the io_context again to send them).
  void stop_receiving();
  /// Stop receiving and close the socket (pending handlers complete with operation_aborted).
  /// Counts the kernel drops not yet seen (SO_MEMINFO) before closing.
  void close();

  /// reply_channel: post a send of `bytes` to `to` to this listener's io_context. Thread-safe.
  void send_later(const peer_info& to, std::vector<std::byte> bytes) noexcept override;

  /// The address actually bound (with the real port when port 0 was asked for).
  const listen_address& bound() const noexcept { return bound_; }
  /// The receive buffer the kernel granted: what it honours of the SO_RCVBUF request (Asio
  /// halves what getsockopt reads back on Linux, where the kernel doubles the request for its
  /// bookkeeping). Less than asked when net.core.rmem_max caps the request.
  std::size_t receive_buffer() const noexcept { return granted_rcvbuf_; }
  /// Read the socket's kernel drop count now (SO_MEMINFO) and count what was not seen yet.
  /// Call from the listener's thread, or once that thread has stopped.
  void account_kernel_drops() noexcept;

 private:
  struct batch_buffers;
  void wait();
  void drain();
  void handle_one(std::span<const std::byte> datagram, const void* from, std::size_t from_len);
  void note_drop_count(std::uint32_t total) noexcept;
  /// Send the replies collected while handling a batch (one sendmmsg call).
  void send_replies();
  void send(const boost::asio::ip::udp::endpoint& to, const std::vector<std::byte>& bytes,
            const peer_info& peer);

  boost::asio::ip::udp::socket socket_;
  bool receiving_ = true;  ///< false once stop_receiving() or close() was called
  listen_address bound_;
  community_policy policy_;
  notification_receiver& receiver_;
  listener_statistics stats_;
  std::size_t granted_rcvbuf_ = 0;
  /// The kernel's drop count for this socket as last seen (it wraps at 2^32).
  std::uint32_t drops_seen_ = 0;
  std::unique_ptr<batch_buffers> buffers_;
  boost::asio::ip::udp::endpoint peer_;
  peer_info peer_info_;
};

}  // namespace trapsink::receiver
