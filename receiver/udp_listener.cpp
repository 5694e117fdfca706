#include "receiver/udp_listener.hpp"

#include <fmt/format.h>
#include <linux/sock_diag.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace trapsink::receiver {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {
/// The largest UDP payload over IPv4/IPv6 (65,535 - 8 - 20).
constexpr std::size_t max_datagram = 65535;
/// recvmmsg calls per readiness event before yielding to the io_context (posted sends of durable
/// acknowledgements go out in between).
constexpr int batches_per_wakeup = 8;
/// Room for the SO_RXQ_OVFL control message (one uint32).
constexpr std::size_t control_size = CMSG_SPACE(sizeof(std::uint32_t));
}  // namespace

/// What one recvmmsg call reads into: `batch` slots of a full-size datagram buffer, source
/// address and control message each. Allocated once per shard; the datagram buffers are not
/// zeroed, so only the pages datagrams actually reach become resident.
struct udp_listener::batch_buffers {
  explicit batch_buffers(std::size_t n)
      : data(new std::byte[n * max_datagram]), headers(n), iovecs(n), names(n), control(n) {
    for (std::size_t i = 0; i < n; ++i) {
      iovecs[i].iov_base = data.get() + i * max_datagram;
      iovecs[i].iov_len = max_datagram;
    }
    // At most one reply per datagram: collecting them never allocates beyond this.
    replies.reserve(n);
    reply_headers.reserve(n);
    reply_iovecs.reserve(n);
  }
  /// Reset the headers before a call (the kernel overwrites lengths and flags).
  void prepare() noexcept {
    for (std::size_t i = 0; i < headers.size(); ++i) {
      auto& h = headers[i].msg_hdr;
      h.msg_name = &names[i];
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_iov = &iovecs[i];
      h.msg_iovlen = 1;
      h.msg_control = control[i].data();
      h.msg_controllen = control_size;
      h.msg_flags = 0;
      headers[i].msg_len = 0;
    }
  }
  std::unique_ptr<std::byte[]> data;
  std::vector<mmsghdr> headers;
  std::vector<iovec> iovecs;
  std::vector<sockaddr_storage> names;
  std::vector<std::array<unsigned char, control_size>> control;

  /// What the datagrams of one batch are answered with (inform acknowledgements), sent
  /// together by one sendmmsg(2) once the batch is handled: one system call, and one wakeup
  /// of a sender that waits for its acknowledgements, per batch rather than per inform.
  struct reply {
    udp::endpoint to;
    std::vector<std::byte> bytes;
  };
  std::vector<reply> replies;
  std::vector<mmsghdr> reply_headers;
  std::vector<iovec> reply_iovecs;
};

namespace {
/// Open and bind the socket of a listener. Throws std::runtime_error naming the address and the
/// reason when that fails.
udp::socket bind_socket(asio::io_context& io, const listen_address& address,
                        const listener_socket_options& o) {
  udp::socket socket(io);
  boost::system::error_code ec;
  const bool v6 = address.endpoint.address().is_v6();
  socket.open(v6 ? udp::v6() : udp::v4(), ec);
  if (!ec && v6) socket.set_option(asio::ip::v6_only(true), ec);
  if (!ec && o.receive_buffer > 0) {
    const int want =
        static_cast<int>(std::min<std::size_t>(o.receive_buffer, std::size_t{1} << 30));
    socket.set_option(asio::socket_base::receive_buffer_size(want), ec);
  }
  const int one = 1;
  if (!ec && o.reuse_port &&
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    ec = boost::system::error_code(errno, boost::system::system_category());
  }
  // The kernel's drop count rides on every datagram from now on (socket(7) SO_RXQ_OVFL).
  if (!ec && ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0) {
    ec = boost::system::error_code(errno, boost::system::system_category());
  }
  if (!ec) socket.bind(address.endpoint, ec);
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
  return socket;
}

/// The address as bound: with the port the kernel chose when port 0 was asked for.
listen_address bound_address(const listen_address& asked, const udp::socket& s) {
  listen_address a = asked;
  boost::system::error_code ec;
  const auto local = s.local_endpoint(ec);
  if (!ec) a.endpoint = local;
  return a;
}
}  // namespace

udp_listener::udp_listener(asio::io_context& io, const listen_address& address,
                           community_policy policy, notification_receiver& receiver,
                           core::metrics_registry& metrics,
                           const listener_socket_options& socket_options)
    : socket_(bind_socket(io, address, socket_options)),
      bound_(bound_address(address, socket_)),
      policy_(std::move(policy)),
      receiver_(receiver),
      // Labelled with the bound address, so the shards of a port-0 listener share counters.
      stats_(metrics, bound_.to_string()),
      buffers_(
          std::make_unique<batch_buffers>(std::clamp<std::size_t>(socket_options.batch, 1, 1024))) {
  boost::system::error_code ec;
  asio::socket_base::receive_buffer_size granted;
  socket_.get_option(granted, ec);
  if (!ec) granted_rcvbuf_ = static_cast<std::size_t>(std::max(granted.value(), 0));
  peer_info_.transport = address.transport;
}

udp_listener::~udp_listener() = default;

void udp_listener::start() { wait(); }

void udp_listener::stop_receiving() {
  receiving_ = false;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void udp_listener::close() {
  receiving_ = false;
  if (socket_.is_open()) account_kernel_drops();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void udp_listener::account_kernel_drops() noexcept {
  // SO_MEMINFO (Linux 4.6+ for SK_MEMINFO_DROPS): the same counter SO_RXQ_OVFL reports, read
  // without a datagram — drops after the last datagram received are counted too.
  std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
  socklen_t len = sizeof info;
  if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_MEMINFO, info.data(), &len) == 0 &&
      len > SK_MEMINFO_DROPS * sizeof(std::uint32_t)) {
    note_drop_count(info[SK_MEMINFO_DROPS]);
  }
}

