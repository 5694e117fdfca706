#pragma once
// The MIB parser: SMIv1 (RFC 1155, 1212, 1215) and SMIv2 (RFC 2578, 2579, 2580) modules as they
// are written in the wild. One file may hold several modules; an error stops only the module it
// is in (the parser resumes at the next `NAME DEFINITIONS ::= BEGIN`).
#include <string>
#include <string_view>
#include <vector>

#include "mibs/compiler/ast.hpp"
#include "mibs/compiler/options.hpp"

namespace trapsink::mibs::compiler {

/// Parses every module of a file's text. Never throws for bad text: a module with an error comes
/// back with failed set and an error diagnostic (`file:line:col`); a text with no module header
/// gives an empty vector.
std::vector<module_ast> parse_modules(std::string_view text, const std::string& file,
                                      const leniency& options = {});

/// The names of the modules a text defines (`NAME DEFINITIONS ::= BEGIN`), found by a quick scan
/// of the tokens.
std::vector<std::string> scan_module_names(std::string_view text);

}  // namespace trapsink::mibs::compiler
