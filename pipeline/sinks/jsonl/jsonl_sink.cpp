// The JSON-lines sink (pipeline/sinks/jsonl/README.md).
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace trapsink::pipeline::sinks {

jsonl_sink::jsonl_sink(jsonl_options options) : options_(std::move(options)) {
  if (options_.path.empty()) {
    throw std::invalid_argument("jsonl sink: empty path (use \"-\" for standard output)");
  }
  if (options_.buffer_size == 0) options_.buffer_size = 1;
  pending_.reserve(options_.buffer_size + 4096);
  if (options_.path == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  if (!open_file()) {
    throw std::system_error(errno, std::generic_category(),
                            "jsonl sink: cannot open '" + options_.path + "'");
  }
}

bool jsonl_sink::open_file() noexcept {
  // 0640: records carry community strings; the umask may narrow it further.
  const int fd = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  struct stat st {};
  file_size_ = ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (owns_fd_) ::close(fd_);
  fd_ = fd;
  owns_fd_ = true;
  opened_at_ = std::chrono::steady_clock::now();
  return true;
}

namespace {

/// gzip src into dst (then the caller removes src). False on any error (dst removed).
bool gzip_file(const std::string& src, const std::string& dst) noexcept {
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  gzFile out = gzopen(dst.c_str(), "wb6");
  if (out == nullptr) {
    ::close(in);
    return false;
  }
  bool ok = true;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ok = false;
      break;
    }
    if (n == 0) break;
    if (gzwrite(out, buf, static_cast<unsigned>(n)) != static_cast<int>(n)) {
      ok = false;
      break;
    }
  }
  ::close(in);
  if (gzclose(out) != Z_OK) ok = false;
  if (!ok) ::unlink(dst.c_str());
  return ok;
}

}  // namespace

void jsonl_sink::rotate() noexcept {
  try {
    const std::string ext = options_.compress ? ".gz" : "";
    auto name = [&](std::size_t i) { return options_.path + "." + std::to_string(i) + ext; };
    if (options_.keep == 0) {
      ::unlink(options_.path.c_str());
    } else {
      ::unlink(name(options_.keep).c_str());
      for (std::size_t i = options_.keep; i > 1; --i) {
        ::rename(name(i - 1).c_str(), name(i).c_str());  // absent files are fine
      }
      if (options_.compress) {
        // Move first, so new lines go to a new file at once; compress the moved one.
        const std::string moved = options_.path + ".1";
        if (::rename(options_.path.c_str(), moved.c_str()) != 0) {
          spdlog::warn("jsonl sink: cannot rotate '{}': {}; going on with the same file",
                       options_.path, std::strerror(errno));
          opened_at_ = std::chrono::steady_clock::now();
          return;
        }
        open_file();
        if (gzip_file(moved, name(1))) {
          ::unlink(moved.c_str());
        } else {
          spdlog::warn("jsonl sink: cannot compress '{}'; it is kept uncompressed", moved);
        }
        return;
      }
      if (::rename(options_.path.c_str(), name(1).c_str()) != 0) {
        spdlog::warn("jsonl sink: cannot rotate '{}': {}; going on with the same file",
                     options_.path, std::strerror(errno));
        opened_at_ = std::chrono::steady_clock::now();
        return;
      }
    }
    if (!open_file()) {
      // The old descriptor stays open (its file was renamed): nothing is lost, and the next
      // batch tries again.
      spdlog::warn("jsonl sink: cannot reopen '{}' after rotation: {}", options_.path,
                   std::strerror(errno));
    }
  } catch (...) {  // std::bad_alloc building names: rotate another time
  }
}

void jsonl_sink::reopen_if_requested() noexcept {
  if (!owns_fd_) return;  // standard output
  // The outgoing file is synced first: a durable inform written to it stays durable.
  if (reopen_.exchange(false, std::memory_order_relaxed) && (::fdatasync(fd_), !open_file())) {
    spdlog::warn("jsonl sink: cannot reopen '{}': {}; going on with the open file", options_.path,
                 std::strerror(errno));
  }
}

void jsonl_sink::after_batch() noexcept {
  if (!owns_fd_) return;  // standard output
  reopen_if_requested();
  const bool by_size = options_.rotate_size > 0 && file_size_ >= options_.rotate_size;
  const bool by_time = options_.rotate_interval.count() > 0 &&
                       std::chrono::steady_clock::now() - opened_at_ >= options_.rotate_interval;
  if (options_.fsync == jsonl_options::fsync_policy::batch) ::fdatasync(fd_);
  if (by_size || by_time) {
    if (options_.fsync != jsonl_options::fsync_policy::batch) ::fdatasync(fd_);
    rotate();
  }
}

jsonl_sink::~jsonl_sink() {
  flush();
  if (owns_fd_) ::close(fd_);
}

