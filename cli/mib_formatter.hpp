#pragma once
// OID naming and value rendering with the MIB resolver (mibs/resolver): the commands print
// `IF-MIB::ifDescr.1 = STRING: lo` as Net-SNMP does with MIBs loaded, and take names wherever
// an OID goes (`IF-MIB::ifDescr.1`, `ifDescr.1`, `sysName.0`, bracketed indexes).
#include <memory>

#include "cli/varbind_format.hpp"
#include "mibs/resolver/resolver.hpp"

namespace trapsink::cli {

/// The resolver-backed formatter.
class mib_formatter final : public varbind_formatter {
 public:
  explicit mib_formatter(std::shared_ptr<const mibs::resolver> r) : r_(std::move(r)) {}
  std::optional<snmp::ber::oid> parse_oid(std::string_view text) const override;
  std::string name(const snmp::ber::oid& o, const output_flags& f) const override;
  std::string value(const snmp::message::varbind& vb, const output_flags& f) const override;
  const mibs::resolver* mib_resolver() const override { return r_.get(); }

 private:
  std::shared_ptr<const mibs::resolver> r_;
  numeric_formatter numeric_;
};

/// The formatter for these arguments: numeric when MIBs are off (`-m ''`, or the MIBS
/// environment variable set and empty, as with Net-SNMP), else the resolver of the compiled
/// index `-M FILE` or of the bundled index; numeric when no index can be loaded.
const varbind_formatter& formatter_for(const snmp_args& args);

}  // namespace trapsink::cli
