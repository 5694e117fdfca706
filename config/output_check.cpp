// check_outputs(): what `check-config` tries beyond validate(), without network and without
// creating anything (config.hpp).
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace trapsink::config {
namespace {

namespace fs = std::filesystem;

/// Collects "ORIGIN: key: reason" lines.
class problems {
 public:
  explicit problems(const receiver::server_options& o) : o_(o) {}

  void add(const std::string& key, const std::string& reason) {
    auto it = o_.origins.find(key);
    out_.push_back(it == o_.origins.end() ? fmt::format("{}: {}", key, reason)
                                          : fmt::format("{}: {}: {}", it->second, key, reason));
  }

  std::vector<std::string> take() { return std::move(out_); }

 private:
  const receiver::server_options& o_;
  std::vector<std::string> out_;
};

/// The directory a file is in ("." for a bare name).
fs::path directory_of(const std::string& file) {
  fs::path dir = fs::path(file).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

/// Empty when dir exists, is a directory and the process may create files in it; else why not.
std::string directory_problem(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return fmt::format("the directory '{}' does not exist{}", dir.string(),
                       ec && ec != std::errc::no_such_file_or_directory
                           ? fmt::format(" or cannot be examined ({})", ec.message())
                           : "");
  }
  if (!fs::is_directory(st)) return fmt::format("'{}' is not a directory", dir.string());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return fmt::format("cannot create files in the directory '{}': {}", dir.string(),
                       std::strerror(errno));
  }
  return {};
}

/// Empty when an existing file can be opened for mode (R_OK, W_OK), or when it does not
/// exist; else why not. `exists` tells which.
std::string file_problem(const std::string& file, int mode, bool& exists) {
  std::error_code ec;
  const auto st = fs::status(file, ec);
  exists = !ec && fs::exists(st);
  if (!exists) return {};
  if (fs::is_directory(st)) return fmt::format("'{}' is a directory", file);
  if (::access(file.c_str(), mode) != 0) {
    return fmt::format("cannot open '{}' for {}: {}", file,
                       (mode & R_OK) != 0 ? "reading and writing" : "writing",
                       std::strerror(errno));
  }
  return {};
}

/// A JSON-lines file: it can be written, or created (and with rotation renamed) in its directory.
std::string jsonl_problem(const pipeline::sinks::jsonl_options& j) {
  bool exists = false;
  std::string why = file_problem(j.path, W_OK, exists);
  // A new file is created in the directory; rotation renames files in it.
  const bool rotates = j.rotate_size > 0 || j.rotate_interval.count() > 0;
  if (why.empty() && (!exists || rotates)) why = directory_problem(directory_of(j.path));
  return why;
}

/// A SQLite database: not created here, only whether it could be. SQLite also creates PATH-wal
/// and PATH-shm beside it, so the directory must be writable either way.
std::string sqlite_problem(const pipeline::sinks::sqlite_options& sq) {
  bool exists = false;
  std::string why = file_problem(sq.path, R_OK | W_OK, exists);
  if (why.empty()) why = directory_problem(directory_of(sq.path));
  return why;
}

/// The Kafka spool directory, created (one level) when absent. (The librdkafka configuration
/// was built, without a producer, which would start connecting, when the configuration was
/// loaded and validated: a refused property never gets here.)
std::string spool_problem(const pipeline::sinks::kafka_options& k) {
  if (k.spool_dir.empty()) return {};
  fs::path p = fs::path(k.spool_dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "spool/" is "spool"
  std::error_code ec;
  return fs::exists(p, ec) ? directory_problem(p) : directory_problem(directory_of(p.string()));
}

}  // namespace

std::vector<std::string> check_outputs(const receiver::server_options& o) {
  problems found(o);
  auto check = [&](const std::string& key, const std::string& why) {
    if (!why.empty()) found.add(key, why);
  };
  if (o.jsonl && o.jsonl->path != "-") check("jsonl.path", jsonl_problem(*o.jsonl));
  if (o.sqlite) check("sqlite.path", sqlite_problem(*o.sqlite));
  if (o.kafka) check("kafka.spool_dir", spool_problem(*o.kafka));
  for (const auto& ns : o.sinks) {
    const std::string prefix = "sinks." + ns.name;
    if (const auto* j = std::get_if<pipeline::sinks::jsonl_options>(&ns.options)) {
      if (j->path != "-") check(prefix + ".path", jsonl_problem(*j));
    } else if (const auto* sq = std::get_if<pipeline::sinks::sqlite_options>(&ns.options)) {
      check(prefix + ".path", sqlite_problem(*sq));
    } else if (const auto* k = std::get_if<pipeline::sinks::kafka_options>(&ns.options)) {
      check(prefix + ".spool_dir", spool_problem(*k));
    }
  }
  return found.take();
}

}  // namespace trapsink::config
