#pragma once
// `--objects INDEX` of `trapsink trap | inform`: a notification named by the trap OID expanded
// to its OBJECTS (NOTIFICATION-TYPE, RFC 2578 §8) or VARIABLES (TRAP-TYPE, RFC 1215), each an
// instance of the object with values given on the command line or NULL (docs/cli.md).
#include <string>
#include <string_view>
#include <vector>

#include "cli/varbind_format.hpp"
#include "mibs/model/mib_set.hpp"
#include "snmp/message/pdu.hpp"

namespace trapsink::cli {

/// The NOTIFICATION-TYPE or TRAP-TYPE node whose OID is trap_oid (text is the argument as
/// given, for messages). Throws std::invalid_argument when MIBs are off or when trap_oid is not
/// a notification in them.
const mibs::node& notification_node(const varbind_formatter& fmt, const snmp::ber::oid& trap_oid,
                                    const std::string& text);

/// The varbinds of notification n for `--objects index`: one per object, in OBJECTS order, named
/// OBJECT.INDEX (a table column; index written as in a name: `3`, `3.17`, `"eth0"`) or OBJECT.0
/// (a scalar), with the value of the first given varbind that names that object (bare, taking
/// the slot's instance, or with any instance, which it keeps) and NULL when none does; then the
/// given varbinds that filled no slot, in their order. Throws std::invalid_argument for an
/// object the MIBs do not define or an index that does not fit.
std::vector<snmp::message::varbind> expand_objects(const varbind_formatter& fmt,
                                                   const mibs::node& n, std::string_view index,
                                                   std::vector<snmp::message::varbind> given);

/// A v1 Trap-PDU's enterprise, generic-trap and specific-trap for notification n: a TRAP-TYPE's
/// ENTERPRISE and number, else RFC 3584 §3.2's mapping of its OID.
void set_v1_identity(const mibs::node& n, snmp::message::trap_v1_pdu& trap);

}  // namespace trapsink::cli
