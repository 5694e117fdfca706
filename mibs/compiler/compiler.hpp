#pragma once
// The MIB compiler's entry points: find modules across files and directories by module name
// (whatever the files are called), parse them, link them into a mib_set. Stages: reader ->
// lexer -> parser -> linker (docs/mibs.md).
#include <filesystem>
#include <string>
#include <vector>

#include "mibs/compiler/options.hpp"
#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs::compiler {

/// A module source held in memory (tests, fuzzing).
struct source_text {
  std::string file;  ///< the name diagnostics use
  std::string text;
};

struct compile_result {
  mib_set set;
  std::size_t files_read = 0;
  /// Files that hold no `NAME DEFINITIONS ::= BEGIN` header (READMEs, other data): skipped.
  std::vector<std::string> files_without_module;
};

/// The files to read for paths: a directory gives its regular files (not hidden, not
/// recursive) sorted by name, a file gives itself. Throws std::runtime_error("PATH: reason")
/// for a path that does not exist or cannot be listed.
std::vector<std::filesystem::path> discover_files(const std::vector<std::filesystem::path>& paths);

/// Compiles every module of every file (load order: the files in order, modules in file order).
/// Throws std::runtime_error("PATH: reason") only when a file cannot be read; bad modules are
/// reported in the result's modules.
compile_result compile_files(const std::vector<std::filesystem::path>& files,
                             const leniency& options = {});

/// Compiles modules held in memory, in order.
compile_result compile_texts(const std::vector<source_text>& sources, const leniency& options = {});

}  // namespace trapsink::mibs::compiler
