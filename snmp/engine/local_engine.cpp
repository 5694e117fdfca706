#include "snmp/engine/local_engine.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace trapsink::snmp::engine {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

/// Write text to path atomically: a temporary file in the same directory, fsync, rename, then
/// fsync of the directory so the rename itself survives a crash.
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    fail("cannot write " + tmp.string() + ": " + std::strerror(errno) +
         " (make the state directory writable by trapsink, or choose another with --state-dir)");
  }
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const auto n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      fail("cannot write " + tmp.string() + ": " + std::strerror(e));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    fail("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fail("cannot replace " + path.string() + ": " + ec.message());
  const int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

state_lock::~state_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

state_lock& state_lock::operator=(state_lock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

std::vector<std::byte> generate_engine_id() {
  std::vector<std::byte> id(17);
  id[0] = std::byte{0x80};  // RFC 3411 §5: first bit 1 = the format below; enterprise 0
  id[4] = std::byte{0x05};  // format 5: administratively assigned octets
  if (RAND_bytes(reinterpret_cast<unsigned char*>(id.data() + 5), 12) != 1) {
    fail("cannot generate an engine ID: the OpenSSL random generator failed");
  }
  return id;
}

std::string engine_id_problem(std::span<const std::byte> id) {
  if (id.size() < 5 || id.size() > 32) {
    return "an engine ID is 5 to 32 octets (RFC 3411 SnmpEngineID), this one is " +
           std::to_string(id.size());
  }
  if (std::all_of(id.begin(), id.end(), [](std::byte b) { return b == std::byte{0}; })) {
    return "an engine ID may not be all zeros (RFC 3411 SnmpEngineID)";
  }
  if (std::all_of(id.begin(), id.end(), [](std::byte b) { return b == std::byte{0xff}; })) {
    return "an engine ID may not be all 'ff'H (RFC 3411 SnmpEngineID)";
  }
  return {};
}

std::optional<std::vector<std::byte>> parse_engine_id(std::string_view hex, std::string* why) {
  std::string reason;
  auto id = core::parse_hex(hex, reason);
  if (id) reason = engine_id_problem(*id);
  if (!reason.empty()) {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  }
  return id;
}

engine_state load_engine_state(const std::string& state_dir,
                               const std::optional<std::vector<std::byte>>& configured) {
  engine_state st;
  if (state_dir.empty()) {
    st.generated = !configured.has_value();
    st.engine_id = configured ? *configured : generate_engine_id();
    st.boots = 1;
    return st;
  }

  const fs::path dir(state_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    fail("cannot create the state directory " + dir.string() + ": " + ec.message() +
         " (create it writable by trapsink, or choose another with --state-dir)");
  }
  const fs::path file = dir / "engine";

  const fs::path lock_path = dir / "lock";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    fail("cannot open " + lock_path.string() + ": " + std::strerror(errno) +
         " (make the state directory writable by trapsink, or choose another with --state-dir)");
  }
  st.lock = state_lock(lock_fd);
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    fail("the state directory " + dir.string() +
         " is in use by another trapsink process; give each instance its own --state-dir (two "
         "instances must not share an SNMPv3 engine ID)");
  }

  std::optional<std::vector<std::byte>> stored_id;
  std::uint32_t stored_boots = 0;
  if (fs::exists(file, ec)) {
    std::ifstream in(file);
    if (!in) fail("cannot read " + file.string() + ": " + std::strerror(errno));
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string key, value;
      fields >> key >> value;
      auto bad = [&](const std::string& why) {
        fail(file.string() + ":" + std::to_string(line_no) + ": " + why +
             " (the file is written by trapsink; restore it from a backup or delete it to "
             "start a new engine identity, which senders will rediscover)");
      };
      if (key == "engine_id") {
        stored_id = parse_engine_id(value);
        if (!stored_id) bad("engine_id is not 5..32 octets of hex");
      } else if (key == "boots") {
        try {
          const auto v = std::stoull(value);
          if (v > max_engine_value) bad("boots is out of range");
          stored_boots = static_cast<std::uint32_t>(v);
        } catch (const std::exception&) {
          bad("boots is not a number");
        }
      } else {
        bad("unknown key '" + key + "'");
      }
    }
  }

  // Boots only ever grow, even when the configured engine ID changes: switching back to an
  // earlier ID must not let messages of an earlier run be replayed, nor lock out senders that
  // remember a higher boots value for it.
  if (configured) {
    st.engine_id = *configured;
  } else if (stored_id) {
    st.engine_id = *stored_id;
  } else {
    st.engine_id = generate_engine_id();
    st.generated = true;
  }
  // RFC 3414 §2.2.1: boots increments at every start and latches at 2^31-1.
  st.boots = stored_boots >= max_engine_value ? max_engine_value : stored_boots + 1;
  st.persisted = true;
  write_atomically(file,
                   "# trapsink engine identity (RFC 3414 §2.2); written at every start\n"
                   "engine_id " +
                       to_hex(st.engine_id) + "\nboots " + std::to_string(st.boots) + "\n");
  return st;
}

}  // namespace trapsink::snmp::engine
