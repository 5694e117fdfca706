#include "cli/cmdgen_command.hpp"

#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/mib_formatter.hpp"
#include "cli/snmp_run.hpp"
#include "cli/value_parse.hpp"
#include "snmp/cmdgen/walk.hpp"

namespace trapsink::cli {
namespace msg = snmp::message;
using snmp::cmdgen::errc;

namespace {

constexpr std::int32_t no_such_name = 2;

struct command {
  std::string name;
  std::string usage;
  CLI::App* sub = nullptr;
};

int usage(const command& c, std::ostream& out) {
  out << "Usage: trapsink " << c.name << " [OPTIONS] AGENT " << c.usage << "\n\n"
      << snmp_args_help();
  return 0;
}

/// get, getnext: Net-SNMP's snmpget / snmpgetnext, including the SNMPv1 fix-up (a
/// noSuchName answer is printed, the failed varbind removed and the request sent again).
int run_get(const command& c, const snmp_args& a, msg::pdu_type type) {
  if (a.positional.empty()) throw std::invalid_argument("Missing object name");
  const auto& fmt = formatter_for(a);
  msg::pdu p;
  p.type = type;
  for (const auto& text : a.positional) p.varbinds.push_back({oid_arg(fmt, text), {}});
  snmp_client client(a, 161);
  int rc = 0;
  // snmpget prints "Error in packet" without a period, snmpgetnext with one.
  const bool period = type != msg::pdu_type::get_request;
  for (;;) {
    auto [ec, r] = client.run(p);
    if (ec) return print_failure(std::cerr, "trapsink " + c.name, *client.target, ec, true);
    if (r.error_status == 0) {
      for (const auto& vb : r.varbinds) print_varbind(std::cout, fmt, a, vb);
      return rc;
    }
    print_error_status(std::cerr, fmt, a.out, r, period);
    rc = 2;
    const auto idx = static_cast<std::size_t>(r.error_index);
    if (a.sec.version != msg::version::v1 || r.error_status != no_such_name ||
        has_app_flag(a, 'f') || idx == 0 || idx > p.varbinds.size()) {
      return rc;
    }
    p.varbinds.erase(p.varbinds.begin() + static_cast<std::ptrdiff_t>(idx - 1));
    p.request_id = 0;
    if (p.varbinds.empty()) return rc;
  }
}

int run_getbulk(const command& c, const snmp_args& a) {
  if (a.sec.version == msg::version::v1) {
    throw std::invalid_argument("getbulk needs SNMPv2c or SNMPv3 (-v 2c or -v 3)");
  }
  if (a.positional.empty()) throw std::invalid_argument("Missing object name");
  const auto& fmt = formatter_for(a);
  msg::pdu p;
  p.type = msg::pdu_type::get_bulk_request;
  p.error_status = app_flag_number(a, 'n', 0);  // non-repeaters
  p.error_index = app_flag_number(a, 'r', 10);  // max-repetitions
  for (const auto& text : a.positional) p.varbinds.push_back({oid_arg(fmt, text), {}});
  snmp_client client(a, 161);
  auto [ec, r] = client.run(p);
  if (ec) return print_failure(std::cerr, "trapsink " + c.name, *client.target, ec, false);
  if (r.error_status != 0) {
    print_error_status(std::cerr, fmt, a.out, r, true);
    return 2;
  }
  for (const auto& vb : r.varbinds) print_varbind(std::cout, fmt, a, vb);
  return 0;
}

int run_set(const command& c, const snmp_args& a) {
  if (a.positional.empty() || a.positional.size() % 3 != 0) {
    throw std::invalid_argument(
        "set takes OID TYPE VALUE triplets (e.g. .1.3.6.1.2.1.1.4.0 s "
        "admin)");
  }
  const auto& fmt = formatter_for(a);
  msg::pdu p;
  p.type = msg::pdu_type::set_request;
  for (std::size_t i = 0; i < a.positional.size(); i += 3) {
    p.varbinds.push_back(
        parse_varbind(fmt, a.positional[i], a.positional[i + 1], a.positional[i + 2]));
  }
  snmp_client client(a, 161);
  auto [ec, r] = client.run(p);
  if (ec) return print_failure(std::cerr, "trapsink " + c.name, *client.target, ec, false);
  if (r.error_status != 0) {
    print_error_status(std::cerr, fmt, a.out, r, true);
    return 2;
  }
  for (const auto& vb : r.varbinds) print_varbind(std::cout, fmt, a, vb);
  return 0;
}

/// walk, bulkwalk: Net-SNMP's snmpwalk / snmpbulkwalk, line for line.
int run_walk(const command& c, const snmp_args& a, bool bulk) {
  if (bulk && a.sec.version == msg::version::v1) {
    throw std::invalid_argument("bulkwalk needs SNMPv2c or SNMPv3 (-v 2c or -v 3)");
  }
  if (a.positional.size() > 1) throw std::invalid_argument("walk takes one OID (the subtree)");
  const auto& fmt = formatter_for(a);
  // snmpwalk's default subtree: mib-2.
  const auto root =
      a.positional.empty() ? snmp::ber::oid{1, 3, 6, 1, 2, 1} : oid_arg(fmt, a.positional.front());
  snmp_client client(a, 161);
  std::size_t printed = 0;
  auto get_root = [&] {
    msg::pdu g;
    g.type = msg::pdu_type::get_request;
    g.varbinds.push_back({root, {}});
    auto [ec, r] = client.run(g);
    if (!ec && r.error_status == 0) {
      for (const auto& vb : r.varbinds) {
        print_varbind(std::cout, fmt, a, vb);
        ++printed;
      }
    }
  };
  if (has_app_flag(a, 'i')) get_root();  // -Ci: include the requested OID
  snmp::cmdgen::walk_options wo;
  wo.bulk = bulk;
  wo.max_repetitions = app_flag_number(a, 'r', 10);
  wo.check_increasing = !has_app_flag(a, 'c');
  snmp::cmdgen::walk_outcome out;
  bool walked = false;
  snmp::cmdgen::async_walk(
      client.session, client.target, root, wo,
      [&](const msg::varbind& vb) { print_varbind(std::cout, fmt, a, vb); },
      [&](snmp::cmdgen::walk_outcome o) {
        out = std::move(o);
        walked = true;
      });
  client.run_until([&] { return walked; });
  printed += out.count;
  int rc = 0;
  bool answered = true;  // Net-SNMP's status == STAT_SUCCESS
  if (out.ec == errc::oid_not_increasing) {
    std::cout.flush();
    std::cerr << "Error: OID not increasing: " << fmt.name(out.previous, a.out)
              << "\n >= " << fmt.name(out.offending, a.out) << '\n';
    rc = 1;
  } else if (out.ec) {
    rc = print_failure(std::cerr, "trapsink " + c.name, *client.target, out.ec, false);
    answered = false;
  } else if (out.end_of_mib) {
    std::cout << "End of MIB\n";
  } else if (out.error_status != 0) {
    std::cerr << "Error in packet.\nReason: " << error_status_text(out.error_status) << '\n';
    if (out.failed_oid) std::cerr << "Failed object: " << fmt.name(*out.failed_oid, a.out) << '\n';
    rc = 2;
  }
  if (printed == 0 && answered && !has_app_flag(a, 'I')) {
    // As snmpwalk: nothing under the root may mean the root is itself an instance.
    get_root();
  }
  if (has_app_flag(a, 'p')) std::cout << "Variables found: " << printed << '\n';
  return rc;
}

}  // namespace

CLI::App* add_passthrough_command(CLI::App& app, const std::string& name,
                                  const std::string& description) {
  auto* sub = app.add_subcommand(name, description);
  sub->set_help_flag();  // -h and --help are read by our own parser
  sub->prefix_command();
  sub->allow_extras();
  return sub;
}

std::function<std::optional<int>()> add_cmdgen_commands(CLI::App& app) {
  auto commands = std::make_shared<std::vector<command>>(std::vector<command>{
      {"get", "OID...", nullptr},
      {"getnext", "OID...", nullptr},
      {"getbulk", "OID... (-Cn NON-REPEATERS, -Cr MAX-REPETITIONS)", nullptr},
      {"set", "OID TYPE VALUE...", nullptr},
      {"walk", "[OID]", nullptr},
      {"bulkwalk", "[OID] (-Cr MAX-REPETITIONS)", nullptr},
  });
  const char* descriptions[] = {"GET request (as snmpget)",
                                "GETNEXT request (as snmpgetnext)",
                                "GETBULK request (as snmpbulkget)",
                                "SET request (as snmpset)",
                                "walk a subtree with GETNEXT (as snmpwalk)",
                                "walk a subtree with GETBULK (as snmpbulkwalk)"};
  for (std::size_t i = 0; i < commands->size(); ++i) {
    (*commands)[i].sub = add_passthrough_command(app, (*commands)[i].name, descriptions[i]);
  }
  return [commands]() -> std::optional<int> {
    for (const auto& c : *commands) {
      if (!c.sub->parsed()) continue;
      // Like Net-SNMP's tools, the get and walk commands take options after the agent too;
      // set does not (so a value such as -5 stays a value).
      const auto args = parse_snmp_args(c.sub->remaining(), c.name != "set");
      if (args.help) return usage(c, std::cout);
      if (args.agent.empty()) {
        usage(c, std::cerr);
        throw std::invalid_argument("no agent given");
      }
      if (args.objects_index) throw std::invalid_argument("--objects is for trap and inform");
      if (c.name == "get") return run_get(c, args, msg::pdu_type::get_request);
      if (c.name == "getnext") return run_get(c, args, msg::pdu_type::get_next_request);
      if (c.name == "getbulk") return run_getbulk(c, args);
      if (c.name == "set") return run_set(c, args);
      if (c.name == "walk") return run_walk(c, args, false);
      if (c.name == "bulkwalk") return run_walk(c, args, true);
    }
    return std::nullopt;
  };
}

}  // namespace trapsink::cli
