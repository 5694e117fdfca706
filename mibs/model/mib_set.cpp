#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs {

std::string_view to_string(base_type t) noexcept {
  switch (t) {
    case base_type::none:
      return "none";
    case base_type::integer32:
      return "Integer32";
    case base_type::unsigned32:
      return "Unsigned32";
    case base_type::counter32:
      return "Counter32";
    case base_type::counter64:
      return "Counter64";
    case base_type::time_ticks:
      return "TimeTicks";
    case base_type::octet_string:
      return "OCTET STRING";
    case base_type::object_identifier:
      return "OBJECT IDENTIFIER";
    case base_type::ip_address:
      return "IpAddress";
    case base_type::opaque:
      return "Opaque";
    case base_type::bits:
      return "BITS";
    case base_type::sequence:
      return "SEQUENCE";
    case base_type::sequence_of:
      return "SEQUENCE OF";
  }
  return "?";
}

std::string_view to_string(node_kind k) noexcept {
  switch (k) {
    case node_kind::oid:
      return "OBJECT IDENTIFIER";
    case node_kind::module_identity:
      return "MODULE-IDENTITY";
    case node_kind::object_identity:
      return "OBJECT-IDENTITY";
    case node_kind::scalar:
      return "scalar";
    case node_kind::table:
      return "table";
    case node_kind::row:
      return "row";
    case node_kind::column:
      return "column";
    case node_kind::notification:
      return "notification";
    case node_kind::group:
      return "group";
    case node_kind::compliance:
      return "MODULE-COMPLIANCE";
    case node_kind::capabilities:
      return "AGENT-CAPABILITIES";
  }
  return "?";
}

std::string_view to_string(access a) noexcept {
  switch (a) {
    case access::none:
      return "";
    case access::not_accessible:
      return "not-accessible";
    case access::accessible_for_notify:
      return "accessible-for-notify";
    case access::read_only:
      return "read-only";
    case access::read_write:
      return "read-write";
    case access::read_create:
      return "read-create";
    case access::write_only:
      return "write-only";
  }
  return "?";
}

std::string_view to_string(status s) noexcept {
  switch (s) {
    case status::current:
      return "current";
    case status::deprecated:
      return "deprecated";
    case status::obsolete:
      return "obsolete";
    case status::mandatory:
      return "mandatory";
    case status::optional:
      return "optional";
  }
  return "?";
}

std::string_view to_string(module_outcome o) noexcept {
  switch (o) {
    case module_outcome::compiled:
      return "compiled";
    case module_outcome::failed:
      return "failed";
    case module_outcome::missing_import:
      return "missing import";
  }
  return "?";
}

std::string_view to_string(diagnostic::level l) noexcept {
  switch (l) {
    case diagnostic::level::note:
      return "note";
    case diagnostic::level::warning:
      return "warning";
    case diagnostic::level::error:
      return "error";
  }
  return "?";
}

}  // namespace trapsink::mibs
