// The switch to an unprivileged user (privileges.hpp).
#include "service/privileges.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace trapsink::service {
namespace fs = std::filesystem;
namespace {

/// The number in `text`, if all of it is one.
std::optional<unsigned long> number(const std::string& text) {
  unsigned long v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != end) return std::nullopt;
  return v;
}

std::string mode_text(unsigned mode) { return fmt::format("{:04o}", mode & 07777U); }

std::string owner_text(uid_t uid, gid_t gid) {
  std::string u = std::to_string(uid);
  std::string g = std::to_string(gid);
  if (const passwd* pw = ::getpwuid(uid)) u = pw->pw_name;
  if (const group* gr = ::getgrgid(gid)) g = gr->gr_name;
  return u + ":" + g;
}

/// The directory a file lives in ("." for a bare name).
fs::path dir_of(const fs::path& p) {
  const auto d = p.parent_path();
  return d.empty() ? fs::path(".") : d;
}

/// "Uid:" / "Gid:" values of a /proc status file: real, effective, saved, filesystem.
std::vector<unsigned long> ids_in_status(const fs::path& status, std::string_view field) {
  std::ifstream in(status);
  std::string line;
  std::vector<unsigned long> ids;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) != 0) continue;
    std::size_t pos = field.size();
    while (pos < line.size()) {
      while (pos < line.size() && (line[pos] == '\t' || line[pos] == ' ')) ++pos;
      std::size_t end = pos;
      while (end < line.size() && line[end] != '\t' && line[end] != ' ') ++end;
      if (auto v = number(line.substr(pos, end - pos))) ids.push_back(*v);
      pos = end;
    }
  }
  return ids;
}

}  // namespace

identity resolve_identity(const std::string& user, const std::string& group) {
  identity id;
  if (user.empty()) throw std::runtime_error("user: the name is empty");
  errno = 0;
  const passwd* pw = nullptr;
  if (auto n = number(user)) {
    pw = ::getpwuid(static_cast<uid_t>(*n));
  } else {
    pw = ::getpwnam(user.c_str());
  }
  if (pw == nullptr) {
    throw std::runtime_error(
        fmt::format("user '{}': no such user (create it, e.g. 'useradd --system --no-create-home "
                    "--shell /usr/sbin/nologin {}', or remove user:/--user)",
                    user, user));
  }
  id.user = pw->pw_name;
  id.uid = pw->pw_uid;
  id.gid = pw->pw_gid;
  const std::string login = pw->pw_name;
  if (!group.empty()) {
    const struct group* gr = nullptr;
    if (auto n = number(group)) {
      gr = ::getgrgid(static_cast<gid_t>(*n));
    } else {
      gr = ::getgrnam(group.c_str());
    }
    if (gr == nullptr) throw std::runtime_error(fmt::format("group '{}': no such group", group));
    id.gid = gr->gr_gid;
    id.group = gr->gr_name;
  } else if (const struct group* gr = ::getgrgid(id.gid)) {
    id.group = gr->gr_name;
  } else {
    id.group = std::to_string(id.gid);
  }
  // The user's supplementary groups, as login would set them, with the chosen group first.
  int n = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  while (::getgrouplist(login.c_str(), id.gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n) + 32);
    n = static_cast<int>(groups.size());
  }
  groups.resize(static_cast<std::size_t>(n));
  id.groups = std::move(groups);
  return id;
}

bool may_write(const identity& id, uid_t owner, gid_t group, unsigned mode, bool need_search) {
  if (id.uid == 0) return true;
  unsigned bits = mode & 7U;
  if (owner == id.uid) {
    bits = (mode >> 6) & 7U;
  } else if (group == id.gid ||
             std::find(id.groups.begin(), id.groups.end(), group) != id.groups.end()) {
    bits = (mode >> 3) & 7U;
  }
  const unsigned want = need_search ? 3U : 2U;  // w, plus x for a directory
  return (bits & want) == want;
}

privilege_drop::privilege_drop(identity id, std::vector<output_path> outputs)
    : id_(std::move(id)), outputs_(std::move(outputs)) {
  std::error_code ec;
  auto note = [&](const fs::path& p) {
    if (!fs::exists(fs::symlink_status(p, ec))) absent_.push_back(p);
  };
  for (const auto& o : outputs_) {
    note(o.path);
    if (o.what == output_path::kind::database) {
      note(o.path.string() + "-wal");
      note(o.path.string() + "-shm");
    }
  }
}

