#pragma once
// The Kafka sink's local disk spool: while the brokers are unreachable the sink appends the
// messages it could not deliver here, in order, and replays them from here once a broker is
// back. Segment files in one directory, a persisted read position, a size bound. See
// docs/kafka.md ("Spool").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace trapsink::pipeline::sinks {

/// One message as the Kafka sink produces it: everything resolved, nothing left to compute.
struct spooled_message {
  std::string topic;
  std::optional<std::string> key;  ///< absent: a null key
  std::int64_t timestamp_ms = 0;   ///< the Kafka message timestamp (the record's time)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string value;

  friend bool operator==(const spooled_message&, const spooled_message&) = default;
};

/// A position in the spool: a segment's sequence number and a byte offset in it.
struct spool_position {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  friend bool operator==(const spool_position&, const spool_position&) = default;
};

/// An append-only queue of spooled_message on disk, consumed from the front. Files in `dir`:
/// `NNNNNNNNNNNNNNNNNNNN.seg` (20-digit sequence number) hold frames
/// `[magic u32][length u32][crc32 u32][message]` in host byte order (the spool belongs to this
/// machine); `cursor` holds the read position ("segment offset\n", replaced atomically).
/// Thread-safe: one thread may append while another reads and consumes.
class kafka_spool {
 public:
  /// Open the spool in `dir` (created, mode 0750, if absent), picking up what an earlier process
  /// left: the cursor, the segments after it, and a torn last frame (cut off). `max_bytes`
  /// bounds the bytes not yet consumed; a new segment starts once one holds `segment_bytes`.
  /// Throws std::system_error (naming the path) when the directory cannot be used.
  kafka_spool(std::filesystem::path dir, std::uint64_t max_bytes,
              std::uint64_t segment_bytes = 16 * 1024 * 1024);
  ~kafka_spool();

  kafka_spool(const kafka_spool&) = delete;
  kafka_spool& operator=(const kafka_spool&) = delete;

  /// Append all of msgs, in order, or none of them. Returns false (appending nothing) when they
  /// would take the spool past max_bytes. Throws std::system_error on an I/O error (disk full),
  /// after cutting the segment back to where it was.
  bool append(std::span<const spooled_message> msgs);

  /// Up to max_messages messages (and about max_bytes, but at least one) from the read
  /// position, without consuming them; `next` is set to the position after the last one.
  /// Empty when the spool is empty. A frame that fails its checksum ends its segment's
  /// content (counted in corrupt_frames(), the rest of that segment is skipped).
  std::vector<spooled_message> peek(std::size_t max_messages, std::size_t max_bytes,
                                    spool_position& next);

  /// Consume everything before `next` (a position peek returned): the cursor is persisted and
  /// segments read to their end are deleted. Throws std::system_error on an I/O error.
  void consume(spool_position next);

  /// True when nothing is waiting to be read.
  bool empty() const;
  /// Bytes (frames) appended and not yet consumed.
  std::uint64_t bytes() const;
  /// The bound given to the constructor.
  std::uint64_t max_bytes() const noexcept { return max_bytes_; }
  /// Frames skipped because their checksum or framing was wrong.
  std::uint64_t corrupt_frames() const;
  /// fdatasync the segment being appended to (best effort).
  void sync();

  /// The directory.
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  struct segment {
    std::uint64_t seq = 0;
    std::uint64_t size = 0;  ///< bytes of complete frames
  };
  std::filesystem::path segment_path(std::uint64_t seq) const;
  void open_tail();
  void write_cursor();
  bool empty_locked() const;
  void reset_locked();

  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  std::uint64_t segment_bytes_;
  mutable std::mutex mu_;
  std::vector<segment> segments_;  ///< oldest first; the last one is appended to
  spool_position cursor_{};
  int tail_fd_ = -1;
  std::uint64_t next_seq_ = 1;
  std::uint64_t corrupt_ = 0;
};

/// The CRC-32 (IEEE 802.3) of data, continuing from `crc` (0 to start).
std::uint32_t crc32(std::span<const unsigned char> data, std::uint32_t crc = 0) noexcept;

}  // namespace trapsink::pipeline::sinks
