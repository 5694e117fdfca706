// `trapsink mib translate` and `trapsink mib info`: the resolver from the command line
// (docs/cli.md), like Net-SNMP's snmptranslate.
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/mib_command.hpp"
#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"

namespace trapsink::cli {
namespace {

struct translate_flags {
  std::vector<std::string> names;
  std::string output;   // -O: n, f or s
  std::string details;  // -T: d
  std::string index;
};

std::shared_ptr<const mibs::resolver> open_index(const std::string& index) {
  std::filesystem::path path;
  if (!index.empty()) {
    path = index;
  } else if (auto bundled = mibs::bundled_index_path()) {
    path = *bundled;
  } else {
    throw std::runtime_error(
        "no MIB index: no bundled index was found; give --index FILE (trapsink mib compile "
        "DIR... -o FILE makes one)");
  }
  return mibs::load_resolver(path);
}

/// `iso(1) org(3) ... ifEntry(1) 2`: the path of an OID as -Td prints it.
std::string oid_path(const mibs::resolver& r, std::span<const std::uint32_t> oid) {
  std::string out;
  for (std::size_t k = 1; k <= oid.size(); ++k) {
    if (!out.empty()) out.push_back(' ');
    const mibs::node* n = r.find(oid.first(k));
    if (n != nullptr && k < oid.size()) {
      out += n->name + "(" + std::to_string(oid[k - 1]) + ")";
    } else {
      out += std::to_string(oid[k - 1]);
    }
  }
  return out;
}

std::string syntax_text(const mibs::type_info& t) {
  std::string out(mibs::to_string(t.base));
  if (t.base == mibs::base_type::integer32 && !t.enums.empty()) out = "INTEGER";
  if (!t.enums.empty()) {
    out += " {";
    for (std::size_t i = 0; i < t.enums.size(); ++i) {
      out += (i ? ", " : "") + t.enums[i].label + "(" + std::to_string(t.enums[i].value) + ")";
    }
    out += "}";
  }
  if (!t.ranges.empty()) {
    out += t.base == mibs::base_type::octet_string || t.base == mibs::base_type::opaque ? " (SIZE ("
                                                                                        : " (";
    for (std::size_t i = 0; i < t.ranges.size(); ++i) {
      out += i ? " | " : "";
      out += std::to_string(t.ranges[i].min);
      if (t.ranges[i].max != t.ranges[i].min) out += ".." + std::to_string(t.ranges[i].max);
    }
    out +=
        t.base == mibs::base_type::octet_string || t.base == mibs::base_type::opaque ? "))" : ")";
  }
  return out;
}

/// The details view (-Td, mib info): what the MIB says about the node an OID falls under.
void print_details(const mibs::resolver& r, std::span<const std::uint32_t> oid, std::ostream& os) {
  const auto m = r.lookup(oid);
  os << r.name(oid) << '\n';
  if (m.n == nullptr) {
    os << "  -- not defined in any loaded module\n";
    return;
  }
  const mibs::node& n = *m.n;
  os << n.name << ' ';
  if (n.trap_type) {
    os << "TRAP-TYPE";
  } else {
    switch (n.kind) {
      case mibs::node_kind::scalar:
      case mibs::node_kind::table:
      case mibs::node_kind::row:
      case mibs::node_kind::column:
        os << "OBJECT-TYPE";
        break;
      case mibs::node_kind::notification:
        os << "NOTIFICATION-TYPE";
        break;
      case mibs::node_kind::group:
        os << "OBJECT-GROUP";
        break;
      default:
        os << mibs::to_string(n.kind);
        break;
    }
  }
  os << "\n  -- FROM\t" << r.module_of(n) << '\n';
  if (!n.syntax.tc_name.empty() && n.syntax.base != mibs::base_type::sequence &&
      n.syntax.base != mibs::base_type::sequence_of) {
    os << "  -- TEXTUAL CONVENTION " << n.syntax.tc_module << "::" << n.syntax.tc_name << '\n';
  }
  if (n.syntax.base != mibs::base_type::none) {
    os << "  SYNTAX\t" << syntax_text(n.syntax) << '\n';
  }
  if (!n.syntax.display_hint.empty()) os << "  DISPLAY-HINT\t\"" << n.syntax.display_hint << "\"\n";
  if (!n.syntax.units.empty()) os << "  UNITS\t\"" << n.syntax.units << "\"\n";
  if (n.access != mibs::access::none) os << "  MAX-ACCESS\t" << mibs::to_string(n.access) << '\n';
  if (n.kind != mibs::node_kind::oid) os << "  STATUS\t" << mibs::to_string(n.status) << '\n';
  if (n.kind == mibs::node_kind::row) {
    const auto items = r.index_of(n);
    if (n.augments) os << "  AUGMENTS\t{ " << n.augments->name << " }\n";
    if (!items.empty()) {
      os << "  INDEX\t{ ";
      for (std::size_t i = 0; i < items.size(); ++i) {
        os << (i ? ", " : "") << (n.implied && i + 1 == items.size() ? "IMPLIED " : "")
           << items[i].name;
      }
      os << " }\n";
    }
  }
  if (const mibs::node* row = r.row_of(n); row != nullptr && !r.index_of(*row).empty()) {
    os << "  -- INDEX of " << row->name << "\t{ ";
    const auto items = r.index_of(*row);
    for (std::size_t i = 0; i < items.size(); ++i) os << (i ? ", " : "") << items[i].name;
    os << " }\n";
  }
  if (!n.objects.empty()) {
    os << (n.trap_type ? "  VARIABLES\t{ " : "  OBJECTS\t{ ");
    for (std::size_t i = 0; i < n.objects.size(); ++i) {
      os << (i ? ", " : "") << n.objects[i].name;
    }
    os << " }\n";
  }
  if (!n.defval.empty()) os << "  DEFVAL\t{ " << n.defval << " }\n";
  if (!n.description.empty()) os << "  DESCRIPTION\t\"" << n.description << "\"\n";
  if (n.trap_type) {
    std::string ent;
    for (auto a : n.enterprise) ent += (ent.empty() ? "" : ".") + std::to_string(a);
    os << "  ENTERPRISE\t" << r.name(n.enterprise) << " (" << ent << ")\n";
    os << "::= " << n.specific << '\n';
  } else {
    os << "::= { " << oid_path(r, n.oid) << " }\n";
  }
}

int run_translate(const translate_flags& f) {
  mibs::name_style style = mibs::name_style::module;
  if (f.output == "n") {
    style = mibs::name_style::numeric;
  } else if (f.output == "f") {
    style = mibs::name_style::full;
  } else if (f.output == "s") {
    style = mibs::name_style::label;
  } else if (!f.output.empty()) {
    throw std::invalid_argument("-O" + f.output + ": unknown output option (n, f or s)");
  }
  if (!f.details.empty() && f.details != "d") {
    throw std::invalid_argument("-T" + f.details + ": unknown option (d)");
  }
  const auto r = open_index(f.index);
  int failures = 0;
  std::string line;
  // From standard input a line that does not translate gives an empty output line, so that
  // output lines match input lines; the error goes to standard error either way.
  const bool batch = f.names.empty();
  auto one = [&](std::string_view text) {
    std::string error;
    const auto oid = r->parse(text, &error);
    if (!oid) {
      std::cout.flush();
      std::cerr << "trapsink: " << text << ": " << error << '\n';
      if (batch && f.details.empty()) std::cout << '\n';
      ++failures;
      return;
    }
    if (f.details == "d") {
      print_details(*r, *oid, std::cout);
    } else {
      line.clear();
      r->append_name(*oid, line, style);
      line.push_back('\n');
      std::cout << line;
    }
  };
  if (f.names.empty()) {
    std::string in;
    while (std::getline(std::cin, in)) {
      if (in.find_first_not_of(" \t\r") == std::string::npos) continue;
      one(in);
    }
  } else {
    for (const auto& n : f.names) one(n);
  }
  std::cout.flush();
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_mib_translate_command(mib_group& group) {
  auto flags = std::make_shared<translate_flags>();
  auto* cmd = group.app->add_subcommand(
      "translate",
      "Translate names to OIDs and OIDs to names, like snmptranslate: IF-MIB::ifDescr.7, "
      "ifDescr.7, .1.3.6.1..., iso.org.dod..., an object with index values "
      "(tcpConnectionState.ipv4.\"10.0.0.1\".22...); without arguments, one per line from "
      "standard input. Exit 1 when one did not translate");
  cmd->add_option("names", flags->names, "names or OIDs (none: read standard input)");
  cmd->add_option("-O", flags->output,
                  "output: n numeric (.1.3.6...), f full path (.iso.org...), s name only; "
                  "default MODULE::name")
      ->type_name("n|f|s");
  cmd->add_option("-T", flags->details, "d: print the details of each node (as mib info)")
      ->type_name("d");
  cmd->add_option("--index", flags->index, "compiled index to use (default: the bundled one)")
      ->type_name("FILE");
  group.runners.emplace_back("translate", [flags]() { return run_translate(*flags); });

  auto info_flags = std::make_shared<translate_flags>();
  auto* info = group.app->add_subcommand(
      "info",
      "Show what the MIBs say about a name or OID: syntax, access, index, description, module");
  info->add_option("names", info_flags->names, "names or OIDs")->required();
  info->add_option("--index", info_flags->index, "compiled index to use (default: the bundled one)")
      ->type_name("FILE");
  group.runners.emplace_back("info", [info_flags]() {
    info_flags->details = "d";
    return run_translate(*info_flags);
  });
}

}  // namespace trapsink::cli
