#pragma once
// trapsink's own SNMP engine identity (RFC 3411 §3.1.1, RFC 3414 §2.2): snmpEngineID,
// snmpEngineBoots and snmpEngineTime. trapsink is the authoritative engine for the informs it
// receives; senders discover this identity (RFC 3414 §4) before sending them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/hex.hpp"

namespace trapsink::snmp::engine {

/// The largest snmpEngineBoots / snmpEngineTime value (RFC 3414 §2.2.1).
inline constexpr std::uint32_t max_engine_value = 2147483647;

/// The local engine's identity. engine_time() counts seconds since the engine started.
class local_engine {
 public:
  local_engine(std::vector<std::byte> engine_id, std::uint32_t boots,
               std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now())
      : engine_id_(std::move(engine_id)), boots_(boots), started_(started) {}

  const std::vector<std::byte>& engine_id() const noexcept { return engine_id_; }
  std::uint32_t engine_boots() const noexcept { return boots_; }
  /// Seconds since start, capped at max_engine_value (RFC 3414 §2.2.1).
  std::uint32_t engine_time(
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const noexcept {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
    if (s <= 0) return 0;
    return s >= max_engine_value ? max_engine_value : static_cast<std::uint32_t>(s);
  }

 private:
  std::vector<std::byte> engine_id_;
  std::uint32_t boots_;
  std::chrono::steady_clock::time_point started_;
};

/// A new engine ID in the RFC 3411 §5 format: 0x80000000 | enterprise 0 (trapsink has no
/// private enterprise number), format 5 (administratively assigned octets), then 12 random
/// octets — 17 octets in all.
std::vector<std::byte> generate_engine_id();

/// "" when id is a valid RFC 3411 SnmpEngineID (5..32 octets, not all zeros or all 'ff'H);
/// otherwise why not.
std::string engine_id_problem(std::span<const std::byte> id);

/// Parse an engine ID written in hex (core::parse_hex: "800000000102030405", optionally
/// "0x"-prefixed, ':' or ' ' between octets) that passes engine_id_problem. nullopt otherwise,
/// with the reason in *why when given.
std::optional<std::vector<std::byte>> parse_engine_id(std::string_view hex,
                                                      std::string* why = nullptr);

using core::to_hex;

/// An exclusive lock on a state directory, held while the object lives (flock on DIR/lock), so
/// two trapsink processes never share one engine identity.
class state_lock {
 public:
  state_lock() = default;
  explicit state_lock(int fd) noexcept : fd_(fd) {}
  ~state_lock();
  state_lock(state_lock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  state_lock& operator=(state_lock&& o) noexcept;
  state_lock(const state_lock&) = delete;
  state_lock& operator=(const state_lock&) = delete;

 private:
  int fd_ = -1;
};

/// What load_engine_state found and did.
struct engine_state {
  std::vector<std::byte> engine_id;
  std::uint32_t boots = 1;
  bool persisted = false;  ///< kept in a state directory
  bool generated = false;  ///< a new engine ID was generated now
  state_lock lock;         ///< held for as long as this identity is in use
};

/// Establish the engine identity for this start (RFC 3414 §2.2):
/// - with a state directory: read DIR/engine (creating the directory and file on first start),
///   increment boots and write it back atomically (temporary file, fsync, rename) before
///   returning. The engine ID is the configured one when given, else the stored one, else a
///   generated one; boots grow by one at every start whatever the engine ID.
/// - without: the configured engine ID or a generated one, boots 1, nothing written.
/// Throws std::runtime_error naming the file and what to do when the directory or file cannot
/// be read or written, the stored file is malformed, or another process holds the directory.
engine_state load_engine_state(const std::string& state_dir,
                               const std::optional<std::vector<std::byte>>& configured);

}  // namespace trapsink::snmp::engine
