#include "cli/notify_command.hpp"

#include <boost/asio/ip/udp.hpp>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "cli/cmdgen_command.hpp"
#include "cli/mib_formatter.hpp"
#include "cli/snmp_run.hpp"
#include "cli/value_parse.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;

namespace {

/// The host's uptime in centiseconds, what snmptrap sends for an empty uptime argument.
std::uint32_t host_uptime_ticks() {
  std::ifstream f("/proc/uptime");
  double seconds = 0;
  if (f >> seconds) return static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds * 100));
  return 0;
}

std::uint32_t uptime_arg(const std::string& text) {
  if (text.empty()) return host_uptime_ticks();
  return std::get<std::uint32_t>(parse_typed_value('t', text, default_formatter()).data);
}

void add_varbinds(const varbind_formatter& fmt, const std::vector<std::string>& args,
                  std::size_t from, std::vector<msg::varbind>& out) {
  if ((args.size() - from) % 3 != 0) {
    throw std::invalid_argument("varbinds are OID TYPE VALUE triplets");
  }
  for (std::size_t i = from; i < args.size(); i += 3) {
    if (args[i + 1].size() != 1) {
      throw std::invalid_argument(args[i] + ": Bad object type: " + args[i + 1]);
    }
    out.push_back({oid_arg(fmt, args[i]), parse_typed_value(args[i + 1][0], args[i + 2], fmt)});
  }
}

/// The local address a datagram to `to` leaves from (the v1 agent-addr default).
std::array<std::uint8_t, 4> local_address_towards(const boost::asio::ip::udp::endpoint& to) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s(io);
  boost::system::error_code ec;
  s.open(boost::asio::ip::udp::v4(), ec);
  if (!ec && to.address().is_v4()) s.connect(to, ec);
  if (!ec && to.address().is_v4()) {
    auto local = s.local_endpoint(ec);
    if (!ec) return local.address().to_v4().to_bytes();
  }
  return {127, 0, 0, 1};
}

int run_notify(const std::string& name, const snmp_args& a, bool inform) {
  const auto& fmt = formatter_for(a);
  const auto& pos = a.positional;
  snmp_client client(a, 162);
  if (a.sec.version == msg::version::v1) {
    if (inform) throw std::invalid_argument("inform needs SNMPv2c or SNMPv3 (-v 2c or -v 3)");
    // snmptrap -v 1 AGENT ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...
    if (pos.size() < 5) {
      throw std::invalid_argument(
          "trap -v 1 takes ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...");
    }
    msg::trap_v1_pdu t;
    // An empty enterprise is Net-SNMP's default, .1.3.6.1.4.1.3.1.1.
    t.enterprise =
        pos[0].empty() ? snmp::ber::oid{1, 3, 6, 1, 4, 1, 3, 1, 1} : oid_arg(fmt, pos[0]);
    if (pos[1].empty()) {
      t.agent_address = local_address_towards(client.target->options().endpoint);
    } else {
      auto ip = std::get<std::string>(parse_typed_value('a', pos[1], fmt).data);
      for (std::size_t i = 0; i < 4; ++i) t.agent_address[i] = static_cast<std::uint8_t>(ip[i]);
    }
    t.generic_trap = std::get<std::int32_t>(parse_typed_value('i', pos[2], fmt).data);
    if (t.generic_trap < 0 || t.generic_trap > 6) {
      throw std::invalid_argument("generic trap '" + pos[2] + "' is not 0..6");
    }
    t.specific_trap = std::get<std::int32_t>(parse_typed_value('i', pos[3], fmt).data);
    t.time_stamp = uptime_arg(pos[4]);
    add_varbinds(fmt, pos, 5, t.varbinds);
    if (auto ec = client.session.notify_v1(*client.target, t)) {
      std::cerr << "trapsink " << name << ": " << ec.message() << '\n';
      return 1;
    }
    return 0;
  }
  // snmptrap -v 2c|3 AGENT UPTIME TRAP-OID [OID TYPE VALUE]...
  if (pos.size() < 2) {
    throw std::invalid_argument(name + " takes UPTIME TRAP-OID [OID TYPE VALUE]...");
  }
  msg::pdu p;
  p.type = inform ? msg::pdu_type::inform_request : msg::pdu_type::snmpv2_trap;
  p.varbinds.push_back({msg::well_known::sys_up_time_0, msg::value::timeticks(uptime_arg(pos[0]))});
  p.varbinds.push_back(
      {msg::well_known::snmp_trap_oid_0, msg::value::object_id(oid_arg(fmt, pos[1]))});
  add_varbinds(fmt, pos, 2, p.varbinds);
  if (!inform) {
    if (auto ec = client.session.notify(*client.target, std::move(p))) {
      std::cerr << "trapsink " << name << ": " << ec.message() << '\n';
      return 1;
    }
    return 0;
  }
  auto [ec, r] = client.run(std::move(p));
  if (ec) {
    // snmpinform says "snmpinform: Timeout" (snmp_sess_perror), not "No Response from".
    std::cerr << "trapsink " << name << ": " << ec.message() << '\n';
    return 1;
  }
  if (r.error_status != 0) {
    print_error_status(std::cerr, fmt, a.out, r, true);
    return 2;
  }
  return 0;
}

}  // namespace

std::function<std::optional<int>()> add_notify_commands(CLI::App& app) {
  auto* trap = add_passthrough_command(app, "trap", "send a notification (as snmptrap)");
  auto* inform = add_passthrough_command(
      app, "inform", "send an inform and wait for its acknowledgement (as snmpinform)");
  return [trap, inform]() -> std::optional<int> {
    for (auto* sub : {trap, inform}) {
      if (!sub->parsed()) continue;
      const std::string name = sub->get_name();
      const auto args = parse_snmp_args(sub->remaining(), false);
      if (args.help || args.agent.empty()) {
        auto& out = args.help ? std::cout : std::cerr;
        out << "Usage: trapsink " << name
            << " [OPTIONS] AGENT UPTIME TRAP-OID [OID TYPE VALUE]...\n"
            << (name == "trap" ? "       trapsink trap -v 1 [OPTIONS] AGENT ENTERPRISE AGENT-ADDR "
                                 "GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...\n"
                               : "")
            << "An empty UPTIME ('') sends the host's uptime.\n\n"
            << snmp_args_help();
        if (args.help) return 0;
        throw std::invalid_argument("no receiver given");
      }
      return run_notify(name, args, name == "inform");
    }
    return std::nullopt;
  };
}

}  // namespace trapsink::cli
