#pragma once
// The linker: turns parsed modules into a mib_set. Resolves imports by module name, OID values
// through the module graph, type references through textual-convention chains (nearest
// DISPLAY-HINT, enumerations, ranges), classifies tables, rows and columns, and turns INDEX,
// AUGMENTS, OBJECTS and VARIABLES into node_refs.
//
// Load order: the built-in base modules, then the modules in the order given. When two modules
// define the same OID, the first in load order keeps it (as Net-SNMP does). When two files
// define a module of the same name, the first is used and the other is reported as failed.
#include <vector>

#include "mibs/compiler/ast.hpp"
#include "mibs/compiler/options.hpp"
#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs::compiler {

/// Links modules (in load order). Never throws for bad modules: each ends compiled, failed or
/// missing_import in the result's modules, with its diagnostics.
mib_set link(std::vector<module_ast> modules, const leniency& options = {});

}  // namespace trapsink::mibs::compiler
