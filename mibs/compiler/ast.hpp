#pragma once
// What the parser makes of one module's text: definitions with unresolved names, before the
// linker (mibs/compiler/linker) turns a set of them into a mib_set.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs::compiler {

/// A position in a module's file.
struct position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// One component of an OID value: `iso`, `org(3)`, `6`.
struct oid_component {
  std::string name;  ///< empty for a bare number
  std::optional<std::uint32_t> number;
};

/// A SYNTAX clause or the right side of a type assignment, names not yet resolved.
struct syntax_ast {
  enum class form : std::uint8_t {
    none,
    reference,     ///< a named type (Integer32, DisplayString, IpAddress, FooType)
    integer,       ///< INTEGER
    octet_string,  ///< OCTET STRING
    object_identifier,
    bits,
    sequence,     ///< SEQUENCE { ... } (a row type)
    sequence_of,  ///< SEQUENCE OF name
    choice,       ///< CHOICE { ... } (only in the SMI base modules)
  };
  form kind = form::none;
  std::string name;                 ///< reference: the type's name; sequence_of: the row type
  std::vector<named_number> enums;  ///< { up(1), down(2) } or named bits
  std::vector<range> ranges;        ///< (1..10 | 20) or (SIZE (0..255))
  bool application_tag = false;     ///< [APPLICATION n] IMPLICIT (base modules)
};

enum class definition_kind : std::uint8_t {
  value,  ///< name OBJECT IDENTIFIER ::= { ... }
  object_type,
  object_identity,
  module_identity,
  notification_type,
  trap_type,
  textual_convention,  ///< Name ::= TEXTUAL-CONVENTION ...
  type,                ///< Name ::= <syntax>
  object_group,
  notification_group,
  module_compliance,
  agent_capabilities,
};

struct definition {
  definition_kind kind = definition_kind::value;
  std::string name;
  position at;
  std::vector<oid_component> oid;  ///< the value (not for types and TRAP-TYPE)
  syntax_ast syntax;
  std::string display_hint;
  std::string units;
  std::string description;
  std::string defval;
  std::optional<access> access_;  ///< ACCESS / MAX-ACCESS
  std::optional<status> status_;
  std::vector<std::string> index;
  bool implied = false;
  std::string augments;
  std::vector<std::string> objects;           ///< OBJECTS / VARIABLES / NOTIFICATIONS
  std::string enterprise;                     ///< TRAP-TYPE: a descriptor
  std::vector<oid_component> enterprise_oid;  ///< TRAP-TYPE: ENTERPRISE { ... } (rare form)
  std::uint32_t trap_number = 0;
};

struct import_ast {
  std::string module;
  std::vector<std::string> symbols;
  position at;
};

struct module_ast {
  std::string name;
  std::string file;
  position at;
  std::vector<import_ast> imports;
  std::vector<definition> definitions;
  std::vector<diagnostic> diagnostics;
  bool failed = false;  ///< an error stopped the parse (see diagnostics)
  bool smiv2 = false;   ///< imports SNMPv2-SMI
};

}  // namespace trapsink::mibs::compiler
