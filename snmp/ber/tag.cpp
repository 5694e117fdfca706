// SMI type names of the BER tags SNMP carries (RFC 2578 §7.1, RFC 3416 §3).
#include "snmp/ber/tag.hpp"

namespace trapsink::snmp::ber {

std::string_view smi_type_name(tag t) noexcept {
  switch (t) {
    case tag::integer:
      return "Integer32";
    case tag::octet_string:
      return "OctetString";
    case tag::null:
      return "Null";
    case tag::object_identifier:
      return "ObjectIdentifier";
    case tag::ip_address:
      return "IpAddress";
    case tag::counter32:
      return "Counter32";
    case tag::gauge32:
      return "Gauge32";
    case tag::timeticks:
      return "TimeTicks";
    case tag::opaque:
      return "Opaque";
    case tag::counter64:
      return "Counter64";
    case tag::no_such_object:
      return "noSuchObject";
    case tag::no_such_instance:
      return "noSuchInstance";
    case tag::end_of_mib_view:
      return "endOfMibView";
    case tag::sequence:
      break;
  }
  return "";
}

}  // namespace trapsink::snmp::ber
