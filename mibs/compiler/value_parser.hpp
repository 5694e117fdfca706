#pragma once
// The values and types inside definitions: SYNTAX (named types, INTEGER with enumerations,
// OCTET STRING, BITS, SEQUENCE OF, ranges and SIZE, [APPLICATION n] IMPLICIT), OBJECT IDENTIFIER
// values and the numbers of constraints (decimal, 'xx'H, 'bb'B, MIN, MAX).
#include <cstdint>
#include <vector>

#include "mibs/compiler/ast.hpp"
#include "mibs/compiler/token_cursor.hpp"

namespace trapsink::mibs::compiler {

class value_parser : public token_cursor {
 public:
  using token_cursor::token_cursor;

 protected:
  /// `{ iso org(3) 6 }`: the current token is the '{'.
  std::vector<oid_component> oid_value();
  /// A SYNTAX clause or the right side of a type assignment.
  syntax_ast syntax();

 private:
  std::int64_t constraint_value();
  std::vector<range> ranges();
  std::vector<named_number> named_numbers();
};

}  // namespace trapsink::mibs::compiler
