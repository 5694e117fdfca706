// The boost::system error category of the message layer.
#include "snmp/message/errc.hpp"

#include <string>

namespace trapsink::snmp::message {
namespace {

/// Category "snmp.message".
class message_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "snmp.message"; }

  std::string message(int ev) const override { return describe(ev); }

  char const* message(int ev, char* /*buffer*/, std::size_t /*len*/) const noexcept override {
    return describe(ev);
  }

 private:
  static const char* describe(int ev) noexcept {
    switch (static_cast<errc>(ev)) {
      case errc::ok:
        return "success";
      case errc::bad_version:
        return "SNMP message version is not 0, 1 or 3";
      case errc::unsupported_version:
        return "SNMP message version not handled by this decoder (v3 is not community-based)";
      case errc::unknown_pdu_type:
        return "unknown SNMP PDU type";
      case errc::pdu_not_allowed_in_version:
        return "SNMP PDU type not allowed in this message version";
      case errc::bad_field:
        return "SNMP PDU field out of range";
      case errc::invalid_msg_flags:
        return "SNMPv3 msgFlags invalid (privacy without authentication, or not one octet)";
      case errc::user_name_too_long:
        return "SNMPv3 msgUserName longer than 32 octets";
    }
    return "unknown SNMP message error";
  }
};

}  // namespace

const boost::system::error_category& message_category() noexcept {
  static const message_category_impl instance;
  return instance;
}

}  // namespace trapsink::snmp::message
