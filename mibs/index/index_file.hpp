#pragma once
// The compiled index file: a mib_set on disk in a compact, versioned binary format that loads in
// milliseconds (docs/mibs.md, "Index file format").
//
// Layout: a 32-byte header (magic "TSMIBIDX", format version, payload size, 64-bit checksum of
// the payload) followed by the payload, where every integer is an unsigned LEB128 varint
// (signed ones zigzag-encoded) and every string is a varint length and its bytes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "mibs/model/mib_set.hpp"

namespace trapsink::mibs {

/// The format version write_index writes and read_index accepts.
inline constexpr std::uint32_t index_format_version = 1;

/// Writes set to path atomically (temporary file in the same directory, then rename).
/// Throws std::runtime_error("PATH: reason") on failure.
void write_index(const mib_set& set, const std::filesystem::path& path);

/// Reads an index written by write_index. Throws std::runtime_error("PATH: reason") when the
/// file is missing, truncated, corrupt (checksum) or of another format version — never
/// crashes on a bad file.
mib_set read_index(const std::filesystem::path& path);

/// Serialises set into the file format in memory (header included).
std::string encode_index(const mib_set& set);

/// Parses the bytes of an index file. Throws std::runtime_error("reason") on any defect.
mib_set decode_index(std::string_view bytes);

/// The checksum the header carries for a payload (exposed for tests that forge files).
std::uint64_t index_checksum(std::string_view payload) noexcept;

/// The bundled index: $TRAPSINK_MIB_INDEX if set; else share/trapsink/mibs.idx beside the
/// executable's bin/ directory (an installed tree, wherever it is) if it exists; else the file
/// the build produced (path compiled in) if it exists; else the configured install prefix's
/// share/trapsink/mibs.idx if it exists; else nullopt.
std::optional<std::filesystem::path> bundled_index_path();

}  // namespace trapsink::mibs
