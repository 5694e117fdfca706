// The record's JSON encoding (docs/record.md). Key order is fixed by the order of the calls in
// append_json; to add a field (v3 "security", MIB names), add one call in the right place and
// the matching entries in docs/record.md and docs/record.schema.json.
#include "pipeline/record/record_json.hpp"

#include <variant>

#include "pipeline/record/json_writer.hpp"
#include "pipeline/record/record.hpp"

namespace trapsink::pipeline {
namespace {

using snmp::ber::tag;
using snmp::message::value;

/// A dotted OID as a JSON string.
void write_oid(const snmp::ber::oid& o, json::writer& w) {
  w.put('"');
  w.arcs(o.arcs());
  w.put('"');
}

/// Raw octets under the OctetString rule; true if text was written, false if hex.
bool write_octets(std::string_view octets, json::writer& w) {
  if (json::is_printable_utf8(octets)) {
    w.string(octets);
    return true;
  }
  w.put('"');
  w.hex(octets);
  w.put('"');
  return false;
}

/// `"type":"...","value":...[,"encoding":"..."]` (see append_value_members).
void write_value_members(const value& v, json::writer& w) {
  w.raw("\"type\":\"");
  w.raw(snmp::ber::smi_type_name(v.type));
  w.raw("\",\"value\":");
  switch (v.type) {
    case tag::integer:
      if (const auto* i = std::get_if<std::int32_t>(&v.data)) return w.int64(*i);
      break;
    case tag::counter32:
    case tag::gauge32:
    case tag::timeticks:
      if (const auto* u = std::get_if<std::uint32_t>(&v.data)) return w.uint(*u);
      break;
    case tag::counter64:
      // A decimal string: JSON numbers above 2^53 lose precision in most parsers.
      if (const auto* u = std::get_if<std::uint64_t>(&v.data)) {
        w.put('"');
        w.uint(*u);
        w.put('"');
        return;
      }
      break;
    case tag::octet_string:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        w.raw(write_octets(*s, w) ? ",\"encoding\":\"text\"" : ",\"encoding\":\"hex\"");
        return;
      }
      break;
    case tag::opaque:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        w.put('"');
        w.hex(*s);
        w.raw("\",\"encoding\":\"hex\"");
        return;
      }
      break;
    case tag::ip_address:
      if (const auto* s = std::get_if<std::string>(&v.data)) {
        w.put('"');
        if (s->size() == 4) {
          w.dotted_octets(*s);
          w.put('"');
        } else {
          // Not an IPv4 address (the decoder never produces one): keep every octet, say so.
          w.hex(*s);
          w.raw("\",\"encoding\":\"hex\"");
        }
        return;
      }
      break;
    case tag::object_identifier:
      if (const auto* o = std::get_if<snmp::ber::oid>(&v.data)) return write_oid(*o, w);
      break;
    default:
      break;  // Null, noSuchObject, noSuchInstance, endOfMibView
  }
  // Null and the exceptions; also a payload that does not match its tag (a programming error
  // upstream, never produced by the decoder).
  w.raw("null");
}

/// `,"name":...,"label":...,"display":...,"index":[...]`: what the MIB resolver found.
void write_names(const record_names& names, const record_names::varbind& n, json::writer& w) {
  if (n.name.size != 0) {
    w.raw(",\"name\":");
    w.string(names[n.name]);
  }
  if (n.label.size != 0) {
    w.raw(",\"label\":");
    w.string(names[n.label]);
  }
  if (n.display.size != 0) {
    w.raw(",\"display\":");
    w.string(names[n.display]);
  }
  if (n.index_count != 0 && n.index_first + n.index_count <= names.index.size()) {
    w.raw(",\"index\":[");
    for (std::uint32_t i = 0; i < n.index_count; ++i) {
      const auto& iv = names.index[n.index_first + i];
      w.raw(i == 0 ? "{\"name\":" : ",{\"name\":");
      w.string(names[iv.name]);
      w.raw(",\"value\":");
      w.string(names[iv.value]);
      w.put('}');
    }
    w.put(']');
  }
}

/// One varbind object.
void write_varbind(const snmp::message::varbind& vb, json::writer& w,
                   const record_names* names = nullptr, std::size_t i = 0) {
  w.raw("{\"oid\":");
  write_oid(vb.name, w);
  w.put(',');
  write_value_members(vb.val, w);
  if (names != nullptr && i < names->varbinds.size()) write_names(*names, names->varbinds[i], w);
  w.put('}');
}

