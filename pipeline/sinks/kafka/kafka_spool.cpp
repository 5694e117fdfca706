// The Kafka sink's disk spool (kafka_spool.hpp).
#include "pipeline/sinks/kafka/kafka_spool.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>

namespace trapsink::pipeline::sinks {
namespace {

constexpr std::uint32_t frame_magic = 0x314B5354;  // "TSK1" read as little-endian
constexpr std::size_t frame_header = 12;           // magic, length, crc32
/// A frame longer than this is corrupt (a record is far smaller; Kafka's own limit is 1 MB).
constexpr std::uint32_t max_frame = 64u * 1024 * 1024;

std::system_error sys_error(int err, const std::filesystem::path& p, const char* what) {
  return std::system_error(err, std::generic_category(),
                           std::string("kafka spool: ") + what + " '" + p.string() + "'");
}

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

/// Reads the fields of one encoded message; every read checks the bounds.
class reader {
 public:
  explicit reader(std::string_view s) : s_(s) {}
  template <typename T>
  bool get(T& v) {
    if (s_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool get(std::string& v, std::size_t n) {
    if (s_.size() - pos_ < n) return false;
    v.assign(s_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

void encode(const spooled_message& m, std::string& out) {
  const std::size_t start = out.size();
  out.append(frame_header, '\0');
  put<std::uint32_t>(out, static_cast<std::uint32_t>(m.topic.size()));
  out += m.topic;
  put<std::uint8_t>(out, m.key ? 1 : 0);
  if (m.key) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(m.key->size()));
    out += *m.key;
  }
  put<std::int64_t>(out, m.timestamp_ms);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(m.headers.size()));
  for (const auto& [name, val] : m.headers) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    put<std::uint32_t>(out, static_cast<std::uint32_t>(val.size()));
    out += val;
  }
  put<std::uint32_t>(out, static_cast<std::uint32_t>(m.value.size()));
  out += m.value;
  const auto len = static_cast<std::uint32_t>(out.size() - start - frame_header);
  const auto* body = reinterpret_cast<const unsigned char*>(out.data() + start + frame_header);
  const std::uint32_t crc = crc32({body, len});
  std::memcpy(out.data() + start, &frame_magic, 4);
  std::memcpy(out.data() + start + 4, &len, 4);
  std::memcpy(out.data() + start + 8, &crc, 4);
}

bool decode(std::string_view body, spooled_message& m) {
  reader r(body);
  std::uint32_t n = 0;
  std::uint8_t has_key = 0;
  if (!r.get(n) || !r.get(m.topic, n) || !r.get(has_key)) return false;
  if (has_key != 0) {
    std::string k;
    if (!r.get(n) || !r.get(k, n)) return false;
    m.key = std::move(k);
  }
  std::uint32_t nh = 0;
  if (!r.get(m.timestamp_ms) || !r.get(nh)) return false;
  for (std::uint32_t i = 0; i < nh; ++i) {
    std::string name, val;
    if (!r.get(n) || !r.get(name, n) || !r.get(n) || !r.get(val, n)) return false;
    m.headers.emplace_back(std::move(name), std::move(val));
  }
  return r.get(n) && r.get(m.value, n) && r.done();
}

/// The result of checking the frame at `p` (of `avail` bytes): its total size, 0 when the
/// header is incomplete, or -1 when it cannot be a frame.
long long frame_size(const char* p, std::size_t avail) {
  if (avail < frame_header) return 0;
  std::uint32_t magic = 0, len = 0;
  std::memcpy(&magic, p, 4);
  std::memcpy(&len, p + 4, 4);
  if (magic != frame_magic || len == 0 || len > max_frame) return -1;
  return static_cast<long long>(frame_header + len);
}

bool frame_crc_ok(const char* p) {
  std::uint32_t len = 0, crc = 0;
  std::memcpy(&len, p + 4, 4);
  std::memcpy(&crc, p + 8, 4);
  return crc32({reinterpret_cast<const unsigned char*>(p + frame_header), len}) == crc;
}

/// Read exactly n bytes at offset; false on a short read or error.
bool pread_all(int fd, char* buf, std::size_t n, std::uint64_t off) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<std::size_t>(r);
    off += static_cast<std::uint64_t>(r);
  }
  return true;
}

/// The length of the valid frames at the start of file `p` (which is `size` bytes long).
std::uint64_t valid_prefix(const std::filesystem::path& p, std::uint64_t size) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw sys_error(errno, p, "cannot open");
  std::uint64_t off = 0;
  std::string buf;
  while (off < size) {
    char hdr[frame_header];
    if (size - off < frame_header || !pread_all(fd, hdr, frame_header, off)) break;
    const long long n = frame_size(hdr, frame_header);
    if (n <= 0 || static_cast<std::uint64_t>(n) > size - off) break;
    buf.resize(static_cast<std::size_t>(n));
    if (!pread_all(fd, buf.data(), buf.size(), off) || !frame_crc_ok(buf.data())) break;
    off += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return off;
}

}  // namespace

