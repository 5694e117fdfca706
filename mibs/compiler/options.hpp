#pragma once
// Named leniency options for the mistakes vendor MIBs make (docs/mibs.md, "Leniency"). Each is on
// by default where accepting the mistake cannot change what a correct module means; switching one
// off turns the mistake into an error for the module that makes it.
namespace trapsink::mibs::compiler {

struct leniency {
  /// Identifiers containing '_' (RFC 2578 §3.1 allows letters, digits and hyphens only).
  bool underscores = true;
  /// Value names (descriptors) that start with an uppercase letter.
  bool uppercase_identifiers = true;
  /// A comma before the closing brace or the FROM of a list: `{ a, b, }`.
  bool trailing_commas = true;
  /// SMI base types, macros and roots (Integer32, OBJECT-TYPE, enterprises, mib-2...) used
  /// without an IMPORTS entry for them.
  bool missing_base_imports = true;
  /// SMIv1 and SMIv2 mixed in one module (ACCESS in an SMIv2 module, MAX-ACCESS in SMIv1,
  /// `mandatory` status beside `current`). Values are mapped: read-write stays read-write,
  /// mandatory stays mandatory.
  bool smi_mixing = true;
  /// A symbol that the module it is imported from does not define (or that is used without any
  /// import) is looked up in every loaded module, in load order, with a warning — what Net-SNMP
  /// does with its single name space.
  bool global_symbols = true;
  /// A clause the parser does not know inside a macro invocation is skipped up to the next known
  /// clause, with a warning.
  bool unknown_clauses = true;
  /// IMPORTS that are not ended by ';' (the first definition ends them).
  bool imports_without_semicolon = true;
  /// Missing commas between the items of an enumeration, named bits or a name list:
  /// `{ a(1) b(2) }`.
  bool missing_commas = true;
  /// Obsolete names of modules in IMPORTS mapped to the module that replaced them, as Net-SNMP
  /// does: RFC-1213 and RFC1158-MIB -> RFC1213-MIB, RFC1212 -> RFC-1212, RFC1215 -> RFC-1215,
  /// RFC1065-SMI -> RFC1155-SMI, RFC1316-MIB -> CHARACTER-MIB, RFC1271-MIB -> RMON-MIB,
  /// RFC1315-MIB -> FRAME-RELAY-DTE-MIB (with a warning).
  bool module_aliases = true;
  /// A module whose text ends without END (truncated files): compiled, with a warning.
  bool missing_end = true;
};

}  // namespace trapsink::mibs::compiler
