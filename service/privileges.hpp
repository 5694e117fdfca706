#pragma once
// Running unprivileged (docs/operations.md, "Running as an unprivileged user"): `serve` binds
// its sockets (ports below 1024 need root or CAP_NET_BIND_SERVICE) and opens its outputs, then
// switches to `user`/`group` for good (setgroups, setgid, setuid, checked afterwards).
//
// Files the sinks create later (rotated JSON-lines files, SQLite's -wal and -shm, spool files,
// the reopened log file) are created as that user, so the outputs must be the user's to write:
// what trapsink created itself at this start (a new file, database, spool or state directory)
// is handed to the user (chown) before the switch; everything that already existed must
// already be writable by the user, or serve refuses to start and names the path.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace trapsink::service {

/// The account to run as.
struct identity {
  std::string user;   ///< the name (or the number given)
  std::string group;  ///< the group's name (or number)
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups (initgroups), the primary one included
};

/// Look up `user` (a name or a numeric uid) and `group` (a name or a numeric gid; empty: the
/// user's primary group). Throws std::runtime_error naming what does not exist.
identity resolve_identity(const std::string& user, const std::string& group);

/// An output of serve, as far as running unprivileged is concerned.
struct output_path {
  enum class kind : unsigned char {
    file,      ///< a file written and reopened (JSON lines, the log file): file and directory
    database,  ///< an SQLite database: the file, its -wal and -shm, the directory
    directory  ///< a directory files are created in (spool, state): the directory and its files
  };
  std::filesystem::path path;
  kind what = kind::file;
  std::string key;  ///< the configuration key, for messages ("jsonl.path", "sinks.x.spool_dir")
};

/// The switch to an unprivileged user, in two steps around the opening of the outputs.
class privilege_drop {
 public:
  /// Note which of the outputs do not exist yet (before the sinks open them).
  privilege_drop(identity id, std::vector<output_path> outputs);

  /// Hand what this start created to the user, check that every output is the user's to
  /// write, then setgroups/setgid/setuid and check that they held in this and every other
  /// thread (/proc/self/task/*/status) and that root cannot be regained. Throws
  /// std::runtime_error with one line per problem; the process must then exit.
  void complete();

  const identity& who() const noexcept { return id_; }

 private:
  identity id_;
  std::vector<output_path> outputs_;
  std::vector<std::filesystem::path> absent_;  ///< paths that did not exist at construction
};

/// Whether `id` may write in (and create files in) the directory `st` describes, by its mode
/// bits: the owner, group or others class that applies to the user. Exposed for tests.
bool may_write(const identity& id, uid_t owner, gid_t group, unsigned mode, bool need_search);

}  // namespace trapsink::service
