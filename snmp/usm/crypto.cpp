// USM cryptography through OpenSSL 3's EVP interfaces (RFC 3414, RFC 3826, RFC 7860,
// draft-blumenthal-aes-usm-04, draft-reeder-snmpv3-usm-3desede). No hash or cipher is written
// here: every primitive is an EVP_MD or EVP_CIPHER fetched once per process.
//
// Per-message work is kept small: an auth_key holds the two HMAC hash states keyed with
// K XOR ipad and K XOR opad (RFC 2104 §2), so signing copies them into a per-thread scratch
// context instead of re-keying; ciphers are fetched once and cached. Nothing on the per-message
// paths throws, except priv_key::encrypt when OpenSSL itself fails (out of memory).
#include "snmp/usm/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace trapsink::snmp::usm {
namespace {

/// Octets of the RFC 3414 A.2 expanded password (1 MiB).
constexpr std::size_t expanded_password_length = 1048576;
/// The largest hash output (SHA-512) and HMAC block (SHA-384/512).
constexpr std::size_t max_hash_length = 64;
constexpr std::size_t max_block_length = 128;

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

struct cipher_ctx_deleter {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter>;

inline const unsigned char* uc(const std::byte* p) noexcept {
  return reinterpret_cast<const unsigned char*>(p);
}
inline unsigned char* uc(std::byte* p) noexcept { return reinterpret_cast<unsigned char*>(p); }

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) noexcept {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// Wipe the whole buffer of a vector holding key material, then empty it.
void wipe(std::vector<std::byte>& v) noexcept {
  if (!v.empty()) OPENSSL_cleanse(v.data(), v.size());
  v.clear();
}

/// Wipes a key buffer when the scope ends, also when an exception leaves it; release() keeps
/// the buffer (a result being returned).
class wipe_guard {
 public:
  explicit wipe_guard(std::vector<std::byte>& v) noexcept : v_(&v) {}
  ~wipe_guard() {
    if (v_ != nullptr) wipe(*v_);
  }
  wipe_guard(const wipe_guard&) = delete;
  wipe_guard& operator=(const wipe_guard&) = delete;
  void release() noexcept { v_ = nullptr; }

 private:
  std::vector<std::byte>* v_;
};

// ---------------------------------------------------------------------------------------------
// Algorithms, fetched once.

/// The EVP_MD of each auth protocol, fetched from the default library context on first use
/// (a function-local static: initialised once, thread-safe). Never freed: they live as long as
/// the process. nullptr for none, or when no loaded provider offers the hash.
const EVP_MD* digest_of(auth_protocol p) noexcept {
  static const std::array<EVP_MD*, 7> digests = [] {
    std::array<EVP_MD*, 7> d{};
    static constexpr const char* names[] = {nullptr,    "MD5",      "SHA1",    "SHA2-224",
                                            "SHA2-256", "SHA2-384", "SHA2-512"};
    ERR_set_mark();
    for (std::size_t i = 1; i < d.size(); ++i) d[i] = EVP_MD_fetch(nullptr, names[i], nullptr);
    ERR_pop_to_mark();
    return d;
  }();
  const auto i = static_cast<std::size_t>(p);
  return i < digests.size() ? digests[i] : nullptr;
}

/// The digest for p, or std::invalid_argument (none) / std::runtime_error (unavailable).
const EVP_MD* require_digest(auth_protocol p) {
  if (p == auth_protocol::none) throw std::invalid_argument("USM: no authentication protocol");
  const EVP_MD* md = digest_of(p);
  if (md == nullptr) {
    throw std::runtime_error(std::string("USM: the ") + std::string(name(p)) +
                             " hash is not available from the loaded OpenSSL providers");
  }
  return md;
}

/// OpenSSL's name of the cipher a privacy protocol uses. AES-n-CFB is CFB128 (RFC 3826 §3.1.4);
/// CFB1 and CFB8 have other names.
const char* cipher_name(priv_protocol p) noexcept {
  switch (p) {
    case priv_protocol::none:
      return nullptr;
    case priv_protocol::des:
      return "DES-CBC";
    case priv_protocol::des3:
      return "DES-EDE3-CBC";
    case priv_protocol::aes128:
      return "AES-128-CFB";
    case priv_protocol::aes192:
    case priv_protocol::aes192_reeder:
      return "AES-192-CFB";
    case priv_protocol::aes256:
    case priv_protocol::aes256_reeder:
      return "AES-256-CFB";
  }
  return nullptr;
}

/// The EVP_CIPHER of a privacy protocol. Fetched on first success and cached for the life of
/// the process; a failed fetch is not cached, because DES-CBC appears once the legacy provider
/// is loaded. The hot path is one atomic load.
const EVP_CIPHER* cipher_of(priv_protocol p) noexcept {
  static std::array<std::atomic<EVP_CIPHER*>, 8> cache{};
  static std::mutex fetch_mutex;
  const auto i = static_cast<std::size_t>(p);
  if (i >= cache.size() || cipher_name(p) == nullptr) return nullptr;
  if (EVP_CIPHER* c = cache[i].load(std::memory_order_acquire)) return c;
  std::lock_guard lock(fetch_mutex);
  if (EVP_CIPHER* c = cache[i].load(std::memory_order_relaxed)) return c;
  ERR_set_mark();  // a failed fetch must not leave errors on this thread's queue
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, cipher_name(p), nullptr);
  ERR_pop_to_mark();
  if (c != nullptr) cache[i].store(c, std::memory_order_release);
  return c;
}

/// Where OpenSSL looks for provider modules (OPENSSL_MODULES overrides the built-in path).
std::string modules_dir() {
  if (const char* env = std::getenv("OPENSSL_MODULES"); env != nullptr && *env != '\0') {
    return env;
  }
  const char* dir = OPENSSL_info(OPENSSL_INFO_MODULES_DIR);
  const std::string_view d = dir != nullptr ? dir : "";
  return d.empty() ? std::string("ossl-modules") : std::string(d);
}

// ---------------------------------------------------------------------------------------------
// Hashing helpers (configuration time: these may throw).

/// H(parts...) appended to out.
void hash_into(const EVP_MD* md, std::initializer_list<std::span<const std::byte>> parts,
               key_bytes& out) {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool ok = ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1;
  for (const auto& part : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), buf, &len) == 1;
  if (ok) {
    const auto* b = reinterpret_cast<const std::byte*>(buf);
    out.insert(out.end(), b, b + len);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  if (!ok) throw std::runtime_error("USM: OpenSSL digest failure");
}

/// RFC 3414 A.2.1 / A.2.2 step 1: hash the first 1 MiB of the endlessly repeated password.
/// The stream is fed in chunks of a whole number of passwords (about 4 KiB), so chunk
/// boundaries never break the repetition; the RFC's 64-octet loop gives the same stream.
key_bytes hash_passphrase(const EVP_MD* md, std::span<const std::byte> password) {
  if (password.empty()) throw std::invalid_argument("USM: the password must not be empty");
  const std::size_t reps = (4096 + password.size() - 1) / password.size();
  std::vector<std::byte> chunk;
  wipe_guard chunk_guard(chunk);
  chunk.reserve(reps * password.size());
  for (std::size_t i = 0; i < reps; ++i) {
    chunk.insert(chunk.end(), password.begin(), password.end());
  }

  md_ctx_ptr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1;
  for (std::size_t left = expanded_password_length; ok && left > 0;) {
    const std::size_t n = std::min(left, chunk.size());
    ok = EVP_DigestUpdate(ctx.get(), chunk.data(), n) == 1;
    left -= n;
  }
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), buf, &len) == 1;
  key_bytes out;
  if (ok) {
    const auto* b = reinterpret_cast<const std::byte*>(buf);
    out.assign(b, b + len);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  if (!ok) throw std::runtime_error("USM: OpenSSL digest failure");
  return out;
}

