// The ceiling of this machine for the receive-path benchmark (tests/bench/vs_snmptrapd.py): a
// UDP receiver that only counts datagrams, read with recvmmsg(2) in batches of 64, one socket
// (SO_REUSEPORT) and thread per shard. It decodes nothing and writes nothing.
//
//   bare_receiver [--port P] [--shards N] [--rcvbuf BYTES]
//
// Prints "listening on udp:127.0.0.1:PORT" once bound; on SIGTERM or SIGINT prints
// "received N kernel_drops D" and exits 0.
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop{false};
extern "C" void on_signal(int) { stop.store(true); }

int open_socket(std::uint16_t port, int rcvbuf, bool reuse) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  const int one = 1;
  if (reuse) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint32_t kernel_drops(int fd) {
  std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info.data(), &len) != 0) return 0;
  return info[SK_MEMINFO_DROPS];
}

void receive(int fd, std::atomic<std::uint64_t>& count) {
  constexpr unsigned n = 64;
  constexpr std::size_t size = 2048;
  std::vector<char> data(n * size);
  std::array<iovec, n> iov{};
  std::array<mmsghdr, n> hdr{};
  pollfd p{fd, POLLIN, 0};
  std::uint64_t local = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (::poll(&p, 1, 100) <= 0) continue;
    for (;;) {
      for (unsigned i = 0; i < n; ++i) {
        iov[i] = {data.data() + i * size, size};
        hdr[i] = {};
        hdr[i].msg_hdr.msg_iov = &iov[i];
        hdr[i].msg_hdr.msg_iovlen = 1;
      }
      const int got = ::recvmmsg(fd, hdr.data(), n, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      local += static_cast<std::uint64_t>(got);
      if (static_cast<unsigned>(got) < n) break;
    }
    count.store(local, std::memory_order_relaxed);
  }
  count.store(local, std::memory_order_relaxed);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  int shards = 1;
  int rcvbuf = 32 * 1024 * 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--port") {
      port = static_cast<std::uint16_t>(v);
    } else if (flag == "--shards") {
      shards = static_cast<int>(v);
    } else if (flag == "--rcvbuf") {
      rcvbuf = static_cast<int>(v);
    } else {
      std::fprintf(stderr, "usage: bare_receiver [--port P] [--shards N] [--rcvbuf BYTES]\n");
      return 2;
    }
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::vector<int> fds;
  for (int s = 0; s < shards; ++s) {
    const int fd = open_socket(port, rcvbuf, shards > 1);
    if (fd < 0) {
      std::fprintf(stderr, "bare_receiver: cannot bind 127.0.0.1:%u: %s\n", port,
                   std::strerror(errno));
      return 1;
    }
    if (port == 0) {
      sockaddr_in a{};
      socklen_t len = sizeof a;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      port = ntohs(a.sin_port);
    }
    fds.push_back(fd);
  }
  std::printf("listening on udp:127.0.0.1:%u\n", port);
  std::fflush(stdout);
  std::vector<std::atomic<std::uint64_t>> counts(fds.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    threads.emplace_back([&, i] { receive(fds[i], counts[i]); });
  }
  for (auto& t : threads) t.join();
  std::uint64_t total = 0;
  std::uint64_t drops = 0;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    total += counts[i].load();
    drops += kernel_drops(fds[i]);
    ::close(fds[i]);
  }
  std::printf("received %llu kernel_drops %llu\n", static_cast<unsigned long long>(total),
              static_cast<unsigned long long>(drops));
  return 0;
}
