#include "cli/reload_command.hpp"

#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "receiver/reload.hpp"
#include "receiver/server.hpp"

namespace trapsink::cli {
namespace {

struct reload_flags {
  std::string pid_file;
  std::string config;
  double timeout_s = 30;
};

int run_reload(const reload_flags& f) {
  std::string pid_file = f.pid_file;
  if (pid_file.empty() && !f.config.empty()) {
    auto o = receiver::default_server_options();
    try {
      config::apply_config_file(f.config, o);
    } catch (const std::exception& e) {
      std::cerr << "trapsink reload: " << e.what() << '\n';
      return 2;
    }
    pid_file = o.pid_file;
    if (pid_file.empty()) {
      std::cerr << "trapsink reload: " << f.config
                << " sets no pid_file; give --pid-file FILE (the one serve writes)\n";
      return 2;
    }
  }
  if (pid_file.empty()) {
    std::cerr << "trapsink reload: give --pid-file FILE or --config FILE (with pid_file:)\n";
    return 2;
  }
  long pid = 0;
  {
    std::ifstream in(pid_file);
    if (!in) {
      std::cerr << "trapsink reload: cannot read the pid file '" << pid_file
                << "': is serve running (with --pid-file / pid_file)?\n";
      return 3;
    }
    if (!(in >> pid) || pid <= 1) {
      std::cerr << "trapsink reload: the pid file '" << pid_file << "' holds no process ID\n";
      return 3;
    }
  }
  const auto status_path = receiver::reload_status_path(pid_file);
  const auto before = receiver::read_reload_status(status_path);
  const std::uint64_t seen = before ? before->sequence : 0;
  if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    const int err = errno;
    std::cerr << "trapsink reload: cannot signal process " << pid << " (from " << pid_file
              << "): " << std::strerror(err)
              << (err == ESRCH ? " (serve is not running; a stale pid file?)" : "") << '\n';
    return 3;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<std::int64_t>(f.timeout_s * 1000));
  for (;;) {
    const auto now = receiver::read_reload_status(status_path);
    if (now && now->sequence > seen) {
      if (now->ok) {
        std::cout << "reload applied (#" << now->sequence << "): " << now->message << '\n';
        return 0;
      }
      std::cerr << "reload refused (#" << now->sequence << "): " << now->message
                << "\nthe running configuration stays in force\n";
      return 1;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cerr << "trapsink reload: SIGHUP sent to process " << pid << ", but no outcome appeared in '"
            << status_path << "' within " << f.timeout_s
            << " s (is it a trapsink serve? see its log)\n";
  return 4;
}

}  // namespace

std::function<int()> add_reload_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "reload",
      "Make a running 'serve' reload its configuration (SIGHUP) and report whether it was "
      "applied (exit 0) or refused (exit 1, with the reason)");
  auto f = std::make_shared<reload_flags>();
  auto* pid = cmd->add_option("--pid-file", f->pid_file,
                              "The pid file serve writes (--pid-file / pid_file)")
                  ->type_name("FILE");
  cmd->add_option("--config", f->config, "Take the pid file from this configuration (pid_file:)")
      ->type_name("FILE")
      ->excludes(pid);
  cmd->add_option("--timeout", f->timeout_s, "Seconds to wait for serve's answer")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  return [f] { return run_reload(*f); };
}

}  // namespace trapsink::cli
