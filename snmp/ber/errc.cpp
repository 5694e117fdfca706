// The boost::system error category of the BER layer: one message per ber::errc value.
#include "snmp/ber/errc.hpp"

#include <string>

namespace trapsink::snmp::ber {
namespace {

/// Category "snmp.ber": names every way a BER encoding can be malformed.
class ber_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "snmp.ber"; }

  std::string message(int ev) const override { return describe(ev); }

  char const* message(int ev, char* /*buffer*/, std::size_t /*len*/) const noexcept override {
    return describe(ev);
  }

 private:
  static const char* describe(int ev) noexcept {
    switch (static_cast<errc>(ev)) {
      case errc::ok:
        return "success";
      case errc::truncated:
        return "BER input ends inside a tag or a length";
      case errc::length_past_end:
        return "BER length runs past the end of the enclosing element";
      case errc::indefinite_length:
        return "BER indefinite length form is not allowed in SNMP";
      case errc::length_too_long:
        return "BER length field too long or length over the limit";
      case errc::multibyte_tag:
        return "BER high-tag-number form is not used by SNMP";
      case errc::depth_exceeded:
        return "BER constructed elements nested too deeply";
      case errc::too_many_elements:
        return "too many elements in one BER sequence";
      case errc::unexpected_tag:
        return "unexpected BER tag";
      case errc::empty_integer:
        return "BER integer with no content octets";
      case errc::integer_too_wide:
        return "BER integer value does not fit its SMI type";
      case errc::oid_empty:
        return "OBJECT IDENTIFIER with no content octets";
      case errc::oid_subid_too_large:
        return "OBJECT IDENTIFIER sub-identifier over 2^32-1";
      case errc::oid_too_long:
        return "OBJECT IDENTIFIER with more than 128 sub-identifiers";
      case errc::oid_bad_padding:
        return "OBJECT IDENTIFIER sub-identifier padded with 0x80 (non-minimal)";
      case errc::oid_truncated:
        return "OBJECT IDENTIFIER ends inside a sub-identifier";
      case errc::bad_null:
        return "NULL or exception value with content octets";
      case errc::trailing_data:
        return "octets after the last element the grammar allows";
      case errc::bad_ip_address:
        return "IpAddress is not exactly 4 octets";
    }
    return "unknown BER error";
  }
};

}  // namespace

const boost::system::error_category& ber_category() noexcept {
  static const ber_category_impl instance;
  return instance;
}

}  // namespace trapsink::snmp::ber
