#pragma once
// USM cryptography through OpenSSL 3: password-to-key and key localization (RFC 3414 §2.6,
// A.2), privacy-key extension (draft-blumenthal-aes-usm-04 §3.1.2.1, draft-reeder-snmpv3-usm-
// 3desede §2.1), HMAC authentication (RFC 3414 §6-7, RFC 7860) and privacy (CBC-DES RFC 3414
// §8, 3DES-EDE (Reeder), CFB-AES RFC 3826 and its 192/256-bit extensions).
//
// Keys are held by auth_key / priv_key objects that precompute what each message needs, wipe
// their key material on destruction and are safe to use from several threads at once.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trapsink::snmp::usm {

/// Authentication protocols (usmUserAuthProtocol).
enum class auth_protocol : std::uint8_t { none, md5, sha1, sha224, sha256, sha384, sha512 };

/// Privacy protocols (usmUserPrivProtocol). The *_reeder variants extend the key the way
/// draft-reeder-snmpv3-usm-3desede does (Cisco's AES-192/256); aes192/aes256 follow
/// draft-blumenthal-aes-usm-04 (Net-SNMP's AES-192/AES-256).
enum class priv_protocol : std::uint8_t {
  none,
  des,
  des3,
  aes128,
  aes192,
  aes256,
  aes192_reeder,
  aes256_reeder
};

/// Key material (wiped by the key objects that hold it; plain bytes elsewhere).
using key_bytes = std::vector<std::byte>;

/// Configuration names: "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512" ("none" for
/// none).
std::string_view name(auth_protocol p) noexcept;
/// Configuration names: "DES", "3DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"
/// ("none" for none).
std::string_view name(priv_protocol p) noexcept;

/// Parse a configuration name, case-insensitively. Accepts the names above and common aliases
/// (SHA1, SHA-1, SHA224 ..., AES128, AES-128, AES192, DES3, 3DES-EDE, AES192C, AES-192-Cisco
/// ...). nullopt when unknown.
std::optional<auth_protocol> parse_auth_protocol(std::string_view s) noexcept;
std::optional<priv_protocol> parse_priv_protocol(std::string_view s) noexcept;

/// Octets of msgAuthenticationParameters (the truncated HMAC): 12 for MD5 and SHA, 16, 24, 32,
/// 48 for SHA-224 ... SHA-512 (RFC 7860 §4.2). 0 for none.
std::size_t digest_length(auth_protocol p) noexcept;
/// Octets of a (master or localized) key: the hash output length (16, 20, 28, 32, 48, 64).
std::size_t key_length(auth_protocol p) noexcept;
/// Octets of privacy key material a protocol consumes: DES 16 (8 key + 8 pre-IV), 3DES 32
/// (24 key + 8 pre-IV), AES 16, AES-192 24, AES-256 32.
std::size_t key_length(priv_protocol p) noexcept;

/// The empty string when the protocol can be used in this process; otherwise why not, as a
/// sentence a user can act on (e.g. DES without OpenSSL's legacy provider).
std::string availability_error(priv_protocol p);

/// Load OpenSSL's "legacy" provider (for DES / 3DES) next to "default". Idempotent and
/// thread-safe; returns false when the provider is not installed.
bool load_legacy_provider() noexcept;

/// RFC 3414 A.2: expand the password to 1 MiB and hash it with the protocol's hash ("Ku").
/// The password must not be empty (std::invalid_argument); p must not be none.
key_bytes password_to_key(auth_protocol p, std::string_view password);

/// RFC 3414 §2.6 / A.2: Kul = H(Ku || engineID || Ku).
key_bytes localize_key(auth_protocol p, std::span<const std::byte> master_key,
                       std::span<const std::byte> engine_id);

/// The privacy key material for `priv` from a privacy key localized with `auth`'s hash:
/// truncated to key_length(priv), extended where it is too short (Blumenthal for aes192/aes256:
/// Kul || H(Kul) ...; Reeder for des3 and the *_reeder variants: Kul || localize(Ku(Kul)) ...).
key_bytes derive_priv_key(priv_protocol priv, auth_protocol auth,
                          std::span<const std::byte> localized_priv_key,
                          std::span<const std::byte> engine_id);

/// A localized authentication key ready to sign and verify whole messages.
class auth_key {
 public:
  /// p must not be none; key must be key_length(p) octets (std::invalid_argument otherwise).
  auth_key(auth_protocol p, std::span<const std::byte> localized_key);
  ~auth_key();
  auth_key(const auth_key&) = delete;
  auth_key& operator=(const auth_key&) = delete;
  auth_key(auth_key&&) noexcept;
  auth_key& operator=(auth_key&&) noexcept;

  auth_protocol protocol() const noexcept { return protocol_; }
  std::size_t digest_length() const noexcept { return usm::digest_length(protocol_); }

  /// The truncated HMAC of the whole message (whose msgAuthenticationParameters are zeros) into
  /// out, which must hold digest_length() octets.
  void sign(std::span<const std::byte> message, std::span<std::byte> out) const;
  /// True when mac (digest_length() octets) is the message's truncated HMAC; constant time.
  bool verify(std::span<const std::byte> message, std::span<const std::byte> mac) const;

 private:
  struct state;
  auth_protocol protocol_;
  state* state_;
};

/// Privacy key material ready to encrypt and decrypt scoped PDUs.
class priv_key {
 public:
  /// p must not be none; material must be key_length(p) octets (from derive_priv_key).
  /// Throws std::runtime_error with availability_error(p) when the cipher is unavailable.
  priv_key(priv_protocol p, std::span<const std::byte> material);
  ~priv_key();
  priv_key(const priv_key&) = delete;
  priv_key& operator=(const priv_key&) = delete;
  priv_key(priv_key&&) noexcept;
  priv_key& operator=(priv_key&&) noexcept;

  priv_protocol protocol() const noexcept { return protocol_; }

  /// Decrypt an encryptedPDU. boots/time are msgAuthoritativeEngineBoots/Time of the message
  /// (used by AES), priv_params its msgPrivacyParameters. False (decryptionError) when
  /// priv_params is not 8 octets, a CBC ciphertext is not a multiple of 8 octets, or the
  /// cipher fails. For CBC ciphers the plaintext keeps the sender's padding.
  bool decrypt(std::uint32_t boots, std::uint32_t time, std::span<const std::byte> priv_params,
               std::span<const std::byte> ciphertext, std::vector<std::byte>& plaintext) const;

  /// Encrypt a serialized scoped PDU. salt is the sender's local 64-bit integer (for DES and
  /// 3DES the salt is boots || low 32 bits of salt, RFC 3414 §8.1.1.1); priv_params receives
  /// msgPrivacyParameters. CBC plaintexts are padded to the block size.
  void encrypt(std::uint32_t boots, std::uint32_t time, std::uint64_t salt,
               std::span<const std::byte> plaintext, std::vector<std::byte>& ciphertext,
               std::array<std::byte, 8>& priv_params) const;

 private:
  priv_protocol protocol_;
  std::vector<std::byte> material_;
};

}  // namespace trapsink::snmp::usm
