#pragma once
// The SMI base modules the compiler knows without a file (docs/mibs.md, "Base modules"):
// SNMPv2-SMI, RFC1155-SMI, RFC-1212, RFC-1215 and SNMPv2-CONF. Their macros (OBJECT-TYPE,
// TRAP-TYPE, ...) are built into the parser; what they define beside (the OID roots iso ...
// enterprises, the application types Integer32 ... Counter64) is written here as MIB text and
// compiled like any module. SNMPv2-TC (RFC 2579) is also built in, as a fallback. A file that
// defines one of these modules is not used: the built-in definition is (it is what every tool
// agrees on, and RFC-1212 is absent from most collections).
#include <string_view>
#include <vector>

namespace trapsink::mibs::compiler {

struct base_module {
  std::string_view name;
  std::string_view text;
  /// Used only when no file defines the module (SNMPv2-TC: the real file, when present, has the
  /// full descriptions; this copy keeps a vendor directory compilable on its own).
  bool fallback = false;
};

/// The built-in base modules, in load order.
const std::vector<base_module>& base_modules();

/// True when name is one of the built-in base modules.
bool is_base_module(std::string_view name) noexcept;

}  // namespace trapsink::mibs::compiler