void udp_listener::note_drop_count(std::uint32_t total) noexcept {
  // The count only grows (modulo 2^32); a datagram queued before later drops carries the older,
  // smaller count, which is ignored.
  const std::uint32_t delta = total - drops_seen_;
  if (delta == 0 || delta > (std::uint32_t{1} << 31)) return;
  drops_seen_ = total;
  stats_.kernel_dropped(delta);
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

void udp_listener::send_replies() {
  auto& b = *buffers_;
  auto& rs = b.replies;
  if (rs.empty()) return;
  b.reply_headers.resize(rs.size());
  b.reply_iovecs.resize(rs.size());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    b.reply_iovecs[i].iov_base = rs[i].bytes.data();
    b.reply_iovecs[i].iov_len = rs[i].bytes.size();
    auto& h = b.reply_headers[i];
    h = mmsghdr{};
    h.msg_hdr.msg_name = rs[i].to.data();
    h.msg_hdr.msg_namelen = static_cast<socklen_t>(rs[i].to.size());
    h.msg_hdr.msg_iov = &b.reply_iovecs[i];
    h.msg_hdr.msg_iovlen = 1;
  }
  std::size_t done = 0;
  while (done < rs.size()) {
    const int sent = ::sendmmsg(socket_.native_handle(), b.reply_headers.data() + done,
                                static_cast<unsigned>(rs.size() - done), 0);
    if (sent > 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The socket's send buffer is full: send the rest one by one as before (Asio's
      // synchronous send waits until the socket is writable).
      for (; done < rs.size(); ++done) {
        boost::system::error_code ec;
        socket_.send_to(asio::buffer(rs[done].bytes), rs[done].to, 0, ec);
        if (ec) {
          stats_.dropped("send_failed");
          boost::system::error_code ignored;
          spdlog::warn("cannot acknowledge inform to {}:{}: {}",
                       rs[done].to.address().to_string(ignored), rs[done].to.port(), ec.message());
        }
      }
      break;
    }
    // The first unsent reply failed (sendmmsg reports the error of the first message only):
    // count and log it as a single send would, then go on with the next.
    const int err = sent < 0 ? errno : EIO;
    stats_.dropped("send_failed");
    boost::system::error_code ec;
    const auto address = rs[done].to.address().to_string(ec);
    spdlog::warn("cannot acknowledge inform to {}:{}: {}", address, rs[done].to.port(),
                 std::strerror(err));
    ++done;
  }
  rs.clear();
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

void udp_listener::wait() {
  socket_.async_wait(udp::socket::wait_read, [this](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted || !socket_.is_open() || !receiving_) return;
    if (ec) spdlog::debug("waiting on {}: {}", stats_.name(), ec.message());
    drain();
  });
}

void udp_listener::drain() {
  auto& b = *buffers_;
  const auto n = static_cast<unsigned>(b.headers.size());
  for (int round = 0; round < batches_per_wakeup && receiving_; ++round) {
    b.prepare();
    const int got = ::recvmmsg(socket_.native_handle(), b.headers.data(), n, MSG_DONTWAIT, nullptr);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      // ICMP errors from earlier sends (ECONNREFUSED) and the like surface here; keep receiving.
      spdlog::debug("receive on {}: {}", stats_.name(), std::strerror(errno));
      continue;
    }
    for (int i = 0; i < got && receiving_; ++i) {
      const auto& h = b.headers[static_cast<std::size_t>(i)];
      for (cmsghdr* c = CMSG_FIRSTHDR(&h.msg_hdr); c != nullptr;
           c = CMSG_NXTHDR(const_cast<msghdr*>(&h.msg_hdr), c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
            c->cmsg_len >= CMSG_LEN(sizeof(std::uint32_t))) {
          std::uint32_t total = 0;
          std::memcpy(&total, CMSG_DATA(c), sizeof total);
          note_drop_count(total);
        }
      }
      const auto* data = static_cast<const std::byte*>(h.msg_hdr.msg_iov->iov_base);
      if ((h.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        // Cannot happen with full-size buffers; counted rather than decoded half.
        stats_.received();
        stats_.dropped("truncated");
        continue;
      }
      handle_one(std::span<const std::byte>(data, h.msg_len), h.msg_hdr.msg_name,
                 h.msg_hdr.msg_namelen);
    }
    send_replies();
    if (static_cast<unsigned>(got) < n) break;  // the queue is empty (or nearly)
  }
  if (receiving_ && socket_.is_open()) wait();
}

void udp_listener::handle_one(std::span<const std::byte> datagram, const void* from,
                              std::size_t from_len) {
  if (from_len == 0 || from_len > peer_.capacity()) {
    stats_.received();
    stats_.dropped("bad_source_address");
    return;
  }
  std::memcpy(peer_.data(), from, from_len);
  peer_.resize(from_len);
  // The textual address is made only when the sender changes (a storm usually comes from a few).
  const auto ip = peer_.address();
  if (ip != peer_info_.ip || peer_info_.address.empty()) {
    peer_info_.ip = ip;
    peer_info_.address = ip.to_string();
  }
  peer_info_.port = peer_.port();
  auto reply = receiver_.handle(datagram, peer_info_, policy_, stats_, this);
  if (reply.empty()) return;
  auto& rs = buffers_->replies;
  if (rs.size() < rs.capacity()) {
    rs.push_back({peer_, std::move(reply)});  // within the reserved room: no allocation
  } else {
    send(peer_, reply, peer_info_);
  }
}

}  // namespace trapsink::receiver
