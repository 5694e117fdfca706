#include "cli/mib_command.hpp"

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include "mibs/compiler/compiler.hpp"
#include "mibs/index/index_file.hpp"

namespace trapsink::cli {
namespace {

/// The leniency options by the name --no-leniency takes (docs/mibs.md).
std::map<std::string, bool mibs::compiler::leniency::*> leniency_names() {
  using L = mibs::compiler::leniency;
  return {{"underscores", &L::underscores},
          {"uppercase_identifiers", &L::uppercase_identifiers},
          {"trailing_commas", &L::trailing_commas},
          {"missing_base_imports", &L::missing_base_imports},
          {"smi_mixing", &L::smi_mixing},
          {"global_symbols", &L::global_symbols},
          {"unknown_clauses", &L::unknown_clauses},
          {"imports_without_semicolon", &L::imports_without_semicolon},
          {"missing_commas", &L::missing_commas},
          {"module_aliases", &L::module_aliases},
          {"missing_end", &L::missing_end}};
}

struct compile_flags {
  std::vector<std::string> paths;
  std::string output;
  bool strict = false;
  bool quiet = false;
  std::vector<std::string> no_leniency;
};

int run_compile(const compile_flags& f) {
  mibs::compiler::leniency lenient;
  const auto names = leniency_names();
  for (const auto& n : f.no_leniency) {
    const auto it = names.find(n);
    if (it == names.end()) throw std::invalid_argument("--no-leniency: unknown option '" + n + "'");
    lenient.*(it->second) = false;
  }
  std::vector<std::filesystem::path> paths(f.paths.begin(), f.paths.end());
  const auto started = std::chrono::steady_clock::now();
  const auto files = mibs::compiler::discover_files(paths);
  auto result = mibs::compiler::compile_files(files, lenient);
  const auto& set = result.set;

  std::size_t compiled = 0, failed = 0, missing = 0;
  std::map<std::uint32_t, std::size_t> nodes_per_module;
  for (const auto& n : set.nodes) ++nodes_per_module[n.module];
  for (std::size_t i = 0; i < set.modules.size(); ++i) {
    const auto& m = set.modules[i];
    switch (m.outcome) {
      case mibs::module_outcome::compiled:
        ++compiled;
        break;
      case mibs::module_outcome::failed:
        ++failed;
        break;
      case mibs::module_outcome::missing_import:
        ++missing;
        break;
    }
    if (f.quiet) continue;
    for (const auto& d : m.diagnostics) {
      if (d.severity == mibs::diagnostic::level::note) continue;
      std::cerr << d.file << ':' << d.line << ':' << d.column << ": " << mibs::to_string(d.severity)
                << ": " << d.message << '\n';
    }
  }
  if (!f.quiet) {
    for (std::size_t i = 0; i < set.modules.size(); ++i) {
      const auto& m = set.modules[i];
      std::cout << m.name << ": " << mibs::to_string(m.outcome);
      if (m.outcome == mibs::module_outcome::missing_import) {
        std::cout << " (";
        for (std::size_t j = 0; j < m.missing_imports.size(); ++j)
          std::cout << (j ? ", " : "") << m.missing_imports[j];
        std::cout << ')';
      }
      const auto it = nodes_per_module.find(static_cast<std::uint32_t>(i));
      std::cout << ", " << (it == nodes_per_module.end() ? 0 : it->second) << " nodes, " << m.file
                << '\n';
    }
  }
  mibs::write_index(set, f.output);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  std::cout << set.modules.size() << " modules (" << compiled << " compiled, " << failed
            << " failed, " << missing << " missing imports) from " << result.files_read
            << " files, " << set.nodes.size() << " nodes, written to " << f.output << " in " << ms
            << " ms\n";
  if (f.strict && (failed > 0 || missing > 0)) {
    std::cerr << "trapsink: mib compile --strict: " << failed + missing
              << " modules did not compile\n";
    return 1;
  }
  return 0;
}

}  // namespace

mib_group& mib_subcommands() {
  static mib_group group;
  return group;
}

void add_mib_compile_command(mib_group& group) {
  auto flags = std::make_shared<compile_flags>();
  auto* cmd = group.app->add_subcommand(
      "compile",
      "Compile MIB modules (directories are searched for modules by name, whatever the files "
      "are called) into one index file; print diagnostics (file:line:col: severity: message) "
      "and a per-module summary; exit 0 even when some modules failed unless --strict");
  cmd->add_option("paths", flags->paths, "MIB files and directories")->required();
  cmd->add_option("-o,--output", flags->output, "index file to write (atomically)")->required();
  cmd->add_flag("--strict", flags->strict,
                "exit 1 when a module failed or misses an import (the index is still written)");
  cmd->add_flag("--quiet", flags->quiet, "print only the totals line");
  cmd->add_option("--no-leniency", flags->no_leniency,
                  "turn a leniency option off (repeatable): underscores, uppercase_identifiers, "
                  "trailing_commas, missing_base_imports, smi_mixing, global_symbols, "
                  "unknown_clauses, imports_without_semicolon, missing_commas, "
                  "module_aliases, missing_end")
      ->allow_extra_args(false);
  group.runners.emplace_back("compile", [flags]() { return run_compile(*flags); });
}

std::function<int()> add_mib_command(CLI::App& app) {
  auto& group = mib_subcommands();
  group.app = app.add_subcommand(
      "mib", "MIB modules: compile them into an index, translate names and OIDs, show a node");
  group.app->require_subcommand(1);
  add_mib_compile_command(group);
  add_mib_translate_command(group);
  return [&group]() {
    for (const auto& [name, run] : group.runners)
      if (group.app->got_subcommand(name)) return run();
    return 2;
  };
}

}  // namespace trapsink::cli