/// RFC 3414 §2.6: Kul = H(Ku || engineID || Ku), appended to out.
void localize_into(const EVP_MD* md, std::span<const std::byte> ku,
                   std::span<const std::byte> engine_id, key_bytes& out) {
  hash_into(md, {ku, engine_id, ku}, out);
}

/// How a privacy protocol extends a localized key that is shorter than it needs.
enum class extension : std::uint8_t { none, blumenthal, reeder };

extension extension_of(priv_protocol p) noexcept {
  switch (p) {
    case priv_protocol::aes192:
    case priv_protocol::aes256:
      return extension::blumenthal;
    case priv_protocol::des3:
    case priv_protocol::aes192_reeder:
    case priv_protocol::aes256_reeder:
      return extension::reeder;
    default:
      return extension::none;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-thread scratch contexts for the per-message paths.

/// A digest context per thread, into which the keyed HMAC states are copied.
EVP_MD_CTX* scratch_md() noexcept {
  thread_local md_ctx_ptr ctx(EVP_MD_CTX_new());
  return ctx.get();
}

/// A cipher context per thread. Reset after every message, so no key schedule outlives the
/// call (EVP_CIPHER_CTX_reset frees the provider context with OPENSSL_clear_free).
EVP_CIPHER_CTX* scratch_cipher() noexcept {
  thread_local cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  return ctx.get();
}

/// Resets the scratch cipher context when a cipher call ends, however it ends.
struct cipher_reset {
  EVP_CIPHER_CTX* ctx;
  ~cipher_reset() {
    if (ctx != nullptr) EVP_CIPHER_CTX_reset(ctx);
  }
};

/// Big-endian store of a 32-bit value.
inline void put_be32(std::byte* p, std::uint32_t v) noexcept {
  for (int i = 3; i >= 0; --i) {
    p[i] = static_cast<std::byte>(v & 0xffU);
    v >>= 8;
  }
}

/// Run a whole CBC or CFB operation: out receives exactly in.size() octets. CBC input must be a
/// whole number of blocks (padding is disabled: USM pads itself, RFC 3414 §8.1.1.2).
bool run_cipher_once(const EVP_CIPHER* cipher, const std::byte* key, const unsigned char* iv,
                     bool encrypt, std::span<const std::byte> in, std::byte* out) noexcept {
  EVP_CIPHER_CTX* ctx = scratch_cipher();
  if (ctx == nullptr || cipher == nullptr || in.size() > static_cast<std::size_t>(INT_MAX)) {
    return false;
  }
  cipher_reset reset{ctx};
  if (EVP_CipherInit_ex2(ctx, cipher, uc(key), iv, encrypt ? 1 : 0, nullptr) != 1) return false;
  // Padding only exists for block modes; setting it is a provider parameter call, so CFB skips it.
  if (EVP_CIPHER_get_mode(cipher) == EVP_CIPH_CBC_MODE && EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    return false;
  }
  int len = 0;
  int fin = 0;
  if (!in.empty() &&
      EVP_CipherUpdate(ctx, uc(out), &len, uc(in.data()), static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(ctx, uc(out) + len, &fin) != 1) return false;
  return static_cast<std::size_t>(len) + static_cast<std::size_t>(fin) == in.size();
}

/// run_cipher_once, leaving no OpenSSL error behind on this thread's queue when it fails.
bool run_cipher(const EVP_CIPHER* cipher, const std::byte* key, const unsigned char* iv,
                bool encrypt, std::span<const std::byte> in, std::byte* out) noexcept {
  if (run_cipher_once(cipher, key, iv, encrypt, in, out)) return true;
  ERR_clear_error();
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names and tables.

std::string_view name(auth_protocol p) noexcept {
  switch (p) {
    case auth_protocol::none:
      return "none";
    case auth_protocol::md5:
      return "MD5";
    case auth_protocol::sha1:
      return "SHA";
    case auth_protocol::sha224:
      return "SHA-224";
    case auth_protocol::sha256:
      return "SHA-256";
    case auth_protocol::sha384:
      return "SHA-384";
    case auth_protocol::sha512:
      return "SHA-512";
  }
  return "?";
}

std::string_view name(priv_protocol p) noexcept {
  switch (p) {
    case priv_protocol::none:
      return "none";
    case priv_protocol::des:
      return "DES";
    case priv_protocol::des3:
      return "3DES";
    case priv_protocol::aes128:
      return "AES";
    case priv_protocol::aes192:
      return "AES-192";
    case priv_protocol::aes256:
      return "AES-256";
    case priv_protocol::aes192_reeder:
      return "AES-192-C";
    case priv_protocol::aes256_reeder:
      return "AES-256-C";
  }
  return "?";
}

std::optional<auth_protocol> parse_auth_protocol(std::string_view s) noexcept {
  struct alias {
    std::string_view text;
    auth_protocol p;
  };
  // Configuration names, Net-SNMP's -a names, and the SNMP-USER-BASED-SM-MIB / SNMP-USM-HMAC-
  // SHA2-MIB identifiers (as PySNMP spells them).
  static constexpr alias aliases[] = {
      {"none", auth_protocol::none},
      {"usmNoAuthProtocol", auth_protocol::none},
      {"MD5", auth_protocol::md5},
      {"HMAC-MD5", auth_protocol::md5},
      {"HMAC-MD5-96", auth_protocol::md5},
      {"usmHMACMD5AuthProtocol", auth_protocol::md5},
      {"SHA", auth_protocol::sha1},
      {"SHA1", auth_protocol::sha1},
      {"SHA-1", auth_protocol::sha1},
      {"HMAC-SHA", auth_protocol::sha1},
      {"HMAC-SHA-96", auth_protocol::sha1},
      {"usmHMACSHAAuthProtocol", auth_protocol::sha1},
      {"SHA-224", auth_protocol::sha224},
      {"SHA224", auth_protocol::sha224},
      {"usmHMAC128SHA224AuthProtocol", auth_protocol::sha224},
      {"SHA-256", auth_protocol::sha256},
      {"SHA256", auth_protocol::sha256},
      {"usmHMAC192SHA256AuthProtocol", auth_protocol::sha256},
      {"SHA-384", auth_protocol::sha384},
      {"SHA384", auth_protocol::sha384},
      {"usmHMAC256SHA384AuthProtocol", auth_protocol::sha384},
      {"SHA-512", auth_protocol::sha512},
      {"SHA512", auth_protocol::sha512},
      {"usmHMAC384SHA512AuthProtocol", auth_protocol::sha512},
  };
  for (const auto& a : aliases) {
    if (iequals(s, a.text)) return a.p;
  }
  return std::nullopt;
}

std::optional<priv_protocol> parse_priv_protocol(std::string_view s) noexcept {
  struct alias {
    std::string_view text;
    priv_protocol p;
  };
  // Configuration names, Net-SNMP's -x names (AES-192-C / AES192C are its Reeder variants), and
  // PySNMP's identifiers: in PySNMP usmAesCfb192Protocol / usmAesCfb256Protocol are the Reeder
  // (Cisco) variants and usmAesBlumenthalCfb192/256Protocol the Blumenthal ones.
  static constexpr alias aliases[] = {
      {"none", priv_protocol::none},
      {"usmNoPrivProtocol", priv_protocol::none},
      {"DES", priv_protocol::des},
      {"CBC-DES", priv_protocol::des},
      {"DES-CBC", priv_protocol::des},
      {"usmDESPrivProtocol", priv_protocol::des},
      {"3DES", priv_protocol::des3},
      {"DES3", priv_protocol::des3},
      {"3DES-EDE", priv_protocol::des3},
      {"3DESEDE", priv_protocol::des3},
      {"DES-EDE3", priv_protocol::des3},
      {"TripleDES", priv_protocol::des3},
      {"usm3DESEDEPrivProtocol", priv_protocol::des3},
      {"AES", priv_protocol::aes128},
      {"AES128", priv_protocol::aes128},
      {"AES-128", priv_protocol::aes128},
      {"usmAesCfb128Protocol", priv_protocol::aes128},
      {"AES-192", priv_protocol::aes192},
      {"AES192", priv_protocol::aes192},
      {"usmAesBlumenthalCfb192Protocol", priv_protocol::aes192},
      {"AES-256", priv_protocol::aes256},
      {"AES256", priv_protocol::aes256},
      {"usmAesBlumenthalCfb256Protocol", priv_protocol::aes256},
      {"AES-192-C", priv_protocol::aes192_reeder},
      {"AES192C", priv_protocol::aes192_reeder},
      {"AES-192-Cisco", priv_protocol::aes192_reeder},
      {"AES-192-Reeder", priv_protocol::aes192_reeder},
      {"usmAesCfb192Protocol", priv_protocol::aes192_reeder},
      {"AES-256-C", priv_protocol::aes256_reeder},
      {"AES256C", priv_protocol::aes256_reeder},
      {"AES-256-Cisco", priv_protocol::aes256_reeder},
      {"AES-256-Reeder", priv_protocol::aes256_reeder},
      {"usmAesCfb256Protocol", priv_protocol::aes256_reeder},
  };
  for (const auto& a : aliases) {
    if (iequals(s, a.text)) return a.p;
  }
  return std::nullopt;
}

std::size_t digest_length(auth_protocol p) noexcept {
  switch (p) {
    case auth_protocol::none:
      return 0;
    case auth_protocol::md5:
    case auth_protocol::sha1:
      return 12;  // HMAC-MD5-96, HMAC-SHA-96 (RFC 3414 §6, §7)
    case auth_protocol::sha224:
      return 16;  // RFC 7860 §4.2: usmHMAC128SHA224AuthProtocol
    case auth_protocol::sha256:
      return 24;
    case auth_protocol::sha384:
      return 32;
    case auth_protocol::sha512:
      return 48;
  }
  return 0;
}

std::size_t key_length(auth_protocol p) noexcept {
  switch (p) {
    case auth_protocol::none:
      return 0;
    case auth_protocol::md5:
      return 16;
    case auth_protocol::sha1:
      return 20;
    case auth_protocol::sha224:
      return 28;
    case auth_protocol::sha256:
      return 32;
    case auth_protocol::sha384:
      return 48;
    case auth_protocol::sha512:
      return 64;
  }
  return 0;
}

std::size_t key_length(priv_protocol p) noexcept {
  switch (p) {
    case priv_protocol::none:
      return 0;
    case priv_protocol::des:
      return 16;  // 8 DES key + 8 pre-IV (RFC 3414 §8.1.1.1)
    case priv_protocol::des3:
      return 32;  // 24 EDE key + 8 pre-IV (Reeder §5.1.1.1)
    case priv_protocol::aes128:
      return 16;
    case priv_protocol::aes192:
    case priv_protocol::aes192_reeder:
      return 24;
    case priv_protocol::aes256:
    case priv_protocol::aes256_reeder:
      return 32;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Providers.

namespace {
/// Outcome of the one attempt to load the providers.
struct provider_state {
  bool loaded = false;
};

const provider_state& providers() noexcept {
  // Loading any provider explicitly turns off OpenSSL's implicit loading of "default", so both
  // are loaded. The handles are kept for the life of the process (never unloaded).
  static const provider_state state = [] {
    provider_state s;
    ERR_set_mark();
    OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER* deflt = OSSL_PROVIDER_load(nullptr, "default");
    ERR_pop_to_mark();
    s.loaded = legacy != nullptr && deflt != nullptr;
    return s;
  }();
  return state;
}
}  // namespace

bool load_legacy_provider() noexcept { return providers().loaded; }

std::string availability_error(priv_protocol p) {
  if (p == priv_protocol::none) return {};
  if (cipher_of(p) != nullptr) return {};
  if (p == priv_protocol::des) {
    // DES-CBC lives in the legacy provider: try loading it once before giving up, so a
    // configuration using DES works without the caller having to know about providers.
    load_legacy_provider();
    if (cipher_of(p) != nullptr) return {};
    return "DES needs OpenSSL's legacy provider (" + modules_dir() +
           "/legacy.so), which could not be loaded; install it (it ships with OpenSSL 3, "
           "e.g. Debian's libssl3), point OPENSSL_MODULES at its directory, or use AES";
  }
  return std::string(name(p)) + " needs OpenSSL's " + cipher_name(p) +
         " cipher, which none of the loaded OpenSSL providers offers (is a FIPS-only "
         "configuration active?); use another privacy protocol";
}

// ---------------------------------------------------------------------------------------------
// Keys.

key_bytes password_to_key(auth_protocol p, std::string_view password) {
  const EVP_MD* md = require_digest(p);
  if (password.empty()) throw std::invalid_argument("USM: the password must not be empty");
  return hash_passphrase(md, std::as_bytes(std::span(password.data(), password.size())));
}

key_bytes localize_key(auth_protocol p, std::span<const std::byte> master_key,
                       std::span<const std::byte> engine_id) {
  const EVP_MD* md = require_digest(p);
  if (master_key.empty()) throw std::invalid_argument("USM: the master key must not be empty");
  key_bytes out;
  out.reserve(max_hash_length);
  localize_into(md, master_key, engine_id, out);
  return out;
}

key_bytes derive_priv_key(priv_protocol priv, auth_protocol auth,
                          std::span<const std::byte> localized_priv_key,
                          std::span<const std::byte> engine_id) {
  if (priv == priv_protocol::none) throw std::invalid_argument("USM: no privacy protocol");
  const EVP_MD* md = require_digest(auth);
  if (localized_priv_key.empty()) {
    throw std::invalid_argument("USM: the localized privacy key must not be empty");
  }
  const std::size_t need = key_length(priv);
  key_bytes kul;
  wipe_guard kul_guard(kul);
  // Reserved once, so growing never leaves an unwiped copy behind in a freed buffer.
  kul.reserve(std::max(need, localized_priv_key.size()) + max_hash_length);
  kul.assign(localized_priv_key.begin(), localized_priv_key.end());

  // Both extensions hash the whole key built so far, as Net-SNMP (netsnmp_extend_kul) and
  // PySNMP (eso/priv/aesbase.py, des3.py) do. With the protocols defined here one round is
  // always enough (need <= 32 octets, every hash gives >= 16), so the drafts' wording about
  // later rounds never matters.
  while (kul.size() < need) {
    key_bytes more;
    wipe_guard more_guard(more);
    more.reserve(max_hash_length);
    switch (extension_of(priv)) {
      case extension::blumenthal:
        // draft-blumenthal-aes-usm-04 §3.1.2.1: Kul = Kul || H(Kul).
        hash_into(md, {std::span<const std::byte>(kul)}, more);
        break;
      case extension::reeder: {
        // draft-reeder-snmpv3-usm-3desede §2.1: Ku' = password_to_key(Kul as the passphrase),
        // Kul = Kul || localize(Ku', engineID).
        key_bytes ku = hash_passphrase(md, kul);
        wipe_guard ku_guard(ku);
        localize_into(md, ku, engine_id, more);
        break;
      }
      case extension::none:
        throw std::invalid_argument("USM: the localized privacy key is too short for " +
                                    std::string(name(priv)));
    }
    kul.insert(kul.end(), more.begin(), more.end());
  }
  // Truncate, wiping the octets dropped (they stay in the buffer's capacity otherwise).
  OPENSSL_cleanse(kul.data() + need, kul.size() - need);
  kul.resize(need);
  kul_guard.release();
  return kul;
}

// ---------------------------------------------------------------------------------------------
// auth_key

/// The HMAC states after absorbing one block of K XOR ipad and of K XOR opad (RFC 2104 §2).
/// Only ever read after construction, so const use from several threads is safe: each thread
/// copies them into its own scratch context. Freeing a context wipes it (the providers free
/// their hash states with OPENSSL_clear_free).
struct auth_key::state {
  md_ctx_ptr inner;
  md_ctx_ptr outer;
};

namespace {
/// The untruncated HMAC of message with a key's precomputed states into out; false when
/// OpenSSL fails (out of memory).
bool hmac(const EVP_MD_CTX* inner, const EVP_MD_CTX* outer, std::span<const std::byte> message,
          unsigned char* out, unsigned int& out_len) noexcept {
  EVP_MD_CTX* s = scratch_md();
  if (s == nullptr) return false;
  unsigned char ih[EVP_MAX_MD_SIZE];
  unsigned int ih_len = 0;
  const bool ok = EVP_MD_CTX_copy_ex(s, inner) == 1 &&
                  EVP_DigestUpdate(s, message.data(), message.size()) == 1 &&
                  EVP_DigestFinal_ex(s, ih, &ih_len) == 1 && EVP_MD_CTX_copy_ex(s, outer) == 1 &&
                  EVP_DigestUpdate(s, ih, ih_len) == 1 && EVP_DigestFinal_ex(s, out, &out_len) == 1;
  OPENSSL_cleanse(ih, sizeof ih);
  if (!ok) ERR_clear_error();
  return ok;
}
}  // namespace

auth_key::auth_key(auth_protocol p, std::span<const std::byte> localized_key)
    : protocol_(p), state_(nullptr) {
  const EVP_MD* md = require_digest(p);
  if (localized_key.size() != key_length(p)) {
    throw std::invalid_argument("USM: a " + std::string(name(p)) + " key must be " +
                                std::to_string(key_length(p)) + " octets, not " +
                                std::to_string(localized_key.size()));
  }
  const auto block = static_cast<std::size_t>(EVP_MD_get_block_size(md));
  // Every USM key is shorter than its hash's block (16..64 octets against 64 or 128), so the
  // key is only zero-padded, never hashed first (RFC 2104 §2).
  if (block == 0 || block > max_block_length || localized_key.size() > block) {
    throw std::runtime_error("USM: unexpected HMAC block size");
  }
  auto st = std::make_unique<state>();
  st->inner.reset(EVP_MD_CTX_new());
  st->outer.reset(EVP_MD_CTX_new());
  unsigned char pad[max_block_length];
  auto keyed = [&](EVP_MD_CTX* ctx, unsigned char fill) {
    std::fill_n(pad, block, fill);
    for (std::size_t i = 0; i < localized_key.size(); ++i) {
      pad[i] ^= std::to_integer<unsigned char>(localized_key[i]);
    }
    return ctx != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
           EVP_DigestUpdate(ctx, pad, block) == 1;
  };
  const bool ok = keyed(st->inner.get(), 0x36) && keyed(st->outer.get(), 0x5c);
  OPENSSL_cleanse(pad, sizeof pad);
  if (!ok) throw std::runtime_error("USM: OpenSSL could not key the HMAC");
  state_ = st.release();
}

auth_key::~auth_key() { delete state_; }

auth_key::auth_key(auth_key&& other) noexcept
    : protocol_(other.protocol_), state_(std::exchange(other.state_, nullptr)) {}

auth_key& auth_key::operator=(auth_key&& other) noexcept {
  if (this != &other) {
    delete state_;  // frees (and so wipes) our keyed states
    protocol_ = other.protocol_;
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

// Writes min(out.size(), digest_length()) octets; callers pass exactly digest_length().
void auth_key::sign(std::span<const std::byte> message, std::span<std::byte> out) const {
  const std::size_t n = std::min(out.size(), digest_length());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // A moved-from key, or an OpenSSL failure, yields zeros: the peer then rejects the message
  // (RFC 3414 §3.2 step 6), which is the only safe outcome without a key.
  if (state_ == nullptr || !hmac(state_->inner.get(), state_->outer.get(), message, mac, len) ||
      len < n) {
    std::fill_n(out.begin(), n, std::byte{0});
    return;
  }
  std::copy_n(reinterpret_cast<const std::byte*>(mac), n, out.begin());
}

bool auth_key::verify(std::span<const std::byte> message, std::span<const std::byte> mac) const {
  const std::size_t n = digest_length();
  if (state_ == nullptr || mac.size() != n) return false;
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!hmac(state_->inner.get(), state_->outer.get(), message, expected, len) || len < n) {
    return false;
  }
  return CRYPTO_memcmp(expected, mac.data(), n) == 0;
}

// ---------------------------------------------------------------------------------------------
// priv_key

priv_key::priv_key(priv_protocol p, std::span<const std::byte> material) : protocol_(p) {
  if (p == priv_protocol::none) throw std::invalid_argument("USM: no privacy protocol");
  if (material.size() != key_length(p)) {
    throw std::invalid_argument("USM: " + std::string(name(p)) + " key material must be " +
                                std::to_string(key_length(p)) + " octets, not " +
                                std::to_string(material.size()));
  }
  if (std::string why = availability_error(p); !why.empty()) throw std::runtime_error(why);
  material_.assign(material.begin(), material.end());
}

priv_key::~priv_key() { wipe(material_); }

priv_key::priv_key(priv_key&& other) noexcept
    : protocol_(other.protocol_), material_(std::move(other.material_)) {
  other.material_.clear();  // the buffer moved with us; nothing is left to wipe there
}

priv_key& priv_key::operator=(priv_key&& other) noexcept {
  if (this != &other) {
    wipe(material_);
    protocol_ = other.protocol_;
    material_ = std::move(other.material_);
    other.material_.clear();
  }
  return *this;
}

namespace {
/// True for the CBC (DES family) protocols, false for CFB (AES).
constexpr bool is_cbc(priv_protocol p) noexcept {
  return p == priv_protocol::des || p == priv_protocol::des3;
}

/// Octets of the cipher key inside the material: DES 8 and 3DES 24 (the pre-IV follows), AES
/// the whole material.
constexpr std::size_t cipher_key_length(priv_protocol p) noexcept {
  switch (p) {
    case priv_protocol::des:
      return 8;
    case priv_protocol::des3:
      return 24;
    default:
      return key_length(p);
  }
}
}  // namespace

bool priv_key::decrypt(std::uint32_t boots, std::uint32_t time,
                       std::span<const std::byte> priv_params,
                       std::span<const std::byte> ciphertext,
                       std::vector<std::byte>& plaintext) const {
  // RFC 3414 §8.3.2 step 1 / RFC 3826 §3.3.2 step 1: msgPrivacyParameters is the 8-octet salt.
  if (priv_params.size() != 8 || material_.size() != key_length(protocol_)) return false;
  unsigned char iv[16];
  if (is_cbc(protocol_)) {
    // RFC 3414 §8.1.1.3: a ciphertext that is not a whole number of blocks is an error.
    if (ciphertext.empty() || ciphertext.size() % 8 != 0) return false;
    // §8.1.1.1.2: IV = pre-IV XOR salt; the pre-IV follows the cipher key.
    const std::byte* pre_iv = material_.data() + cipher_key_length(protocol_);
    for (std::size_t i = 0; i < 8; ++i) {
      iv[i] = std::to_integer<unsigned char>(pre_iv[i] ^ priv_params[i]);
    }
  } else {
    // RFC 3826 §3.1.2.1: IV = boots || time || salt, integers big-endian.
    put_be32(reinterpret_cast<std::byte*>(iv), boots);
    put_be32(reinterpret_cast<std::byte*>(iv) + 4, time);
    std::copy_n(uc(priv_params.data()), 8, iv + 8);
  }
  plaintext.resize(ciphertext.size());
  const bool ok =
      run_cipher(cipher_of(protocol_), material_.data(), iv, false, ciphertext, plaintext.data());
  OPENSSL_cleanse(iv, sizeof iv);
  if (!ok) plaintext.clear();
  return ok;
}

void priv_key::encrypt(std::uint32_t boots, std::uint32_t time, std::uint64_t salt,
                       std::span<const std::byte> plaintext, std::vector<std::byte>& ciphertext,
                       std::array<std::byte, 8>& priv_params) const {
  unsigned char iv[16];
  bool ok = material_.size() == key_length(protocol_);
  if (is_cbc(protocol_)) {
    // RFC 3414 §8.1.1.1.2: salt = snmpEngineBoots || a local 32-bit integer.
    put_be32(priv_params.data(), boots);
    put_be32(priv_params.data() + 4, static_cast<std::uint32_t>(salt & 0xffffffffU));
    const std::byte* pre_iv = material_.data() + cipher_key_length(protocol_);
    for (std::size_t i = 0; ok && i < 8; ++i) {
      iv[i] = std::to_integer<unsigned char>(pre_iv[i] ^ priv_params[i]);
    }
    // §8.1.1.2: pad with zeros to a whole number of blocks. An empty scoped PDU cannot occur,
    // but it still gets one block, so the result is never an (undecryptable) empty string.
    const std::size_t padded = std::max<std::size_t>(8, (plaintext.size() + 7) / 8 * 8);
    ciphertext.assign(padded, std::byte{0});
    std::copy(plaintext.begin(), plaintext.end(), ciphertext.begin());
    ok = ok && run_cipher(cipher_of(protocol_), material_.data(), iv, true, ciphertext,
                          ciphertext.data());
  } else {
    // RFC 3826 §3.1.2.1: the salt is the local 64-bit integer; IV = boots || time || salt.
    put_be32(priv_params.data(), static_cast<std::uint32_t>(salt >> 32));
    put_be32(priv_params.data() + 4, static_cast<std::uint32_t>(salt & 0xffffffffU));
    put_be32(reinterpret_cast<std::byte*>(iv), boots);
    put_be32(reinterpret_cast<std::byte*>(iv) + 4, time);
    std::copy_n(uc(priv_params.data()), 8, iv + 8);
    // CFB needs no padding (RFC 3826 §3.1.4.1).
    ciphertext.resize(plaintext.size());
    ok = ok &&
         run_cipher(cipher_of(protocol_), material_.data(), iv, true, plaintext, ciphertext.data());
  }
  OPENSSL_cleanse(iv, sizeof iv);
  if (!ok) {
    ciphertext.clear();
    throw std::runtime_error("USM: OpenSSL failed to encrypt with " + std::string(name(protocol_)));
  }
}

}  // namespace trapsink::snmp::usm
