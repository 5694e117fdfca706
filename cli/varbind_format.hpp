#pragma once
// How the command-line tools name OIDs and render values. The formatter is the seam where the
// MIB resolver plugs in (names such as IF-MIB::ifDescr.1, enum labels, DISPLAY-HINTs, names as
// arguments); numeric_formatter is the MIB-free form, identical to what Net-SNMP prints with no
// MIBs loaded and -On: ".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"lo\"".
#include <optional>
#include <string>
#include <string_view>

#include "cli/snmp_args.hpp"
#include "snmp/ber/oid.hpp"
#include "snmp/message/value.hpp"

namespace trapsink::mibs {
class resolver;
}

namespace trapsink::cli {

/// OID naming and value rendering for output, OID parsing for input.
class varbind_formatter {
 public:
  virtual ~varbind_formatter() = default;
  /// An OID argument as an OID; nullopt when it is neither numeric nor a known name.
  virtual std::optional<snmp::ber::oid> parse_oid(std::string_view text) const = 0;
  /// The varbind name as printed.
  virtual std::string name(const snmp::ber::oid& o, const output_flags& f) const = 0;
  /// The value as printed ("STRING: \"lo\"", or "\"lo\"" with -Oq).
  virtual std::string value(const snmp::message::varbind& vb, const output_flags& f) const = 0;
  /// The MIB resolver behind the names, or null when MIBs are off.
  virtual const mibs::resolver* mib_resolver() const { return nullptr; }

  /// A whole line as Net-SNMP prints it: "NAME = VALUE", "NAME VALUE" (-Oq) or "VALUE" (-Ov).
  std::string line(const snmp::message::varbind& vb, const output_flags& f) const;
};

/// Numeric OIDs with a leading dot; values rendered as Net-SNMP renders them without MIBs.
class numeric_formatter final : public varbind_formatter {
 public:
  std::optional<snmp::ber::oid> parse_oid(std::string_view text) const override;
  std::string name(const snmp::ber::oid& o, const output_flags& f) const override;
  std::string value(const snmp::message::varbind& vb, const output_flags& f) const override;
};

/// Net-SNMP's Hex-STRING body: "01 02 FF " with a newline after every 16 octets.
std::string format_hex(std::string_view octets);

/// The octets look like text to Net-SNMP (every octet printable or white space).
bool looks_printable(std::string_view octets);

}  // namespace trapsink::cli
