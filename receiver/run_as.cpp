// serve's side of running unprivileged (run_as.hpp).
#include "receiver/run_as.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <stdexcept>
#include <variant>

#include "service/logging.hpp"

namespace trapsink::receiver {

std::vector<service::output_path> output_paths(const server_options& options) {
  using kind = service::output_path::kind;
  std::vector<service::output_path> out;
  auto jsonl = [&](const pipeline::sinks::jsonl_options& j, const std::string& key) {
    if (j.path != "-") out.push_back({j.path, kind::file, key});
  };
  auto kafka = [&](const pipeline::sinks::kafka_options& k, const std::string& key) {
    if (!k.spool_dir.empty()) out.push_back({k.spool_dir, kind::directory, key});
  };
  if (options.jsonl) jsonl(*options.jsonl, "jsonl.path");
  if (options.sqlite) out.push_back({options.sqlite->path, kind::database, "sqlite.path"});
  if (options.kafka) kafka(*options.kafka, "kafka.spool_dir");
  for (const auto& ns : options.sinks) {
    if (const auto* j = std::get_if<pipeline::sinks::jsonl_options>(&ns.options)) {
      jsonl(*j, "sinks." + ns.name + ".path");
    } else if (const auto* s = std::get_if<pipeline::sinks::sqlite_options>(&ns.options)) {
      out.push_back({s->path, kind::database, "sinks." + ns.name + ".path"});
    } else if (const auto* k = std::get_if<pipeline::sinks::kafka_options>(&ns.options)) {
      kafka(*k, "sinks." + ns.name + ".spool_dir");
    }
  }
  if (!options.state_dir.empty()) out.push_back({options.state_dir, kind::directory, "state_dir"});
  if (const auto log = service::log_file_path(); !log.empty()) {
    out.push_back({log, kind::file, "log_file"});
  }
  return out;
}

std::optional<service::privilege_drop> prepare_run_as(const server_options& options) {
  if (options.user.empty()) {
    if (::geteuid() == 0) {
      spdlog::warn(
          "running as root: set user: (or --user) to switch to an unprivileged user once the "
          "ports are bound, or run as that user with CAP_NET_BIND_SERVICE (docs/operations.md)");
    }
    if (!options.group.empty()) {
      throw std::runtime_error("group: '" + options.group + "' needs user: (or --user) too");
    }
    return std::nullopt;
  }
  return service::privilege_drop(service::resolve_identity(options.user, options.group),
                                 output_paths(options));
}

}  // namespace trapsink::receiver
