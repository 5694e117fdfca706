// Record ids (ULID) and the agent_address rule (docs/record.md).
#include "pipeline/record/record.hpp"

#include <mutex>
#include <random>
#include <variant>

#include "pipeline/record/json_writer.hpp"
#include "snmp/message/well_known.hpp"

namespace trapsink::pipeline {
namespace {

/// Crockford's base32 alphabet (no I, L, O, U), as the ULID specification uses.
constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The largest timestamp a ULID holds: 48 bits of milliseconds since the Unix epoch.
constexpr std::uint64_t max_ulid_ms = (std::uint64_t{1} << 48) - 1;

/// How far behind the last id's timestamp a time may be and still be treated as "the same
/// millisecond" (clock reads racing between threads). A larger step back of the clock restarts
/// the sequence at the new time instead of freezing ids at the old one.
constexpr std::uint64_t max_backstep_ms = 1000;

/// splitmix64: a small, fast generator seeded from std::random_device. The ids need
/// uniqueness, not secrecy.
class splitmix64 {
 public:
  splitmix64() {
    std::random_device rd;
    state_ = (std::uint64_t{rd()} << 32) ^ rd();
  }
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_ = 0;
};

/// The process-wide generator state: the last timestamp used and its 80 random bits.
struct ulid_state {
  std::mutex mu;
  splitmix64 rng;
  std::uint64_t last_ms = 0;
  std::uint16_t rand_hi = 0;  ///< top 16 of the 80 random bits
  std::uint64_t rand_lo = 0;  ///< low 64 of the 80 random bits
};

ulid_state& state() {
  static ulid_state s;
  return s;
}

/// Five bits of the 80-bit value hi:lo starting at bit `shift` (0 = least significant).
char rand_char(std::uint16_t hi, std::uint64_t lo, int shift) noexcept {
  std::uint64_t bits;
  if (shift >= 64) {
    bits = std::uint64_t{hi} >> (shift - 64);
  } else if (shift + 5 <= 64) {
    bits = lo >> shift;
  } else {
    bits = (lo >> shift) | (std::uint64_t{hi} << (64 - shift));
  }
  return crockford[bits & 31];
}

}  // namespace

std::string make_record_id(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto since = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::uint64_t ms = since < 0 ? 0 : static_cast<std::uint64_t>(since);
  if (ms > max_ulid_ms) ms = max_ulid_ms;

  std::uint16_t hi;
  std::uint64_t lo;
  {
    auto& s = state();
    std::lock_guard lock(s.mu);
    if (ms > s.last_ms || s.last_ms - ms > max_backstep_ms) {
      // A new millisecond, or the clock was stepped back by more than the tolerance: start
      // afresh at the given time (ids stay unique thanks to the 80 random bits).
      s.last_ms = ms;
      s.rand_hi = static_cast<std::uint16_t>(s.rng.next());
      s.rand_lo = s.rng.next();
    } else if (++s.rand_lo == 0 && ++s.rand_hi == 0) {
      // The same millisecond (or slightly earlier: another thread read the clock just before
      // us): the ULID monotonic rule increments the random part and keeps the last timestamp,
      // so ids never go backwards. On the (2^80-to-one) overflow, move to the next millisecond.
      s.last_ms = s.last_ms < max_ulid_ms ? s.last_ms + 1 : s.last_ms;
      s.rand_hi = static_cast<std::uint16_t>(s.rng.next() >> 1);  // headroom for increments
      s.rand_lo = s.rng.next();
    }
    ms = s.last_ms;
    hi = s.rand_hi;
    lo = s.rand_lo;
  }

  std::string id(26, '0');
  // 48-bit timestamp as 10 characters (50 bits, the top two are zero).
  for (int i = 0; i < 10; ++i) {
    id[static_cast<std::size_t>(i)] = crockford[(ms >> (45 - 5 * i)) & 31];
  }
  // 80 random bits as 16 characters.
  for (int j = 0; j < 16; ++j) {
    id[static_cast<std::size_t>(10 + j)] = rand_char(hi, lo, 75 - 5 * j);
  }
  return id;
}

std::string derive_agent_address(const record& r) {
  // snmpTrapAddress.0 (RFC 3584 §3.1 rule (4)) carries the original agent of a proxied trap.
  if (r.v1 && !r.v1->agent_address.empty()) return r.v1->agent_address;
  for (const auto& vb : r.varbinds) {
    if (vb.name != snmp::message::well_known::snmp_trap_address_0) continue;
    if (vb.val.type != snmp::ber::tag::ip_address) continue;
    const auto* octets = std::get_if<std::string>(&vb.val.data);
    if (octets == nullptr || octets->size() != 4) continue;
    std::string out;
    json::append_dotted_octets(out, *octets);
    return out;
  }
  return r.source.address;
}

}  // namespace trapsink::pipeline
