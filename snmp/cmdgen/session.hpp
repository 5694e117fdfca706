#pragma once
// The command generator and notification originator engine (RFC 3413 §3.1, §3.3): one UDP
// socket per address family, any number of requests in flight, matched by request-id (v1,
// v2c) or msgID (v3, a new one per transmission as RFC 3412 §7.1 step 1a asks), each with its
// own timeout and retries. SNMPv3 uses USM as the non-authoritative side: an empty-engine-ID
// probe discovers the agent's engine (RFC 3414 §4) — one probe per agent however many
// requests wait for it —, an authenticated notInTimeWindow Report resynchronises boots/time
// once per request, and other Reports end the request with their error.
//
// Everything runs on the executor given at construction; the session is not thread-safe (post
// to its executor from other threads). No exceptions for network or protocol errors: handlers
// get an error_code (cmdgen::errc or a system error).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "snmp/cmdgen/agent.hpp"
#include "snmp/cmdgen/errc.hpp"
#include "snmp/message/pdu.hpp"

namespace trapsink::snmp::cmdgen {

/// Counters of a session.
struct session_stats {
  std::uint64_t requests = 0;         ///< requests started
  std::uint64_t transmissions = 0;    ///< datagrams sent (requests, retries, probes, traps)
  std::uint64_t retransmissions = 0;  ///< retries after a timeout
  std::uint64_t responses = 0;        ///< responses matched to a request
  std::uint64_t timeouts = 0;         ///< requests that ended without a response
  std::uint64_t discoveries = 0;      ///< engine discovery probes sent
  std::uint64_t resyncs = 0;          ///< notInTimeWindow resynchronisations
  std::uint64_t unmatched = 0;        ///< datagrams that matched no request (late, stray)
  std::uint64_t malformed = 0;        ///< datagrams that did not decode or verify
};

/// The engine. Create it on an io_context's executor and keep it alive while requests run.
class session {
 public:
  /// Called once per request with the response PDU (its error-status may be non-zero: that is
  /// the agent's answer, not a failure of the request) or an error.
  using handler = std::function<void(boost::system::error_code, message::pdu)>;

  explicit session(boost::asio::any_io_executor ex);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Send a confirmed-class PDU (Get, GetNext, GetBulk, Set, Inform) to the agent and call h
  /// with the response. The request-id is assigned here. For SNMPv3 the agent's engine is
  /// discovered first when unknown.
  void request(std::shared_ptr<agent> a, message::pdu p, handler h);

  /// Send an SNMPv2-Trap-PDU (v2c, v3) once, no response expected. For v3 the local engine is
  /// authoritative: a->engine_id() when set (-e), else a generated one is set on the agent.
  boost::system::error_code notify(agent& a, message::pdu trap);

  /// Send an SNMPv1 Trap-PDU once.
  boost::system::error_code notify_v1(agent& a, const message::trap_v1_pdu& trap);

  /// Fail every request in flight with errc::cancelled and close the sockets.
  void close();

  /// The executor everything runs on.
  const boost::asio::any_io_executor& executor() const noexcept { return ex_; }

  /// Requests in flight (including those waiting for discovery).
  std::size_t in_flight() const noexcept { return live_; }
  const session_stats& stats() const noexcept { return stats_; }

 private:
  struct pending;
  struct socket_state;

  std::int32_t next_id();
  socket_state* socket_for(const boost::asio::ip::udp::endpoint& to, boost::system::error_code& ec);
  void start(const std::shared_ptr<pending>& p);
  void transmit(const std::shared_ptr<pending>& p);
  void arm_timer(const std::shared_ptr<pending>& p);
  void finish(const std::shared_ptr<pending>& p, boost::system::error_code ec,
              message::pdu response);
  void discover(const std::shared_ptr<agent>& a, const std::shared_ptr<pending>& waiter);
  std::vector<std::byte> encode(pending& p, std::int32_t id);
  boost::system::error_code send(const boost::asio::ip::udp::endpoint& to,
                                 std::span<const std::byte> bytes);
  void receive(socket_state& s);
  void on_datagram(std::span<const std::byte> bytes, const boost::asio::ip::udp::endpoint& from);
  void on_community(std::span<const std::byte> bytes, const boost::asio::ip::udp::endpoint& from);
  void on_v3(std::span<const std::byte> bytes, const boost::asio::ip::udp::endpoint& from);

  boost::asio::any_io_executor ex_;
  std::unique_ptr<socket_state> v4_;
  std::unique_ptr<socket_state> v6_;
  std::unordered_map<std::int32_t, std::shared_ptr<pending>> table_;
  std::unordered_map<const agent*, std::vector<std::shared_ptr<pending>>> discovering_;
  std::int32_t id_ = 1;
  std::size_t live_ = 0;
  session_stats stats_;
  std::shared_ptr<bool> alive_;
};

}  // namespace trapsink::snmp::cmdgen