std::uint32_t crc32(std::span<const unsigned char> data, std::uint32_t crc) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (const unsigned char b : data) crc = table[(crc ^ b) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

kafka_spool::kafka_spool(std::filesystem::path dir, std::uint64_t max_bytes,
                         std::uint64_t segment_bytes)
    : dir_(std::move(dir)),
      max_bytes_(max_bytes),
      segment_bytes_(std::max<std::uint64_t>(segment_bytes, 4096)) {
  namespace fs = std::filesystem;
  if (::mkdir(dir_.c_str(), 0750) != 0 && errno != EEXIST) {
    throw sys_error(errno, dir_, "cannot create the directory");
  }
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) throw sys_error(ENOTDIR, dir_, "not a directory:");
  if (::access(dir_.c_str(), R_OK | W_OK | X_OK) != 0) {
    throw sys_error(errno, dir_, "cannot use the directory");
  }
  for (const auto& e : fs::directory_iterator(dir_)) {
    const auto name = e.path().filename().string();
    if (name.size() != 24 || !name.ends_with(".seg")) continue;
    std::uint64_t seq = 0;
    const auto [p, err] = std::from_chars(name.data(), name.data() + 20, seq);
    if (err != std::errc{} || p != name.data() + 20) continue;
    segments_.push_back({seq, e.file_size()});
  }
  std::sort(segments_.begin(), segments_.end(),
            [](const segment& a, const segment& b) { return a.seq < b.seq; });
  if (!segments_.empty()) {
    next_seq_ = segments_.back().seq + 1;
    // Only the last segment can end in a torn frame (a crash while appending): cut it off.
    auto& tail = segments_.back();
    const auto valid = valid_prefix(segment_path(tail.seq), tail.size);
    if (valid != tail.size) {
      spdlog::warn("kafka spool: cutting a torn frame off '{}' ({} bytes kept of {})",
                   segment_path(tail.seq).string(), valid, tail.size);
      if (::truncate(segment_path(tail.seq).c_str(), static_cast<off_t>(valid)) != 0) {
        throw sys_error(errno, segment_path(tail.seq), "cannot truncate");
      }
      tail.size = valid;
    }
  }
  // The read position: the cursor file, else the start of the first segment.
  std::ifstream in(dir_ / "cursor");
  spool_position c{};
  if (in >> c.segment >> c.offset) {
    cursor_ = c;
  } else if (!segments_.empty()) {
    cursor_ = {segments_.front().seq, 0};
  }
  // Segments before the cursor were consumed (a crash came before they were deleted).
  while (!segments_.empty() && segments_.front().seq < cursor_.segment) {
    fs::remove(segment_path(segments_.front().seq), ec);
    segments_.erase(segments_.begin());
  }
  if (segments_.empty() || segments_.front().seq != cursor_.segment ||
      cursor_.offset > segments_.front().size) {
    cursor_ = segments_.empty() ? spool_position{} : spool_position{segments_.front().seq, 0};
  }
  if (empty_locked()) reset_locked();
}

kafka_spool::~kafka_spool() {
  if (tail_fd_ >= 0) ::close(tail_fd_);
}

std::filesystem::path kafka_spool::segment_path(std::uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.seg", static_cast<unsigned long long>(seq));
  return dir_ / name;
}

bool kafka_spool::empty_locked() const {
  std::uint64_t total = 0;
  for (const auto& s : segments_) total += s.size;
  return total <= cursor_.offset;
}

std::uint64_t kafka_spool::bytes() const {
  std::lock_guard lock(mu_);
  std::uint64_t total = 0;
  for (const auto& s : segments_) total += s.size;
  return total - std::min(total, cursor_.offset);
}

bool kafka_spool::empty() const {
  std::lock_guard lock(mu_);
  return empty_locked();
}

std::uint64_t kafka_spool::corrupt_frames() const {
  std::lock_guard lock(mu_);
  return corrupt_;
}

void kafka_spool::reset_locked() {
  std::error_code ec;
  if (tail_fd_ >= 0) ::close(tail_fd_);
  tail_fd_ = -1;
  for (const auto& s : segments_) std::filesystem::remove(segment_path(s.seq), ec);
  segments_.clear();
  cursor_ = {};
  std::filesystem::remove(dir_ / "cursor", ec);
}

