#pragma once
// An in-process SNMP v1/v2c agent on loopback for the command generator's unit tests, and
// helpers to run the io_context until something happened.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "snmp/cmdgen/agent.hpp"
#include "snmp/message/codec.hpp"

namespace trapsink::snmp::cmdgen::test {
namespace asio = boost::asio;
using asio::ip::udp;
namespace msg = snmp::message;

/// A v1/v2c agent serving a sorted table; answer() may be replaced to misbehave.
class fake_agent {
 public:
  explicit fake_agent(asio::io_context& io)
      : sock_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    receive();
  }
  udp::endpoint endpoint() const { return sock_.local_endpoint(); }
  std::map<ber::oid, msg::value> table;
  int received = 0;
  int drop_first = 0;  ///< ignore this many requests
  /// Called before answering: may change the response; return false to send nothing.
  std::function<bool(msg::community_message&)> tamper;
  /// Datagrams sent before the answer (garbage, truncated copies ...).
  std::function<std::vector<std::vector<std::byte>>(const std::vector<std::byte>&)> junk;

 private:
  void receive() {
    sock_.async_receive_from(
        asio::buffer(buf_), from_, [this](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          ++received;
          auto m = msg::decode_community(std::span<const std::byte>(buf_.data(), n));
          if (m && received > drop_first) {
            auto& req = std::get<msg::pdu>(m->body);
            msg::pdu r;
            r.type = msg::pdu_type::response;
            r.request_id = req.request_id;
            if (req.type == msg::pdu_type::get_request) {
              for (auto& vb : req.varbinds) {
                auto it = table.find(vb.name);
                r.varbinds.push_back(
                    {vb.name, it != table.end() ? it->second
                                                : msg::value::exception(ber::tag::no_such_object)});
              }
            } else {
              const int reps = req.type == msg::pdu_type::get_bulk_request ? req.error_index : 1;
              for (auto& vb : req.varbinds) {
                ber::oid at = vb.name;
                for (int i = 0; i < reps; ++i) {
                  auto it = table.upper_bound(at);
                  if (it == table.end()) {
                    r.varbinds.push_back({at, msg::value::exception(ber::tag::end_of_mib_view)});
                    break;
                  }
                  r.varbinds.push_back({it->first, it->second});
                  at = it->first;
                }
              }
            }
            msg::community_message out{m->ver, m->community, r};
            if (!tamper || tamper(out)) {
              auto bytes = msg::encode(out);
              if (junk) {
                for (const auto& j : junk(bytes)) sock_.send_to(asio::buffer(j), from_);
              }
              sock_.send_to(asio::buffer(bytes), from_);
            }
          }
          receive();
        });
  }
  udp::socket sock_;
  udp::endpoint from_;
  std::array<std::byte, 65536> buf_{};
};

/// Run handlers until done() or the deadline (the receive loops never run out of work).
template <typename Pred>
void run_until(asio::io_context& io, Pred done,
               std::chrono::seconds limit = std::chrono::seconds(10)) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(20));
  }
}

inline std::shared_ptr<agent> make_agent(
    const udp::endpoint& ep, int retries = 1,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) {
  agent_options o;
  o.endpoint = ep;
  o.display = "test";
  o.retries = retries;
  o.timeout = timeout;
  return std::make_shared<agent>(o);
}

}  // namespace trapsink::snmp::cmdgen::test
