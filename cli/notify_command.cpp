#include "cli/notify_command.hpp"

#include <boost/asio/ip/udp.hpp>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "cli/cmdgen_command.hpp"
#include "cli/mib_formatter.hpp"
#include "cli/notification_objects.hpp"
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

/// The OID TYPE VALUE triplets from args[from], expanded to the notification's OBJECTS first
/// when --objects names an index (notification: the trap OID argument).
std::vector<msg::varbind> varbinds_arg(const varbind_formatter& fmt, const snmp_args& a,
                                       std::size_t from, const mibs::node* notification) {
  const auto& args = a.positional;
  if ((args.size() - from) % 3 != 0) {
    throw std::invalid_argument("varbinds are OID TYPE VALUE triplets");
  }
  std::vector<msg::varbind> out;
  for (std::size_t i = from; i < args.size(); i += 3) {
    out.push_back(parse_varbind(fmt, args[i], args[i + 1], args[i + 2]));
  }
  if (notification == nullptr) return out;
  return expand_objects(fmt, *notification, *a.objects_index, std::move(out));
}

/// GENERIC or SPECIFIC of the v1 form with --objects: '' takes the MIB's number, another
/// number must be the same.
void check_v1_number(const std::string& given, std::int32_t from_mib, const char* what,
                     const std::string& notification, const varbind_formatter& fmt) {
  if (given.empty()) return;
  const auto v = std::get<std::int32_t>(parse_typed_value('i', given, fmt).data);
  if (v != from_mib) {
    throw std::invalid_argument(std::string(what) + " '" + given + "' is not " + notification +
                                "'s (" + std::to_string(from_mib) +
                                "); give '' to take it from the MIB");
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
    const mibs::node* notification = nullptr;
    if (a.objects_index) {
      // --objects: ENTERPRISE names the notification; the Trap-PDU's identity is the MIB's.
      notification = &notification_node(fmt, oid_arg(fmt, pos[0]), pos[0]);
      set_v1_identity(*notification, t);
      check_v1_number(pos[2], t.generic_trap, "GENERIC", pos[0], fmt);
      check_v1_number(pos[3], t.specific_trap, "SPECIFIC", pos[0], fmt);
    } else {
      // An empty enterprise is Net-SNMP's default, .1.3.6.1.4.1.3.1.1.
      t.enterprise =
          pos[0].empty() ? snmp::ber::oid{1, 3, 6, 1, 4, 1, 3, 1, 1} : oid_arg(fmt, pos[0]);
      t.generic_trap = std::get<std::int32_t>(parse_typed_value('i', pos[2], fmt).data);
      if (t.generic_trap < 0 || t.generic_trap > 6) {
        throw std::invalid_argument("generic trap '" + pos[2] + "' is not 0..6");
      }
      t.specific_trap = std::get<std::int32_t>(parse_typed_value('i', pos[3], fmt).data);
    }
    if (pos[1].empty()) {
      t.agent_address = local_address_towards(client.target->options().endpoint);
    } else {
      auto ip = std::get<std::string>(parse_typed_value('a', pos[1], fmt).data);
      for (std::size_t i = 0; i < 4; ++i) t.agent_address[i] = static_cast<std::uint8_t>(ip[i]);
    }
    t.time_stamp = uptime_arg(pos[4]);
    t.varbinds = varbinds_arg(fmt, a, 5, notification);
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
  auto trap_oid = oid_arg(fmt, pos[1]);
  const auto* notification = a.objects_index ? &notification_node(fmt, trap_oid, pos[1]) : nullptr;
  p.varbinds.push_back({msg::well_known::snmp_trap_oid_0, msg::value::object_id(trap_oid)});
  auto rest = varbinds_arg(fmt, a, 2, notification);
  p.varbinds.insert(p.varbinds.end(), std::make_move_iterator(rest.begin()),
                    std::make_move_iterator(rest.end()));
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
            << " [OPTIONS] [--objects INDEX] AGENT UPTIME TRAP-OID [OID TYPE VALUE]...\n"
            << (name == "trap" ? "       trapsink trap -v 1 [OPTIONS] AGENT ENTERPRISE AGENT-ADDR "
                                 "GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...\n"
                               : "")
            << "An empty UPTIME ('') sends the host's uptime.\n"
            << "--objects INDEX (before AGENT): the notification named by TRAP-OID (v1: "
               "ENTERPRISE,\n"
            << "  with GENERIC and SPECIFIC '' or the MIB's) starts with its OBJECTS, each "
               "OBJECT.INDEX\n"
            << "  (a scalar OBJECT.0), valued by a given OID TYPE VALUE that names it, else "
               "NULL.\n"
            << "TYPE '=' takes the type from the MIB (enumeration labels and bit names "
               "too).\n\n"
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
