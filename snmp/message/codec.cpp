// Community-based message codec: RFC 1157 §4 (SNMPv1), RFC 1901 (SNMPv2c), RFC 3416 §3 (PDUs).
#include "snmp/message/codec.hpp"

#include <string>
#include <variant>

#include "snmp/message/detail.hpp"

namespace trapsink::snmp::message {
namespace {

using detail::fail;
using detail::tag_octets;
using detail::tag_sequence;
using detail::to_string;

/// Map the version INTEGER (RFC 1157 §4: version-1(0); RFC 1901: 1; RFC 3412 §6: 3).
ber::result<version> map_version(std::int64_t v) noexcept {
  switch (v) {
    case 0:
      return version::v1;
    case 1:
      return version::v2c;
    case 3:
      return version::v3;
    default:
      return fail(errc::bad_version);
  }
}

/// True for the tags of RFC 3416 §3 PDUs other than the v1 Trap-PDU.
constexpr bool is_v2_pdu_tag(std::uint8_t t) noexcept {
  return (t >= 0xa0 && t <= 0xa3) || (t >= 0xa5 && t <= 0xa8);
}

/// Read the fields of a PDU ([0]..[8] except [4]) from the content reader r.
ber::result<void> fill_pdu(ber::reader& r, std::uint8_t tag, pdu& out) {
  out.type = static_cast<pdu_type>(tag);
  // RFC 3416 §3: request-id, error-status (non-repeaters for GetBulk), error-index
  // (max-repetitions for GetBulk), variable-bindings.
  auto id = r.read_int32();
  if (!id) return id.error();
  auto status = r.read_int32();
  if (!status) return status.error();
  auto index = r.read_int32();
  if (!index) return index.error();
  out.request_id = *id;
  out.error_status = *status;
  out.error_index = *index;
  if (auto vb = decode_varbinds(r, out.varbinds); !vb) return vb.error();
  if (!r.at_end()) return fail(ber::errc::trailing_data);
  return {};
}

/// Read the fields of a Trap-PDU (RFC 1157 §4.1.6) from the content reader r.
ber::result<void> fill_trap_v1(ber::reader& r, trap_v1_pdu& out) {
  if (auto e = r.read_oid(out.enterprise); !e) return e.error();
  // agent-addr is NetworkAddress, a CHOICE whose only alternative is IpAddress (RFC 1155 §3.2.3).
  auto addr = r.read_ip_address();
  if (!addr) return addr.error();
  out.agent_address = *addr;
  auto generic = r.read_int32();
  if (!generic) return generic.error();
  if (*generic < 0 || *generic > 6) return fail(errc::bad_field);
  out.generic_trap = *generic;
  auto specific = r.read_int32();
  if (!specific) return specific.error();
  out.specific_trap = *specific;
  auto ts = r.read_uint32(static_cast<std::uint8_t>(ber::tag::timeticks));
  if (!ts) return ts.error();
  out.time_stamp = *ts;
  if (auto vb = decode_varbinds(r, out.varbinds); !vb) return vb.error();
  if (!r.at_end()) return fail(ber::errc::trailing_data);
  return {};
}

/// Alternative of a value variant, or a default when the variant holds something else.
template <class T>
const T& get_or(const value& v, const T& fallback) noexcept {
  const T* p = std::get_if<T>(&v.data);
  return p != nullptr ? *p : fallback;
}

}  // namespace

ber::result<version> peek_version(std::span<const std::byte> datagram) noexcept {
  ber::reader top(datagram);
  auto msg = top.read_constructed(tag_sequence);
  if (!msg) return msg.error();
  auto v = msg->read_integer64();
  if (!v) return v.error();
  return map_version(*v);
}

ber::result<community_message> decode_community(std::span<const std::byte> datagram,
                                                const ber::limits& lim) {
  ber::reader top(datagram, lim);
  auto msg = top.read_constructed(tag_sequence);
  if (!msg) return msg.error();
  if (!top.at_end()) return fail(ber::errc::trailing_data);

  auto raw_version = msg->read_integer64();
  if (!raw_version) return raw_version.error();
  auto ver = map_version(*raw_version);
  if (!ver) return ver.error();
  if (*ver == version::v3) return fail(errc::unsupported_version);

  community_message out;
  out.ver = *ver;
  auto community = msg->read_octets(tag_octets);
  if (!community) return community.error();
  out.community = to_string(*community);

  auto tag = msg->peek_tag();
  if (!tag) return tag.error();
  const std::uint8_t t = *tag;
  if (t == static_cast<std::uint8_t>(pdu_type::trap_v1)) {
    // RFC 3584 §2.1: the Trap-PDU exists only in SNMPv1.
    if (out.ver != version::v1) return fail(errc::pdu_not_allowed_in_version);
    auto body = msg->read_constructed(t);
    if (!body) return body.error();
    auto& trap = out.body.emplace<trap_v1_pdu>();
    if (auto r = fill_trap_v1(*body, trap); !r) return r.error();
  } else if (is_v2_pdu_tag(t)) {
    // RFC 1157 §4.1 defines only [0]..[4]; GetBulk, Inform, SNMPv2-Trap and Report are v2 PDUs.
    if (out.ver == version::v1 && t > 0xa3) return fail(errc::pdu_not_allowed_in_version);
    auto body = msg->read_constructed(t);
    if (!body) return body.error();
    auto& p = out.body.emplace<pdu>();
    if (auto r = fill_pdu(*body, t, p); !r) return r.error();
  } else {
    return fail(errc::unknown_pdu_type);
  }
  if (!msg->at_end()) return fail(ber::errc::trailing_data);
  return out;
}

ber::result<pdu> decode_pdu(ber::reader& r) {
  auto tag = r.peek_tag();
  if (!tag) return tag.error();
  if (*tag == static_cast<std::uint8_t>(pdu_type::trap_v1)) {
    return fail(errc::pdu_not_allowed_in_version);
  }
  if (!is_v2_pdu_tag(*tag)) return fail(errc::unknown_pdu_type);
  auto body = r.read_constructed(*tag);
  if (!body) return body.error();
  pdu out;
  if (auto e = fill_pdu(*body, *tag, out); !e) return e.error();
  return out;
}

ber::result<trap_v1_pdu> decode_trap_v1(ber::reader& r) {
  auto body = r.read_constructed(static_cast<std::uint8_t>(pdu_type::trap_v1));
  if (!body) return body.error();
  trap_v1_pdu out;
  if (auto e = fill_trap_v1(*body, out); !e) return e.error();
  return out;
}

ber::result<void> decode_varbinds(ber::reader& r, std::vector<varbind>& out) {
  auto list = r.read_constructed(tag_sequence);
  if (!list) return list.error();
  out.reserve(out.size() + list->count_remaining());
  while (!list->at_end()) {
    // RFC 3416 §3: VarBind ::= SEQUENCE { name ObjectName, CHOICE { value, exceptions } }.
    auto vb = list->read_constructed(tag_sequence);
    if (!vb) return vb.error();
    varbind& v = out.emplace_back();
    if (auto n = vb->read_oid(v.name); !n) return n.error();
    auto element = vb->read_tlv();
    if (!element) return element.error();
    if (auto d = decode_value(*element, v.val); !d) return d.error();
    if (!vb->at_end()) return fail(ber::errc::trailing_data);
  }
  return {};
}

ber::result<void> decode_value(const ber::tlv& element, value& out) {
  const auto c = element.value;
  switch (static_cast<ber::tag>(element.tag)) {
    case ber::tag::integer: {
      auto v = ber::decode_int32(c);
      if (!v) return v.error();
      out = value::integer(*v);
      return {};
    }
    case ber::tag::octet_string:
    case ber::tag::opaque:  // RFC 2578 §7.1.9: kept as the raw wrapped octets
      out.type = static_cast<ber::tag>(element.tag);
      out.data.emplace<std::string>(reinterpret_cast<const char*>(c.data()), c.size());
      return {};
    case ber::tag::ip_address:
      if (c.size() != 4) return fail(ber::errc::bad_ip_address);  // RFC 2578 §7.1.5
      out.type = ber::tag::ip_address;
      out.data.emplace<std::string>(reinterpret_cast<const char*>(c.data()), c.size());
      return {};
    case ber::tag::null:
    case ber::tag::no_such_object:  // RFC 3416 §3 exceptions: [n] IMPLICIT NULL
    case ber::tag::no_such_instance:
    case ber::tag::end_of_mib_view:
      if (!c.empty()) return fail(ber::errc::bad_null);
      out = value::exception(static_cast<ber::tag>(element.tag));
      return {};
    case ber::tag::object_identifier: {
      out.type = ber::tag::object_identifier;
      auto& o = out.data.emplace<ber::oid>();
      return ber::decode_oid(c, o);
    }
    case ber::tag::counter32:
    case ber::tag::gauge32:
    case ber::tag::timeticks: {
      auto v = ber::decode_uint32(c);
      if (!v) return v.error();
      out.type = static_cast<ber::tag>(element.tag);
      out.data = *v;
      return {};
    }
    case ber::tag::counter64: {
      auto v = ber::decode_uint64(c);
      if (!v) return v.error();
      out = value::counter64(*v);
      return {};
    }
    case ber::tag::sequence:
      break;
  }
  return fail(ber::errc::unexpected_tag);
}

std::vector<std::byte> encode(const community_message& m) {
  ber::writer w(512);
  encode(w, m);
  return w.take();
}

void encode(ber::writer& w, const community_message& m) {
  const auto msg = w.begin_constructed(tag_sequence);
  w.write_integer(static_cast<std::int32_t>(m.ver));
  w.write_octets(m.community, tag_octets);
  if (const auto* p = std::get_if<pdu>(&m.body)) {
    encode_pdu(w, *p);
  } else {
    encode_trap_v1(w, std::get<trap_v1_pdu>(m.body));
  }
  w.end_constructed(msg);
}

void encode_pdu(ber::writer& w, const pdu& p) {
  const auto body = w.begin_constructed(static_cast<std::uint8_t>(p.type));
  w.write_integer(p.request_id);
  w.write_integer(p.error_status);
  w.write_integer(p.error_index);
  encode_varbinds(w, p.varbinds);
  w.end_constructed(body);
}

void encode_trap_v1(ber::writer& w, const trap_v1_pdu& p) {
  const auto body = w.begin_constructed(static_cast<std::uint8_t>(pdu_type::trap_v1));
  w.write_oid(p.enterprise);
  w.write_octets(std::as_bytes(std::span(p.agent_address)),
                 static_cast<std::uint8_t>(ber::tag::ip_address));
  w.write_integer(p.generic_trap);
  w.write_integer(p.specific_trap);
  w.write_unsigned(p.time_stamp, static_cast<std::uint8_t>(ber::tag::timeticks));
  encode_varbinds(w, p.varbinds);
  w.end_constructed(body);
}

void encode_varbinds(ber::writer& w, std::span<const varbind> vbs) {
  const auto list = w.begin_constructed(tag_sequence);
  for (const auto& vb : vbs) {
    const auto one = w.begin_constructed(tag_sequence);
    w.write_oid(vb.name);
    encode_value(w, vb.val);
    w.end_constructed(one);
  }
  w.end_constructed(list);
}

void encode_value(ber::writer& w, const value& v) {
  static const std::string empty_string;
  static const ber::oid zero_dot_zero{0, 0};
  const auto tag = static_cast<std::uint8_t>(v.type);
  switch (v.type) {
    case ber::tag::integer:
      w.write_integer(get_or<std::int32_t>(v, 0));
      return;
    case ber::tag::octet_string:
    case ber::tag::ip_address:
    case ber::tag::opaque:
      w.write_octets(get_or<std::string>(v, empty_string), tag);
      return;
    case ber::tag::object_identifier:
      w.write_oid(get_or<ber::oid>(v, zero_dot_zero));
      return;
    case ber::tag::counter32:
    case ber::tag::gauge32:
    case ber::tag::timeticks:
      w.write_unsigned(get_or<std::uint32_t>(v, 0), tag);
      return;
    case ber::tag::counter64:
      w.write_unsigned(get_or<std::uint64_t>(v, 0), tag);
      return;
    case ber::tag::null:
    case ber::tag::no_such_object:
    case ber::tag::no_such_instance:
    case ber::tag::end_of_mib_view:
    case ber::tag::sequence:  // not a value type; written as an empty element of that tag
      w.write_null(tag);
      return;
  }
  w.write_null(tag);
}

}  // namespace trapsink::snmp::message
