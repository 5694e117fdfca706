#include "mibs/index/index_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace trapsink::mibs {
namespace {

constexpr char magic[8] = {'T', 'S', 'M', 'I', 'B', 'I', 'D', 'X'};
constexpr std::size_t header_size = 32;  // magic, u32 version, u32 reserved, u64 size, u64 sum

/// A fast 64-bit checksum of the payload, eight bytes at a time (corruption detection, not
/// security: the file is as trusted as the directory it sits in).
std::uint64_t checksum(std::string_view data) noexcept {  // NOLINT: see index_checksum
  std::uint64_t h = 0x6a09e667f3bcc908ull ^ data.size();
  const char* p = data.data();
  std::size_t n = data.size();
  const auto mix = [&h](std::uint64_t w) {
    h ^= w * 0x9e3779b97f4a7c15ull;
    h = (h << 27) | (h >> 37);
    h = h * 0xff51afd7ed558ccdull + 0x94d049bb133111ebull;
  };
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    mix(w);
    p += 8;
    n -= 8;
  }
  std::uint64_t tail = 0;
  for (std::size_t i = 0; i < n; ++i)
    tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  mix(tail ^ (static_cast<std::uint64_t>(n) << 56));
  h ^= h >> 33;
  return h;
}

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_le(std::string_view in, std::size_t at, int bytes) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

// ---- writing -------------------------------------------------------------------------------