void kafka_spool::open_tail() {
  if (tail_fd_ >= 0 && segments_.back().size < segment_bytes_) return;
  if (tail_fd_ >= 0) {
    ::fdatasync(tail_fd_);
    ::close(tail_fd_);
    tail_fd_ = -1;
  }
  if (!segments_.empty() && segments_.back().size < segment_bytes_) {
    const auto p = segment_path(segments_.back().seq);
    tail_fd_ = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (tail_fd_ < 0) throw sys_error(errno, p, "cannot open");
    return;
  }
  const std::uint64_t seq = next_seq_;
  const auto p = segment_path(seq);
  tail_fd_ = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (tail_fd_ < 0) throw sys_error(errno, p, "cannot create");
  ++next_seq_;
  segments_.push_back({seq, 0});
  if (segments_.size() == 1) cursor_ = {seq, 0};
}

bool kafka_spool::append(std::span<const spooled_message> msgs) {
  if (msgs.empty()) return true;
  std::string buf;
  for (const auto& m : msgs) encode(m, buf);
  std::lock_guard lock(mu_);
  std::uint64_t total = 0;
  for (const auto& s : segments_) total += s.size;
  const std::uint64_t pending = total - std::min(total, cursor_.offset);
  if (pending + buf.size() > max_bytes_) return false;
  open_tail();
  auto& tail = segments_.back();
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::write(tail_fd_, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      // Leave no partial frame behind: the next append starts at a frame boundary.
      if (::ftruncate(tail_fd_, static_cast<off_t>(tail.size)) != 0) {
        spdlog::error("kafka spool: cannot cut '{}' back after a failed write: {}",
                      segment_path(tail.seq).string(), std::strerror(errno));
      }
      throw sys_error(err, segment_path(tail.seq), "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  tail.size += buf.size();
  return true;
}

std::vector<spooled_message> kafka_spool::peek(std::size_t max_messages, std::size_t max_bytes,
                                               spool_position& next) {
  std::lock_guard lock(mu_);
  std::vector<spooled_message> out;
  next = cursor_;
  std::size_t got_bytes = 0;
  std::string buf;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& seg = segments_[i];
    if (seg.seq < next.segment) continue;
    if (seg.seq > next.segment) next = {seg.seq, 0};
    if (next.offset >= seg.size) continue;
    const auto p = segment_path(seg.seq);
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw sys_error(errno, p, "cannot open");
    while (next.offset < seg.size && out.size() < max_messages &&
           (out.empty() || got_bytes < max_bytes)) {
      char hdr[frame_header];
      long long n = -1;
      if (seg.size - next.offset >= frame_header && pread_all(fd, hdr, frame_header, next.offset)) {
        n = frame_size(hdr, frame_header);
      }
      spooled_message m;
      bool ok = n > 0 && static_cast<std::uint64_t>(n) <= seg.size - next.offset;
      if (ok) {
        buf.resize(static_cast<std::size_t>(n));
        ok = pread_all(fd, buf.data(), buf.size(), next.offset) && frame_crc_ok(buf.data()) &&
             decode(std::string_view(buf).substr(frame_header), m);
      }
      if (!ok) {
        ++corrupt_;
        spdlog::error(
            "kafka spool: corrupt frame in '{}' at offset {}; skipping the rest of "
            "the segment ({} bytes)",
            p.string(), next.offset, seg.size - next.offset);
        next.offset = seg.size;
        break;
      }
      next.offset += static_cast<std::uint64_t>(n);
      got_bytes += static_cast<std::size_t>(n);
      out.push_back(std::move(m));
    }
    ::close(fd);
    if (out.size() >= max_messages || (!out.empty() && got_bytes >= max_bytes)) break;
  }
  return out;
}

void kafka_spool::consume(spool_position next) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  const auto drop_front = [&] {
    std::filesystem::remove(segment_path(segments_.front().seq), ec);
    segments_.erase(segments_.begin());
  };
  // Segments wholly before `next`, then the one `next` ends when another follows it (the
  // last one stays open for appending).
  while (!segments_.empty() && segments_.front().seq < next.segment) drop_front();
  while (segments_.size() > 1 && segments_.front().seq == next.segment &&
         next.offset >= segments_.front().size) {
    drop_front();
    next = {segments_.front().seq, 0};
  }
  if (segments_.empty()) {
    reset_locked();
    return;
  }
  if (next.segment != segments_.front().seq) next = {segments_.front().seq, 0};
  cursor_ = next;
  if (empty_locked()) {
    reset_locked();
    return;
  }
  write_cursor();
}

void kafka_spool::write_cursor() {
  const auto tmp = dir_ / "cursor.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << cursor_.segment << ' ' << cursor_.offset << '\n';
    out.flush();
    if (!out) throw sys_error(EIO, tmp, "cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir_ / "cursor", ec);
  if (ec) throw sys_error(ec.value(), dir_ / "cursor", "cannot replace");
}

void kafka_spool::sync() {
  std::lock_guard lock(mu_);
  if (tail_fd_ >= 0) ::fdatasync(tail_fd_);
}

}  // namespace trapsink::pipeline::sinks
