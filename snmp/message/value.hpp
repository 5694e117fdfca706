#pragma once
// Owned SNMP values and variable bindings (RFC 3416 §3 ObjectSyntax / VarBind).
#include <cstdint>
#include <string>
#include <variant>

#include "snmp/ber/oid.hpp"
#include "snmp/ber/tag.hpp"

namespace trapsink::snmp::message {

/// One SMI value. The alternative held follows the tag:
/// - integer                                   -> std::int32_t
/// - counter32, gauge32, timeticks             -> std::uint32_t
/// - counter64                                 -> std::uint64_t
/// - octet_string, opaque, ip_address (4 bytes)-> std::string (raw octets)
/// - object_identifier                         -> ber::oid
/// - null, no_such_object, no_such_instance, end_of_mib_view -> std::monostate
struct value {
  ber::tag type = ber::tag::null;
  std::variant<std::monostate, std::int32_t, std::uint32_t, std::uint64_t, std::string, ber::oid>
      data;

  static value null() { return {}; }
  static value integer(std::int32_t v) { return {ber::tag::integer, v}; }
  static value octets(std::string v) { return {ber::tag::octet_string, std::move(v)}; }
  static value object_id(ber::oid v) { return {ber::tag::object_identifier, std::move(v)}; }
  static value ip(std::string four_octets) {
    return {ber::tag::ip_address, std::move(four_octets)};
  }
  static value counter32(std::uint32_t v) { return {ber::tag::counter32, v}; }
  static value gauge32(std::uint32_t v) { return {ber::tag::gauge32, v}; }
  static value timeticks(std::uint32_t v) { return {ber::tag::timeticks, v}; }
  static value opaque(std::string v) { return {ber::tag::opaque, std::move(v)}; }
  static value counter64(std::uint64_t v) { return {ber::tag::counter64, v}; }
  static value exception(ber::tag t) { return {t, std::monostate{}}; }

  friend bool operator==(const value&, const value&) = default;
};

/// A variable binding: name and value.
struct varbind {
  ber::oid name;
  value val;
  friend bool operator==(const varbind&, const varbind&) = default;
};

}  // namespace trapsink::snmp::message
