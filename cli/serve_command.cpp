#include "cli/serve_command.hpp"

#include "receiver/server.hpp"

#include <memory>
#include <string>
#include <vector>

namespace trapsink::cli {

std::function<int()> add_serve_command(CLI::App& app) {
  struct args {
    std::vector<std::string> listen;
    std::string jsonl = "-";
    std::vector<std::string> communities;
    bool any_community = false;
    std::size_t queue_capacity = 65536;
    double dedup_window_s = 60;
  };
  auto a = std::make_shared<args>();
  auto* cmd = app.add_subcommand(
      "serve", "Receive SNMP notifications and write them as records (runs until SIGINT/SIGTERM)");
  cmd->add_option("--listen", a->listen,
                  "Listen address, repeatable: udp:ADDR:PORT or udp6:[ADDR]:PORT "
                  "(default: udp:127.0.0.1:1162 and udp6:[::1]:1162)");
  cmd->add_option("--jsonl", a->jsonl, "Write records as JSON lines to FILE ('-' = stdout)")
      ->capture_default_str();
  cmd->add_option("--community", a->communities,
                  "Accept this community (v1/v2c), repeatable (default: public)");
  cmd->add_flag("--any-community", a->any_community, "Accept every community");
  cmd->add_option("--queue-capacity", a->queue_capacity, "Records each sink queue holds")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26))
      ->capture_default_str();
  cmd->add_option("--inform-dedup-window", a->dedup_window_s,
                  "Seconds a recorded inform is remembered, so a retransmission is acknowledged "
                  "but not recorded twice")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();

  return [a]() {
    auto o = receiver::default_server_options();
    if (!a->listen.empty()) {
      o.listeners.clear();
      for (const auto& l : a->listen) o.listeners.push_back(receiver::parse_listen_address(l));
    }
    if (!a->communities.empty()) o.communities.communities = a->communities;
    o.communities.any_community = a->any_community;
    o.jsonl = a->jsonl;
    o.queue_capacity = a->queue_capacity;
    o.inform_dedup_window =
        std::chrono::milliseconds(static_cast<std::int64_t>(a->dedup_window_s * 1000));
    return receiver::run_server(o);
  };
}

}  // namespace trapsink::cli
