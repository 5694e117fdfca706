// The boost::system error category of the command generator.
#include "snmp/cmdgen/errc.hpp"

#include <string>

namespace trapsink::snmp::cmdgen {
namespace {

class cmdgen_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "snmp.cmdgen"; }
  std::string message(int ev) const override { return describe(ev); }
  char const* message(int ev, char* /*buffer*/, std::size_t /*len*/) const noexcept override {
    return describe(ev);
  }

 private:
  static const char* describe(int ev) noexcept {
    switch (static_cast<errc>(ev)) {
      case errc::ok:
        return "success";
      case errc::timeout:
        return "Timeout";
      case errc::unknown_user_name:
        return "Unknown user name";
      case errc::authentication_failure:
        return "Authentication failure (incorrect password, community or key)";
      case errc::unsupported_sec_level:
        return "Unsupported security level";
      case errc::not_in_time_window:
        return "Not in time window";
      case errc::decryption_error:
        return "Decryption error";
      case errc::unknown_engine_id:
        return "Unknown engine ID";
      case errc::unknown_security_model:
        return "Unknown security model in message";
      case errc::unknown_context:
        return "Unknown context";
      case errc::report:
        return "Received a Report-PDU with an unexpected counter";
      case errc::discovery_failed:
        return "Engine discovery failed (the Report carried no engine ID)";
      case errc::send_failed:
        return "Cannot send the request";
      case errc::cancelled:
        return "Cancelled";
      case errc::oid_not_increasing:
        return "OID not increasing";
      case errc::too_big:
        return "The request is too big for one datagram";
      case errc::overloaded:
        return "Too many queries wait for this agent";
    }
    return "unknown command generator error";
  }
};

}  // namespace

const boost::system::error_category& cmdgen_category() noexcept {
  static const cmdgen_category_impl instance;
  return instance;
}

}  // namespace trapsink::snmp::cmdgen
