#pragma once
// The record: one received notification, as every sink and user sees it. Its JSON form is the
// contract documented in docs/record.md and docs/record.schema.json.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/delivery_ack.hpp"
#include "snmp/message/value.hpp"

namespace trapsink::pipeline {

/// Where a datagram came from.
struct record_source {
  std::string address;  ///< textual IP address ("192.0.2.1", "2001:db8::1")
  std::uint16_t port = 0;
  std::string transport;  ///< "udp" | "udp6"
};

/// The original fields of an SNMPv1 Trap-PDU (RFC 1157 §4.1.6).
struct record_v1 {
  std::string enterprise;     ///< dotted OID
  std::string agent_address;  ///< dotted IPv4
  std::int32_t generic_trap = 0;
  std::int32_t specific_trap = 0;
  std::uint32_t timestamp = 0;  ///< TimeTicks
};

/// The USM parameters an SNMPv3 notification was accepted under.
struct record_security {
  std::string user;               ///< msgUserName (raw octets)
  std::string level;              ///< "noAuthNoPriv" | "authNoPriv" | "authPriv"
  std::string engine_id;          ///< msgAuthoritativeEngineID, lowercase hex
  std::string context_engine_id;  ///< lowercase hex
  std::string context_name;       ///< raw octets
  std::string auth_protocol;      ///< "MD5", "SHA", "SHA-256", ... or "none"
  std::string priv_protocol;      ///< "DES", "AES", "AES-256-C", ... or "none"
};

/// Set on a summary record: how many records like this one a stage held back (docs/record.md).
struct record_summary {
  std::string kind;  ///< "dedup" (folded duplicates) | "rate_limit" (suppressed)
  std::uint64_t count = 0;
  std::chrono::system_clock::time_point first;  ///< first held back
  std::chrono::system_clock::time_point last;   ///< last held back
};

/// What the MIB resolver made of a record's variable bindings (docs/record.md): per varbind its
/// name, enumeration label, display text and decoded index. All the text lives in one buffer and
/// the entries are slices of it, so naming a record costs three allocations, not one per string.
struct record_names {
  /// A part of text; size 0: absent.
  struct slice {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };
  /// One decoded INDEX component: the INDEX object's descriptor and the value as text.
  struct index_value {
    slice name;
    slice value;
  };
  /// The names of one varbind.
  struct varbind {
    slice name;     ///< "IF-MIB::ifOperStatus.7"; absent when no arc of the OID is named
    slice label;    ///< the enumeration label of an INTEGER ("down"), else absent
    slice display;  ///< the value rendered by the object's syntax ("down(2)", "0:1b:21:aa:bb:cc")
    std::uint32_t index_first = 0;  ///< first entry of `index` for this varbind
    std::uint32_t index_count = 0;  ///< how many (0: no decoded index)
  };
  std::string text;
  std::vector<varbind> varbinds;  ///< one per record::varbinds entry, in the same order
  std::vector<index_value> index;
  std::string_view operator[](slice s) const noexcept {
    return std::string_view(text).substr(s.offset, s.size);
  }
};

/// What the enrichment stage added (docs/record.md, "enrichment"): the answers of the sending
/// agent to the follow-up GET of the rule that matched.
struct record_enrichment {
  std::string rule;    ///< the enrich rule's name
  std::string status;  ///< "ok" | "partial" | "timeout" | "error" | "overloaded"
  std::string error;   ///< why, when status is not "ok"; empty otherwise
  /// The agent's answer, one per OID asked, in order (exception values such as noSuchInstance
  /// included; status "partial" when some are); empty unless ok or partial.
  std::vector<snmp::message::varbind> varbinds;
  /// The MIB resolver's names for varbinds (as record::names).
  std::optional<record_names> names;
};

/// One received notification.
struct record {
  std::string id;                              ///< unique, time-sortable
  std::chrono::system_clock::time_point time;  ///< when received
  record_source source;
  std::string version;                      ///< "1" | "2c" | "3"
  std::string pdu;                          ///< "trap" | "inform"
  std::optional<std::string> community;     ///< v1/v2c (raw octets)
  std::optional<std::int32_t> request_id;   ///< v2c/v3
  std::optional<std::uint32_t> uptime;      ///< sysUpTime.0
  std::string trap_oid;                     ///< dotted numeric snmpTrapOID.0
  std::optional<std::string> trap_name;     ///< "IF-MIB::linkDown" when MIBs name trap_oid
  std::string agent_address;                ///< see docs/record.md
  std::optional<record_security> security;  ///< v3
  std::optional<record_v1> v1;
  /// Variable bindings after sysUpTime.0 and snmpTrapOID.0, in order.
  std::vector<snmp::message::varbind> varbinds;
  /// The MIB resolver's names for varbinds (set when an index is loaded; docs/record.md).
  std::optional<record_names> names;
  /// Only on summary records emitted by the dedup and rate-limit stages.
  std::optional<record_summary> summary;
  /// Set by the enrichment stage when an enrich rule matched (docs/record.md).
  std::optional<record_enrichment> enrichment;
  /// Informs under inform_ack: durable only: what the durable sinks confirm (delivery_ack.hpp).
  /// Not part of the record's contents: never serialised, not copied into summaries.
  std::shared_ptr<delivery_ack> ack;
};

using record_ptr = std::shared_ptr<const record>;

/// A new unique, time-sortable record id: a 26-character ULID (Crockford base32) whose 48-bit
/// timestamp is t in milliseconds and whose 80 other bits are random. Thread-safe. Within the
/// process ids strictly increase: an id for the same millisecond as the previous one (or up to
/// one second earlier) reuses that timestamp and increments the random part (docs/record.md).
std::string make_record_id(std::chrono::system_clock::time_point t);

/// The agent_address rule of docs/record.md: the v1 agent-addr when r.v1 is set, else the value
/// of snmpTrapAddress.0 (1.3.6.1.6.3.18.1.3.0, an IpAddress) among r.varbinds when present,
/// else r.source.address. Record builders use it to fill record::agent_address.
std::string derive_agent_address(const record& r);

/// Append the record's JSON object (one line, no trailing newline) to out.
void append_json(const record& r, std::string& out);

/// The record as one JSON line (no trailing newline).
std::string to_json(const record& r);

}  // namespace trapsink::pipeline
