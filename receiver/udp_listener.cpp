#include "receiver/udp_listener.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <stdexcept>

namespace trapsink::receiver {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {
// A large kernel receive buffer absorbs bursts (a storm of traps after an outage) while the
// receive thread is busy; the kernel caps it at net.core.rmem_max.
constexpr int receive_buffer_bytes = 8 * 1024 * 1024;
}  // namespace

udp_listener::udp_listener(asio::io_context& io, const listen_address& address,
                           community_policy policy, notification_receiver& receiver,
                           core::metrics_registry& metrics)
    : socket_(io),
      bound_(address),
      policy_(std::move(policy)),
      receiver_(receiver),
      stats_(metrics, address.to_string()) {
  boost::system::error_code ec;
  const bool v6 = address.endpoint.address().is_v6();
  socket_.open(v6 ? udp::v6() : udp::v4(), ec);
  if (!ec && v6) socket_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes), ec);
  if (!ec) socket_.bind(address.endpoint, ec);
  if (ec) {
    std::string hint;
    if (ec == asio::error::address_in_use) {
      hint = " (another process listens there: stop it or choose another --listen port)";
    } else if (ec == asio::error::access_denied) {
      hint = " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    } else if (ec == boost::system::errc::address_not_available) {
      hint = " (no interface has this address)";
    }
    throw std::runtime_error(
        fmt::format("cannot listen on {}: {}{}", address.to_string(), ec.message(), hint));
  }
  bound_.endpoint = socket_.local_endpoint();
  peer_info_.transport = address.transport;
}

void udp_listener::start() { receive(); }

void udp_listener::stop_receiving() {
  receiving_ = false;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void udp_listener::close() {
  receiving_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void udp_listener::send(const udp::endpoint& to, const std::vector<std::byte>& bytes,
                        const peer_info& peer) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes), to, 0, ec);
  if (ec) {
    stats_.dropped("send_failed");
    spdlog::warn("cannot acknowledge inform to {}:{}: {}", peer.address, peer.port, ec.message());
  }
}

void udp_listener::send_later(const peer_info& to, std::vector<std::byte> bytes) noexcept {
  try {
    asio::post(socket_.get_executor(), [this, to, bytes = std::move(bytes)] {
      send(udp::endpoint(to.ip, to.port), bytes, to);
    });
  } catch (...) {  // std::bad_alloc: the sender retransmits and is answered then
    stats_.dropped("send_failed");
  }
}

void udp_listener::receive() {
  socket_.async_receive_from(
      asio::buffer(buffer_), peer_, [this](boost::system::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || !socket_.is_open() || !receiving_) return;
        if (!ec) {
          peer_info_.ip = peer_.address();
          peer_info_.address = peer_info_.ip.to_string();
          peer_info_.port = peer_.port();
          auto reply = receiver_.handle(std::span<const std::byte>(buffer_.data(), n), peer_info_,
                                        policy_, stats_, this);
          if (!reply.empty()) send(peer_, reply, peer_info_);
        } else {
          // ICMP errors from earlier sends and the like surface here; keep receiving.
          spdlog::debug("receive on {}: {}", stats_.name(), ec.message());
        }
        receive();
      });
}

}  // namespace trapsink::receiver