void privilege_drop::complete() {
  std::vector<std::string> problems;
  const std::string who =
      fmt::format("user '{}' (uid {}, group '{}' gid {})", id_.user, id_.uid, id_.group, id_.gid);
  const bool root = ::geteuid() == 0;
  if (!root) {
    if (::getuid() == id_.uid && ::getgid() == id_.gid) return;  // already that user
    throw std::runtime_error(fmt::format(
        "user: switching to {} needs root (trapsink runs as uid {}); start it as root or as "
        "that user, or remove user:/--user",
        who, ::geteuid()));
  }

  // 1. What this start created belongs to the user (directories with their contents).
  std::error_code ec;
  for (const auto& p : absent_) {
    if (!fs::exists(fs::symlink_status(p, ec))) continue;
    auto give = [&](const fs::path& q) {
      if (::lchown(q.c_str(), id_.uid, id_.gid) != 0) {
        problems.push_back(
            fmt::format("cannot hand '{}' to {}: {}", q.string(), who, std::strerror(errno)));
      }
    };
    give(p);
    if (fs::is_directory(fs::symlink_status(p, ec))) {
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        give(it->path());
      }
    }
  }

  // 2. Everything the sinks write later must be the user's to write.
  auto check = [&](const output_path& o, const fs::path& p, bool directory) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT && !directory) return;  // created later, in a checked directory
      problems.push_back(
          fmt::format("{}: cannot examine '{}': {}", o.key, p.string(), std::strerror(errno)));
      return;
    }
    if (!may_write(id_, st.st_uid, st.st_gid, st.st_mode, directory)) {
      problems.push_back(fmt::format(
          "{}: {} '{}' is not writable by {} (owner {}, mode {}): chown it to the user or "
          "choose another path",
          o.key, directory ? "directory" : "file", p.string(), who,
          owner_text(st.st_uid, st.st_gid), mode_text(st.st_mode)));
    }
  };
  for (const auto& o : outputs_) {
    switch (o.what) {
      case output_path::kind::file: {
        struct stat st {};
        const bool exists = ::stat(o.path.c_str(), &st) == 0;
        check(o, o.path, false);
        // A device or FIFO (/dev/null, /dev/stdout) is written in place, never recreated.
        if (!exists || S_ISREG(st.st_mode)) check(o, dir_of(o.path), true);
        break;
      }
      case output_path::kind::database:
        check(o, o.path, false);
        check(o, o.path.string() + "-wal", false);
        check(o, o.path.string() + "-shm", false);
        check(o, dir_of(o.path), true);
        break;
      case output_path::kind::directory:
        check(o, o.path, true);
        for (fs::directory_iterator it(o.path, ec), end; !ec && it != end; it.increment(ec)) {
          if (it->is_regular_file(ec)) check(o, it->path(), false);
        }
        break;
    }
  }
  if (!problems.empty()) {
    std::string all = "cannot run as " + who + ":";
    for (const auto& p : problems) all += "\n  " + p;
    throw std::runtime_error(all);
  }

  // 3. The switch: groups first (setgid needs root), then the user. glibc applies each to
  // every thread of the process (the sink, HTTP and librdkafka threads already run).
  if (::setgroups(id_.groups.size(), id_.groups.data()) != 0) {
    throw std::runtime_error(fmt::format(
        "user: setgroups for {} failed: {}; not running on as root", who, std::strerror(errno)));
  }
  if (::setgid(id_.gid) != 0) {
    throw std::runtime_error(fmt::format("user: setgid({}) failed: {}; not running on as root",
                                         id_.gid, std::strerror(errno)));
  }
  if (::setuid(id_.uid) != 0) {
    throw std::runtime_error(fmt::format("user: setuid({}) failed: {}; not running on as root",
                                         id_.uid, std::strerror(errno)));
  }

  // 4. Check that it held, everywhere, and for good.
  uid_t ru = 0, eu = 0, su = 0;
  gid_t rg = 0, eg = 0, sg = 0;
  ::getresuid(&ru, &eu, &su);
  ::getresgid(&rg, &eg, &sg);
  bool held = ru == id_.uid && eu == id_.uid && su == id_.uid && rg == id_.gid && eg == id_.gid &&
              sg == id_.gid;
  if (held && id_.uid != 0 && ::setuid(0) == 0) held = false;
  std::size_t tasks = 0;
  for (fs::directory_iterator it("/proc/self/task", ec), end; held && !ec && it != end;
       it.increment(ec)) {
    const auto uids = ids_in_status(it->path() / "status", "Uid:");
    const auto gids = ids_in_status(it->path() / "status", "Gid:");
    ++tasks;
    for (auto v : uids) held = held && v == id_.uid;
    for (auto v : gids) held = held && v == id_.gid;
  }
  if (!held) {
    throw std::runtime_error(fmt::format(
        "user: the switch to {} did not hold in every thread; refusing to run on", who));
  }
#if defined(__SANITIZE_ADDRESS__)
  // LeakSanitizer's check at exit ptrace-attaches every thread, which the kernel refuses once
  // setuid made the process non-dumpable: a sanitizer build (tests only) stays dumpable.
  ::prctl(PR_SET_DUMPABLE, 1);
#endif
  spdlog::info("running as {} (groups: {}; {} threads checked)", who, id_.groups.size(), tasks);
}

}  // namespace trapsink::service