class writer {
 public:
  std::string out;

  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void s64(std::int64_t v) {
    u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void str(std::string_view s) {
    u(s.size());
    out.append(s);
  }
  void oid(const std::vector<std::uint32_t>& o) {
    u(o.size());
    for (auto a : o) u(a);
  }
  void ref(const node_ref& r) {
    u(r.node == node_ref::npos ? 0 : std::uint64_t{r.node} + 1);
    str(r.module);
    str(r.name);
  }
  void refs(const std::vector<node_ref>& rs) {
    u(rs.size());
    for (const auto& r : rs) ref(r);
  }
};

void write_type(writer& w, const type_info& t) {
  w.u(static_cast<std::uint8_t>(t.base));
  w.str(t.tc_module);
  w.str(t.tc_name);
  w.str(t.display_hint);
  w.u(t.enums.size());
  for (const auto& e : t.enums) {
    w.str(e.label);
    w.s64(e.value);
  }
  w.u(t.ranges.size());
  for (const auto& r : t.ranges) {
    w.s64(r.min);
    w.s64(r.max);
  }
  w.str(t.units);
}

void write_node(writer& w, const node& n) {
  w.oid(n.oid);
  w.str(n.name);
  w.u(n.module);
  w.u(static_cast<std::uint8_t>(n.kind));
  w.u(static_cast<std::uint8_t>(n.access));
  w.u(static_cast<std::uint8_t>(n.status));
  write_type(w, n.syntax);
  w.refs(n.index);
  w.u((n.implied ? 1u : 0u) | (n.augments ? 2u : 0u) | (n.trap_type ? 4u : 0u));
  if (n.augments) w.ref(*n.augments);
  w.refs(n.objects);
  if (n.trap_type) {
    w.oid(n.enterprise);
    w.u(n.specific);
  }
  w.str(n.defval);
  w.str(n.description);
}

void write_module(writer& w, const module_info& m) {
  w.str(m.name);
  w.str(m.file);
  w.u(static_cast<std::uint8_t>(m.outcome));
  w.u(m.missing_imports.size());
  for (const auto& s : m.missing_imports) w.str(s);
  w.u(m.diagnostics.size());
  for (const auto& d : m.diagnostics) {
    w.str(d.file);
    w.u(d.line);
    w.u(d.column);
    w.u(static_cast<std::uint8_t>(d.severity));
    w.str(d.message);
  }
}

// ---- reading -------------------------------------------------------------------------------

struct corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}

  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) throw corrupt("truncated payload");
      const auto b = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw corrupt("bad integer encoding");
  }
  std::uint32_t u32() {
    const auto v = u();
    if (v > std::numeric_limits<std::uint32_t>::max()) throw corrupt("integer out of range");
    return static_cast<std::uint32_t>(v);
  }
  template <typename Enum>
  Enum e(Enum last) {
    const auto v = u();
    if (v > static_cast<std::uint64_t>(last)) throw corrupt("enumeration value out of range");
    return static_cast<Enum>(v);
  }
  std::int64_t s64() {
    const auto v = u();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  /// A count of elements that each take at least one byte: bounded by what is left.
  std::size_t count() {
    const auto v = u();
    if (v > in_.size() - pos_) throw corrupt("element count exceeds the file");
    return static_cast<std::size_t>(v);
  }
  void str(std::string& s) {
    const auto n = count();
    s.assign(in_.data() + pos_, n);
    pos_ += n;
  }
  void oid(std::vector<std::uint32_t>& o) {
    const auto n = count();
    o.resize(n);
    for (auto& a : o) a = u32();
  }
  void ref(node_ref& r) {
    const auto n = u();
    if (n > std::numeric_limits<std::uint32_t>::max()) throw corrupt("node reference out of range");
    r.node = n == 0 ? node_ref::npos : static_cast<std::uint32_t>(n - 1);
    str(r.module);
    str(r.name);
  }
  void refs(std::vector<node_ref>& rs) {
    rs.resize(count());
    for (auto& r : rs) ref(r);
  }
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

void read_type(reader& r, type_info& t) {
  t.base = r.e(base_type::sequence_of);
  r.str(t.tc_module);
  r.str(t.tc_name);
  r.str(t.display_hint);
  t.enums.resize(r.count());
  for (auto& e : t.enums) {
    r.str(e.label);
    e.value = r.s64();
  }
  t.ranges.resize(r.count());
  for (auto& g : t.ranges) {
    g.min = r.s64();
    g.max = r.s64();
  }
  r.str(t.units);
}

void read_node(reader& r, node& n) {
  r.oid(n.oid);
  r.str(n.name);
  n.module = r.u32();
  n.kind = r.e(node_kind::capabilities);
  n.access = r.e(access::write_only);
  n.status = r.e(status::optional);
  read_type(r, n.syntax);
  r.refs(n.index);
  const auto flags = r.u();
  if (flags > 7) throw corrupt("bad node flags");
  n.implied = (flags & 1) != 0;
  if ((flags & 2) != 0) {
    n.augments.emplace();
    r.ref(*n.augments);
  }
  r.refs(n.objects);
  n.trap_type = (flags & 4) != 0;
  if (n.trap_type) {
    r.oid(n.enterprise);
    n.specific = r.u32();
  }
  r.str(n.defval);
  r.str(n.description);
}

void read_module(reader& r, module_info& m) {
  r.str(m.name);
  r.str(m.file);
  m.outcome = r.e(module_outcome::missing_import);
  m.missing_imports.resize(r.count());
  for (auto& s : m.missing_imports) r.str(s);
  m.diagnostics.resize(r.count());
  for (auto& d : m.diagnostics) {
    r.str(d.file);
    d.line = r.u32();
    d.column = r.u32();
    d.severity = r.e(diagnostic::level::error);
    r.str(d.message);
  }
}

void check_ref(const node_ref& x, std::size_t nodes) {
  if (x.node != node_ref::npos && x.node >= nodes) throw corrupt("node reference out of range");
}

void check_refs(const std::vector<node_ref>& rs, std::size_t nodes) {
  for (const auto& x : rs) check_ref(x, nodes);
}

/// A file's bytes, read into a buffer that is not zero-filled first (the index is read once,
/// whole). Reading rather than mapping: a file truncated while mapped would be a SIGBUS.
struct file_bytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const noexcept { return {data.get(), size}; }
};

file_bytes read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::strerror(errno));
  struct fd_guard {
    int fd;
    ~fd_guard() { ::close(fd); }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error(std::strerror(errno));
  file_bytes out;
  std::size_t capacity = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 1 << 16;
  out.data = std::make_unique_for_overwrite<char[]>(capacity);
  for (;;) {
    if (out.size == capacity) {  // grew (or not a regular file): double the buffer
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity * 2);
      std::memcpy(bigger.get(), out.data.get(), out.size);
      out.data = std::move(bigger);
      capacity *= 2;
    }
    const auto n = ::read(fd, out.data.get() + out.size, capacity - out.size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::strerror(errno));
    }
    if (n == 0) break;
    out.size += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace

std::uint64_t index_checksum(std::string_view payload) noexcept { return checksum(payload); }

