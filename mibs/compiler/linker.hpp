#pragma once
// The linker: turns parsed modules into a mib_set. Resolves imports by module name, OID values
// through the module graph, type references through textual-convention chains (nearest
// DISPLAY-HINT, enumerations, ranges), classifies tables, rows and columns, and turns INDEX,
// AUGMENTS, OBJECTS and VARIABLES into node_refs.
//
// Load order: the built-in base modules, then the modules in the order given. When two modules
// define the same OID, an SMIv2 module (one that imports from SNMPv2-SMI, -TC or -CONF) keeps it
// against an SMIv1 one, and otherwise the first in load order keeps it: SNMPv2-MIB::sysUpTime
// and IF-MIB::ifDescr win over RFC1213-MIB's, as in Net-SNMP's output. When two files
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
