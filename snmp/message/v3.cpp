// SNMPv3 message codec: RFC 3412 §6 (message format), RFC 3414 §2.4 (UsmSecurityParameters).
#include "snmp/message/v3.hpp"

#include <stdexcept>

#include "snmp/ber/writer.hpp"
#include "snmp/message/codec.hpp"
#include "snmp/message/detail.hpp"

namespace trapsink::snmp::message {
namespace {

using detail::fail;
using detail::tag_octets;
using detail::tag_sequence;
using detail::to_string;

/// Read an INTEGER constrained to 0..2^31-1 (errc::bad_field below 0).
ber::result<std::int32_t> read_non_negative(ber::reader& r) noexcept {
  auto v = r.read_int32();
  if (!v) return v.error();
  if (*v < 0) return fail(errc::bad_field);
  return *v;
}

}  // namespace

ber::result<v3_message_view> decode_v3(std::span<const std::byte> datagram,
                                       const ber::limits& lim) noexcept {
  ber::reader top(datagram, lim);
  auto msg = top.read_constructed(tag_sequence);
  if (!msg) return msg.error();
  if (!top.at_end()) return fail(ber::errc::trailing_data);

  auto ver = msg->read_integer64();
  if (!ver) return ver.error();
  if (*ver != 3)
    return fail(*ver == 0 || *ver == 1 ? errc::unsupported_version : errc::bad_version);

  v3_message_view out;
  auto header = msg->read_constructed(tag_sequence);
  if (!header) return header.error();
  auto id = read_non_negative(*header);
  if (!id) return id.error();
  auto max_size = read_non_negative(*header);
  if (!max_size) return max_size.error();
  // RFC 3412 §6.2: msgMaxSize INTEGER (484..2147483647).
  if (*max_size < 484) return fail(errc::bad_field);
  auto flags = header->read_octets(tag_octets);
  if (!flags) return flags.error();
  auto model = header->read_int32();
  if (!model) return model.error();
  if (!header->at_end()) return fail(ber::errc::trailing_data);
  // RFC 3412 §6.3: msgSecurityModel INTEGER (1..2147483647).
  if (*model < 1) return fail(errc::bad_field);
  // RFC 3412 §6.4 / §7.2 step 5: one octet; privFlag requires authFlag.
  if (flags->size() != 1) return fail(errc::invalid_msg_flags);
  const auto f = std::to_integer<std::uint8_t>((*flags)[0]);
  if ((f & v3_flags::priv) != 0 && (f & v3_flags::auth) == 0) {
    return fail(errc::invalid_msg_flags);
  }
  out.header = {*id, *max_size, f, *model};

  auto sec = msg->read_octets(tag_octets);
  if (!sec) return sec.error();
  out.security_parameters = *sec;
  out.security_parameters_offset = static_cast<std::size_t>(sec->data() - datagram.data());

  const auto before = msg->rest();
  auto data = msg->read_tlv();
  if (!data) return data.error();
  if (data->tag == tag_octets) {
    out.encrypted = true;
    out.data = data->value;
  } else if (data->tag == tag_sequence) {
    // The whole element: from its identifier octet to the end of its content.
    out.data = before.first(before.size() - msg->rest().size());
  } else {
    return fail(ber::errc::unexpected_tag);
  }
  if (!msg->at_end()) return fail(ber::errc::trailing_data);
  return out;
}

ber::result<usm_parameters_view> decode_usm_parameters(
    std::span<const std::byte> content) noexcept {
  ber::reader top(content);
  auto seq = top.read_constructed(tag_sequence);
  if (!seq) return seq.error();
  if (!top.at_end()) return fail(ber::errc::trailing_data);
  usm_parameters_view out;
  auto engine = seq->read_octets(tag_octets);
  if (!engine) return engine.error();
  // RFC 3411 SnmpEngineID is 5..32 octets; empty is a discovery probe (RFC 3414 §4).
  if (!engine->empty() && (engine->size() < 5 || engine->size() > 32)) {
    return fail(errc::bad_field);
  }
  auto boots = read_non_negative(*seq);
  if (!boots) return boots.error();
  auto time = read_non_negative(*seq);
  if (!time) return time.error();
  auto user = seq->read_octets(tag_octets);
  if (!user) return user.error();
  if (user->size() > 32) return fail(errc::user_name_too_long);
  auto auth = seq->read_octets(tag_octets);
  if (!auth) return auth.error();
  auto priv = seq->read_octets(tag_octets);
  if (!priv) return priv.error();
  if (!seq->at_end()) return fail(ber::errc::trailing_data);
  out.engine_id = *engine;
  out.engine_boots = *boots;
  out.engine_time = *time;
  out.user_name = *user;
  out.auth_params = *auth;
  out.priv_params = *priv;
  out.auth_params_offset = static_cast<std::size_t>(auth->data() - content.data());
  return out;
}

ber::result<scoped_pdu> decode_scoped_pdu(std::span<const std::byte> bytes, bool allow_trailing,
                                          const ber::limits& lim) {
  ber::reader top(bytes, lim);
  auto seq = top.read_constructed(tag_sequence);
  if (!seq) return seq.error();
  if (!allow_trailing && !top.at_end()) return fail(ber::errc::trailing_data);
  scoped_pdu out;
  auto engine = seq->read_octets(tag_octets);
  if (!engine) return engine.error();
  if (engine->size() > 32) return fail(errc::bad_field);  // SnmpEngineID (RFC 3411)
  auto name = seq->read_octets(tag_octets);
  if (!name) return name.error();
  if (name->size() > 255) return fail(errc::bad_field);  // SnmpAdminString (RFC 3411)
  auto p = decode_pdu(*seq);
  if (!p) return p.error();
  if (!seq->at_end()) return fail(ber::errc::trailing_data);
  out.context_engine_id = to_string(*engine);
  out.context_name = to_string(*name);
  out.data = std::move(*p);
  return out;
}

ber::result<pdu_summary> peek_scoped_pdu(std::span<const std::byte> bytes) noexcept {
  ber::reader top(bytes);
  auto seq = top.read_constructed(tag_sequence);
  if (!seq) return seq.error();
  if (auto e = seq->read_octets(tag_octets); !e) return e.error();
  if (auto n = seq->read_octets(tag_octets); !n) return n.error();
  auto p = seq->read_tlv();
  if (!p) return p.error();
  if (p->tag < 0xa0 || p->tag > 0xa8) return fail(errc::unknown_pdu_type);
  auto fields = seq->enter(*p);
  if (!fields) return fields.error();
  auto id = fields->read_int32();
  if (!id) return id.error();
  return pdu_summary{static_cast<pdu_type>(p->tag), *id};
}

std::vector<std::byte> encode_scoped_pdu(const scoped_pdu& s) {
  ber::writer w(128 + s.data.varbinds.size() * 32);
  auto seq = w.begin_constructed(tag_sequence);
  w.write_octets(s.context_engine_id);
  w.write_octets(s.context_name);
  encode_pdu(w, s.data);
  w.end_constructed(seq);
  return w.take();
}

encoded_v3 encode_v3(const v3_header& h, const usm_parameters& usm,
                     std::span<const std::byte> msg_data, bool encrypted) {
  ber::writer params(96 + usm.engine_id.size() + usm.auth_params_length);
  auto seq = params.begin_constructed(tag_sequence);
  params.write_octets(std::span<const std::byte>(usm.engine_id));
  params.write_integer(usm.engine_boots);
  params.write_integer(usm.engine_time);
  params.write_octets(usm.user_name);
  const std::vector<std::byte> zeros(usm.auth_params_length);
  params.write_octets(std::span<const std::byte>(zeros));
  params.write_octets(std::span<const std::byte>(usm.priv_params));
  params.end_constructed(seq);

  ber::writer w(64 + params.size() + msg_data.size());
  auto msg = w.begin_constructed(tag_sequence);
  w.write_integer(3);
  auto header = w.begin_constructed(tag_sequence);
  w.write_integer(h.msg_id);
  w.write_integer(h.max_size);
  const std::byte flags[1] = {static_cast<std::byte>(h.flags)};
  w.write_octets(std::span<const std::byte>(flags));
  w.write_integer(h.security_model);
  w.end_constructed(header);
  w.write_octets(params.bytes());
  if (encrypted) {
    w.write_octets(msg_data);
  } else {
    w.write_raw(msg_data);
  }
  w.end_constructed(msg);

  encoded_v3 out;
  out.bytes = w.take();
  // Locate the authentication parameters by decoding what was just written. It always
  // decodes (this function wrote it); anything else is a bug that must not be signed over.
  auto view = decode_v3(out.bytes);
  if (!view) throw std::logic_error("encode_v3: the message written does not decode");
  auto usm_view = decode_usm_parameters(view->security_parameters);
  if (!usm_view) {
    throw std::logic_error("encode_v3: invalid USM parameters (engine ID length or user name)");
  }
  out.auth_params_offset = view->security_parameters_offset + usm_view->auth_params_offset;
  return out;
}

}  // namespace trapsink::snmp::message