std::string encode_index(const mib_set& set) {
  writer w;
  w.out.reserve(1 << 20);
  w.u(set.modules.size());
  for (const auto& m : set.modules) write_module(w, m);
  w.u(set.nodes.size());
  for (const auto& n : set.nodes) write_node(w, n);

  std::string file;
  file.reserve(header_size + w.out.size());
  file.append(magic, sizeof magic);
  put_le(file, index_format_version, 4);
  put_le(file, 0, 4);
  put_le(file, w.out.size(), 8);
  put_le(file, checksum(w.out), 8);
  file.append(w.out);
  return file;
}

mib_set decode_index(std::string_view bytes) {
  if (bytes.size() < header_size) {
    if (bytes.size() >= sizeof magic && std::memcmp(bytes.data(), magic, sizeof magic) != 0)
      throw std::runtime_error("not a trapsink MIB index (bad magic)");
    throw std::runtime_error("truncated (shorter than the header)");
  }
  if (std::memcmp(bytes.data(), magic, sizeof magic) != 0)
    throw std::runtime_error("not a trapsink MIB index (bad magic)");
  const auto version = get_le(bytes, 8, 4);
  if (version != index_format_version)
    throw std::runtime_error("index format version " + std::to_string(version) +
                             ", this trapsink reads version " +
                             std::to_string(index_format_version) + " (recompile the MIBs)");
  const auto size = get_le(bytes, 16, 8);
  const auto payload = bytes.substr(header_size);
  if (payload.size() < size)
    throw std::runtime_error("truncated (payload of " + std::to_string(payload.size()) + " of " +
                             std::to_string(size) + " bytes)");
  if (payload.size() > size) throw std::runtime_error("corrupt (bytes after the payload)");
  if (checksum(payload) != get_le(bytes, 24, 8))
    throw std::runtime_error("corrupt (checksum mismatch)");

  mib_set set;
  try {
    reader r(payload);
    set.modules.resize(r.count());
    for (auto& m : set.modules) read_module(r, m);
    set.nodes.resize(r.count());
    for (auto& n : set.nodes) read_node(r, n);
    if (!r.at_end()) throw corrupt("bytes after the last node");
    const auto nodes = set.nodes.size();
    for (const auto& n : set.nodes) {
      if (n.module >= set.modules.size()) throw corrupt("module reference out of range");
      check_refs(n.index, nodes);
      check_refs(n.objects, nodes);
      if (n.augments) check_ref(*n.augments, nodes);
    }
  } catch (const corrupt& e) {
    throw std::runtime_error(std::string("corrupt (") + e.what() + ")");
  }
  return set;
}

void write_index(const mib_set& set, const std::filesystem::path& path) {
  const auto fail = [&path](const std::string& why) {
    return std::runtime_error(path.string() + ": " + why);
  };
  const auto data = encode_index(set);
  auto dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw fail(std::string("cannot create a temporary file: ") + std::strerror(errno));
  const auto abandon = [&](const std::string& why) {
    const int saved = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return fail(why + ": " + std::strerror(saved));
  };
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw abandon("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) throw abandon("chmod");
  if (::fsync(fd) != 0) throw abandon("fsync");
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlink(tmpl.c_str());
    throw fail(std::string("close: ") + std::strerror(saved));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmpl.c_str());
    throw fail(std::string("rename: ") + std::strerror(saved));
  }
}

mib_set read_index(const std::filesystem::path& path) {
  file_bytes data;
  try {
    data = read_file(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
  try {
    return decode_index(data.view());
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

std::optional<std::filesystem::path> bundled_index_path() {
  std::error_code ec;
  if (const char* env = std::getenv("TRAPSINK_MIB_INDEX"); env != nullptr && *env != '\0')
    return std::filesystem::path(env);
  // An installed trapsink: PREFIX/bin/trapsink finds PREFIX/share/trapsink/mibs.idx, wherever
  // the tree was installed or moved to (cmake --install --prefix, a package, a container).
  if (const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec); !ec) {
    const auto p = exe.parent_path().parent_path() / "share" / "trapsink" / "mibs.idx";
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
#ifdef TRAPSINK_BUILD_MIB_INDEX
  if (std::filesystem::path p(TRAPSINK_BUILD_MIB_INDEX); std::filesystem::is_regular_file(p, ec))
    return p;
#endif
#ifdef TRAPSINK_INSTALLED_MIB_INDEX
  if (std::filesystem::path p(TRAPSINK_INSTALLED_MIB_INDEX);
      std::filesystem::is_regular_file(p, ec))
    return p;
#endif
  return std::nullopt;
}

}  // namespace trapsink::mibs