/// The varbinds array.
void write_varbinds(std::span<const snmp::message::varbind> vbs, json::writer& w,
                    const record_names* names = nullptr) {
  w.put('[');
  for (std::size_t i = 0; i < vbs.size(); ++i) {
    if (i != 0) w.put(',');
    write_varbind(vbs[i], w, names, i);
  }
  w.put(']');
}

/// `"source":{...}`
void write_source(const record_source& s, json::object_writer& o) {
  json::object_writer src(o.key("source"));
  src.string("address", s.address);
  src.uint("port", s.port);
  src.string("transport", s.transport);
  src.close();
}

/// `"v1":{...}` for an SNMPv1 Trap-PDU.
void write_v1(const record_v1& v1, json::object_writer& o) {
  json::object_writer m(o.key("v1"));
  m.string("enterprise", v1.enterprise);
  m.string("agent_address", v1.agent_address);
  m.int64("generic_trap", v1.generic_trap);
  m.int64("specific_trap", v1.specific_trap);
  m.uint("timestamp", v1.timestamp);
  m.close();
}

/// `"community":"..."` and, when the community is not printable, `"community_encoding":"hex"`.
void write_community(std::string_view community, json::object_writer& o) {
  if (!write_octets(community, o.key("community"))) o.raw("community_encoding", "\"hex\"");
}

/// `"security":{...}` for an SNMPv3 notification; user and context name as the community is.
void write_security(const record_security& sec, json::object_writer& o) {
  json::object_writer m(o.key("security"));
  m.string("model", "usm");
  if (!write_octets(sec.user, m.key("user"))) m.raw("user_encoding", "\"hex\"");
  m.string("level", sec.level);
  m.string("engine_id", sec.engine_id);
  m.string("context_engine_id", sec.context_engine_id);
  if (!write_octets(sec.context_name, m.key("context_name"))) {
    m.raw("context_name_encoding", "\"hex\"");
  }
  m.string("auth_protocol", sec.auth_protocol);
  m.string("priv_protocol", sec.priv_protocol);
  m.close();
}

}  // namespace

bool append_octets(std::string_view octets, std::string& out) {
  json::writer w(out);
  return write_octets(octets, w);
}

void append_value_members(const value& v, std::string& out) {
  json::writer w(out);
  write_value_members(v, w);
}

void append_varbind_json(const snmp::message::varbind& vb, std::string& out) {
  json::writer w(out);
  write_varbind(vb, w);
}

void append_varbinds_json(std::span<const snmp::message::varbind> vbs, std::string& out) {
  json::writer w(out);
  write_varbinds(vbs, w);
}

void append_json(const record& r, std::string& out) {
  json::writer w(out);
  w.reserve(320 + 112 * r.varbinds.size() + (r.names ? r.names->text.size() + 64 : 0));
  json::object_writer o(w);
  o.string("id", r.id);
  o.key("time").time(r.time);
  write_source(r.source, o);
  o.string("version", r.version);
  o.string("pdu", r.pdu);
  if (r.community) write_community(*r.community, o);
  if (r.request_id) o.int64("request_id", *r.request_id);
  if (r.uptime) o.uint("uptime", *r.uptime);
  o.string("trap_oid", r.trap_oid);
  if (r.trap_name) o.string("trap_name", *r.trap_name);
  if (!r.agent_address.empty()) {
    o.string("agent_address", r.agent_address);
  } else {
    o.string("agent_address", derive_agent_address(r));  // a safety net; builders set it
  }
  if (r.security) write_security(*r.security, o);
  if (r.v1) write_v1(*r.v1, o);
  write_varbinds(r.varbinds, o.key("varbinds"), r.names ? &*r.names : nullptr);
  if (r.summary) {
    json::object_writer m(o.key("summary"));
    m.string("kind", r.summary->kind);
    m.uint("count", r.summary->count);
    m.key("first").time(r.summary->first);
    m.key("last").time(r.summary->last);
    m.close();
  }
  if (r.enrichment) {
    const auto& en = *r.enrichment;
    json::object_writer m(o.key("enrichment"));
    m.string("rule", en.rule);
    m.string("status", en.status);
    if (!en.error.empty()) m.string("error", en.error);
    write_varbinds(en.varbinds, m.key("varbinds"), en.names ? &*en.names : nullptr);
    m.close();
  }
  o.close();
}

std::string to_json(const record& r) {
  std::string out;
  append_json(r, out);
  return out;
}

}  // namespace trapsink::pipeline
