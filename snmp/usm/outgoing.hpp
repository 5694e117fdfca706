#pragma once
// Encoding protected SNMPv3 messages (RFC 3414 §3.1 generateRequestMsg / generateResponseMsg):
// the scoped PDU is encrypted when a privacy key is given, then the whole message is signed
// when an authentication key is given. Used for trapsink's Responses and Reports, and by
// anything that originates v3 messages (notification originator, command generator, tests).
#include <cstdint>
#include <vector>

#include "snmp/message/v3.hpp"
#include "snmp/usm/crypto.hpp"

namespace trapsink::snmp::usm {

/// Encode h + usm + scoped, protected with auth (may be null: no authentication) and priv (may
/// be null: plaintext; requires auth). usm.auth_params_length and usm.priv_params are set here;
/// salt is the sender's privacy salt for this message (use each value once). h.flags should
/// carry the matching auth/priv bits; this function does not change them.
std::vector<std::byte> encode_message(const message::v3_header& h, message::usm_parameters usm,
                                      const message::scoped_pdu& scoped, const auth_key* auth,
                                      const priv_key* priv, std::uint64_t salt);

}  // namespace trapsink::snmp::usm
