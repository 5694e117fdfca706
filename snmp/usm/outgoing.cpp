#include "snmp/usm/outgoing.hpp"

#include <algorithm>
#include <array>

namespace trapsink::snmp::usm {

std::vector<std::byte> encode_message(const message::v3_header& h, message::usm_parameters usm,
                                      const message::scoped_pdu& scoped, const auth_key* auth,
                                      const priv_key* priv, std::uint64_t salt) {
  usm.auth_params_length = auth != nullptr ? auth->digest_length() : 0;
  usm.priv_params.clear();
  const auto plain = message::encode_scoped_pdu(scoped);
  message::encoded_v3 out;
  if (priv != nullptr) {
    // RFC 3414 §3.1 step 4: encrypt with the authoritative engine's boots and time.
    std::vector<std::byte> cipher;
    std::array<std::byte, 8> params{};
    priv->encrypt(static_cast<std::uint32_t>(usm.engine_boots),
                  static_cast<std::uint32_t>(usm.engine_time), salt, plain, cipher, params);
    usm.priv_params.assign(params.begin(), params.end());
    out = message::encode_v3(h, usm, cipher, true);
  } else {
    out = message::encode_v3(h, usm, plain, false);
  }
  if (auth != nullptr) {
    // Step 6: the MAC over the whole message with msgAuthenticationParameters zeroed.
    std::vector<std::byte> mac(auth->digest_length());
    auth->sign(out.bytes, mac);
    std::copy(mac.begin(), mac.end(),
              out.bytes.begin() + static_cast<std::ptrdiff_t>(out.auth_params_offset));
  }
  return std::move(out.bytes);
}

}  // namespace trapsink::snmp::usm