namespace {

/// Where the line that contains byte `pos` of buf ends (one past its '\n'), or pos itself when
/// pos is at the start of a line. Encoded JSON never holds a raw newline, so '\n' ends lines.
std::size_t torn_line_end(const std::string& buf, std::size_t pos) {
  if (pos == 0 || pos >= buf.size() || buf[pos - 1] == '\n') return pos;
  const auto nl = buf.find('\n', pos);
  return nl == std::string::npos ? buf.size() : nl + 1;
}

}  // namespace

bool jsonl_sink::drain() noexcept {
  while (written_ < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written_, pending_.size() - written_);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      try {
        last_error_ = fmt::format("write to '{}' failed: {}", options_.path, std::strerror(err));
      } catch (...) {  // std::bad_alloc: keep the previous text
      }
      if (!failing_) {
        spdlog::warn("jsonl sink: write to '{}' failed: {}; will retry", options_.path,
                     std::strerror(err));
      }
      failing_ = true;
      ++burst_errors_;
      return false;
    }
    written_ += static_cast<std::size_t>(n);
    file_size_ += static_cast<std::uint64_t>(n);
  }
  pending_.clear();
  written_ = 0;
  return true;
}

void jsonl_sink::abandon_pending() noexcept {
  const std::size_t keep = torn_line_end(pending_, written_);
  pending_.resize(keep);  // shrinking never allocates
  if (written_ == pending_.size()) {
    pending_.clear();
    written_ = 0;
  }
}

write_result jsonl_sink::write(std::span<const record_ptr> batch) noexcept {
  const record* first = batch.empty() ? nullptr : batch.front().get();
  // The same batch again (a retry) only if the first record is the same object with the same
  // unique id: an address alone could be reused by a new record after a batch was given up.
  const bool same_batch = batch_first_ != nullptr && first == batch_first_ &&
                          batch.size() == batch_size_ && first->id == batch_first_id_;
  try {
    if (!same_batch) {
      // A new batch: any bytes still pending belong to a batch the runner gave up on. Finish
      // its torn line (so the file stays line-valid) and drop the lines not yet started.
      abandon_pending();
      // A reopen asked for while idle applies to this batch already; the rest of a torn line
      // still pending belongs to the old file (then after_batch reopens).
      if (pending_.empty()) reopen_if_requested();
      batch_first_ = first;
      batch_first_id_ = first != nullptr ? first->id : std::string{};
      batch_size_ = batch.size();
      encoded_ = 0;
    }
    while (encoded_ < batch.size()) {
      if (const auto& r = batch[encoded_]) {
        const std::size_t mark = pending_.size();
        try {
          append_json(*r, pending_);
          pending_.push_back('\n');
        } catch (...) {
          pending_.resize(mark);  // no half-encoded line stays behind for the retry
          throw;
        }
      }
      ++encoded_;
      const bool full = pending_.size() - written_ >= options_.buffer_size;
      if (full && !drain()) return write_result::retry;
    }
    if (!drain()) return write_result::retry;
  } catch (...) {  // std::bad_alloc while encoding
    try {
      last_error_ = "out of memory while encoding a batch";
    } catch (...) {
    }
    return write_result::retry;
  }
  batch_first_ = nullptr;
  batch_size_ = 0;
  encoded_ = 0;
  after_batch();
  if (failing_) {
    spdlog::info("jsonl sink: writing to '{}' again after {} failed attempt(s)", options_.path,
                 burst_errors_);
    failing_ = false;
    burst_errors_ = 0;
  }
  return write_result::ok;
}

bool jsonl_sink::sync() noexcept {
  if (!owns_fd_) return false;  // standard output cannot be made durable
  return ::fdatasync(fd_) == 0;
}

void jsonl_sink::flush() noexcept {
  // Complete a torn line, if any; lines not yet started stay pending for a retry of their
  // batch (or are dropped when the next batch arrives).
  const std::size_t end = torn_line_end(pending_, written_);
  while (written_ < end) {
    const ssize_t n = ::write(fd_, pending_.data() + written_, end - written_);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written_ += static_cast<std::size_t>(n);
  }
  if (written_ == pending_.size()) {
    pending_.clear();
    written_ = 0;
  }
}

std::string describe_file_options(const jsonl_options& o) {
  const std::string fsync = o.fsync == jsonl_options::fsync_policy::batch ? "batch" : "never";
  if (o.rotate_size == 0 && o.rotate_interval.count() == 0) {
    return fmt::format("no rotation; fsync {}", fsync);
  }
  std::string when;
  if (o.rotate_size > 0) when = fmt::format("at {} bytes", o.rotate_size);
  if (o.rotate_interval.count() > 0) {
    const auto s = o.rotate_interval.count();
    const auto interval = s % 86400 == 0  ? fmt::format("{}d", s / 86400)
                          : s % 3600 == 0 ? fmt::format("{}h", s / 3600)
                          : s % 60 == 0   ? fmt::format("{}m", s / 60)
                                          : fmt::format("{}s", s);
    when += fmt::format("{}every {}", when.empty() ? "" : " or ", interval);
  }
  return fmt::format("rotate {}, keep {}{}; fsync {}", when, o.keep, o.compress ? ", gzip" : "",
                     fsync);
}

}  // namespace trapsink::pipeline::sinks
