#include "receiver/reload.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"

namespace trapsink::receiver {

std::vector<named_sink> configured_sinks(const server_options& o) {
  std::vector<named_sink> out;
  if (o.jsonl) out.push_back({"jsonl", *o.jsonl, o.jsonl_settings});
  if (o.sqlite) out.push_back({"sqlite", *o.sqlite, o.sqlite_settings});
  if (o.kafka) out.push_back({"kafka", *o.kafka, o.kafka_settings});
  for (const auto& ns : o.sinks) out.push_back(ns);
  return out;
}

running_sink start_sink(const named_sink& s, std::size_t global_capacity,
                        core::metrics_registry& metrics) {
  running_sink out;
  out.config = s;
  auto r = make_runner_options(s.settings, global_capacity);
  r.instance = s.name;
  out.capacity = r.queue_capacity;
  std::unique_ptr<pipeline::sink> sink;
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, pipeline::sinks::jsonl_options>) {
          auto j = std::make_unique<pipeline::sinks::jsonl_sink>(o);
          if (o.path != "-") {
            out.jsonl_file = j.get();
            spdlog::info("sink {}: writing JSON lines to '{}' ({})", s.name, o.path,
                         pipeline::sinks::describe_file_options(o));
          }
          sink = std::move(j);
        } else if constexpr (std::is_same_v<T, pipeline::sinks::sqlite_options>) {
          sink = std::make_unique<pipeline::sinks::sqlite_sink>(o);
          spdlog::info(
              "sink {}: storing records in SQLite database '{}' (synchronous={}; retention: {})",
              s.name, o.path, pipeline::sinks::name(o.synchronous),
              pipeline::sinks::describe_retention(o));
        } else {
          // The Kafka sink's own counters (trapsink_kafka_*_total) carry the instance name too.
          sink = std::make_unique<pipeline::sinks::kafka_sink>(o, &metrics, s.name);
          spdlog::info("sink {}: forwarding records to Kafka at {} (topic {}, key {}{})", s.name,
                       o.brokers, o.topic, o.key,
                       o.spool_dir.empty() ? "" : ", spool " + o.spool_dir);
        }
      },
      s.options);
  spdlog::info("sink {}: queue_capacity {}, overflow {}{}{}", s.name, r.queue_capacity,
               name(r.overflow),
               r.overflow == pipeline::sink_runner_options::overflow_policy::block
                   ? fmt::format(" (block_timeout {}ms)", r.block_timeout.count())
                   : std::string(),
               s.settings.durable ? ", durable" : "");
  out.runner = std::make_shared<pipeline::sink_runner>(std::move(sink), metrics, r);
  return out;
}

namespace {
std::string listeners_text(const server_options& o) {
  std::string s;
  for (const auto& l : o.listeners) s += l.to_string() + " ";
  return s;
}
std::string http_text(const server_options& o) {
  if (!o.http) return "off";
  return fmt::format("{} {} {} {} {} {}", o.http->listen.to_string(), o.http->token,
                     o.http->token_file, o.http->max_connections, o.http->max_stream_clients,
                     o.http->stream_client_buffer);
}
}  // namespace

std::vector<std::string> restart_keys_changed(const server_options& a, const server_options& b) {
  std::vector<std::string> out;
  if (listeners_text(a) != listeners_text(b)) out.emplace_back("listen");
  if (a.receive_shards != b.receive_shards) out.emplace_back("receive_shards");
  if (a.receive_buffer != b.receive_buffer) out.emplace_back("receive_buffer");
  if (a.state_dir != b.state_dir) out.emplace_back("state_dir");
  if (a.engine_id != b.engine_id) out.emplace_back("engine_id");
  if (http_text(a) != http_text(b)) out.emplace_back("http");
  if (a.inform_ack != b.inform_ack) out.emplace_back("inform_ack");
  if (a.inform_dedup_window != b.inform_dedup_window) out.emplace_back("inform_dedup_window");
  if (a.key_cache_size != b.key_cache_size) out.emplace_back("key_cache_size");
  if (a.remote_engine_limit != b.remote_engine_limit) out.emplace_back("remote_engine_limit");
  if (a.shutdown_deadline != b.shutdown_deadline) out.emplace_back("shutdown_deadline");
  if (a.pid_file != b.pid_file) out.emplace_back("pid_file");
  if (a.user != b.user) out.emplace_back("user");
  if (a.group != b.group) out.emplace_back("group");
  if (a.logging.format != b.logging.format) out.emplace_back("log_format");
  if (a.logging.file != b.logging.file) out.emplace_back("log_file");
  if (a.logging.level != b.logging.level) out.emplace_back("log_level");
  const auto& ea = a.enrich_options;
  const auto& eb = b.enrich_options;
  if (ea.max_in_flight_per_agent != eb.max_in_flight_per_agent ||
      ea.max_queued_per_agent != eb.max_queued_per_agent || ea.cache_ttl != eb.cache_ttl ||
      ea.max_cache_entries != eb.max_cache_entries || ea.max_pending != eb.max_pending) {
    out.emplace_back("enrich_options");
  }
  return out;
}

std::string reload_status_path(const std::string& pid_file) { return pid_file + ".reload"; }

void write_reload_status(const std::string& path, const reload_status& s) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    std::string message = s.message;
    for (auto& c : message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    f << s.sequence << ' ' << (s.ok ? "ok" : "refused") << ' ' << message << '\n';
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

std::optional<reload_status> read_reload_status(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::string line;
  if (!std::getline(f, line)) return std::nullopt;
  std::istringstream in(line);
  reload_status s;
  std::string result;
  if (!(in >> s.sequence >> result)) return std::nullopt;
  if (result != "ok" && result != "refused") return std::nullopt;
  s.ok = result == "ok";
  std::getline(in >> std::ws, s.message);
  return s;
}

reload_controller::reload_controller(server_options running, std::vector<running_sink> sinks,
                                     options_source source, targets t)
    : running_(std::move(running)),
      sinks_(std::move(sinks)),
      source_(std::move(source)),
      t_(t),
      ok_(t.metrics->get("trapsink_config_reloads_total", "result=\"ok\"",
                         "Configuration reloads (SIGHUP), by outcome.")),
      refused_(t.metrics->get("trapsink_config_reloads_total", "result=\"refused\"",
                              "Configuration reloads (SIGHUP), by outcome.")),
      last_success_(
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count()) {
  t_.metrics->set_gauge("trapsink_config_last_reload_success_timestamp_seconds", {},
                        "When the configuration was last loaded successfully (startup or reload), "
                        "in seconds since the Unix epoch.",
                        [this] { return last_success_.load(); });
  if (!running_.pid_file.empty()) {
    try {
      write_reload_status(reload_status_path(running_.pid_file), {0, true, "started"});
    } catch (const std::exception& e) {
      spdlog::warn("{}", e.what());
    }
  }
}

reload_controller::~reload_controller() {
  t_.metrics->remove_gauges("trapsink_config_last_reload_success_timestamp_seconds");
  if (t_.queue_gauges) {
    t_.metrics->remove_gauges("trapsink_sink_queue_depth");
    t_.metrics->remove_gauges("trapsink_sink_up");
  }
}

void reload_controller::register_gauges() {
  if (!t_.queue_gauges) return;
  for (const auto& s : sinks_) {
    t_.metrics->set_gauge("trapsink_sink_queue_depth", fmt::format("sink=\"{}\"", s.config.name),
                          "Records queued for a sink now.",
                          [rp = s.runner.get()] { return static_cast<double>(rp->queued()); });
    t_.metrics->set_gauge("trapsink_sink_up", fmt::format("sink=\"{}\"", s.config.name),
                          "1 while a sink delivers, 0 while it fails (the reason is in /readyz).",
                          [rp = s.runner.get()] { return rp->health() ? 0.0 : 1.0; });
  }
}

void reload_controller::record_outcome(bool ok, const std::string& message) {
  ++sequence_;
  if (ok) {
    ok_.inc();
    last_success_ =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  } else {
    refused_.inc();
  }
  if (!running_.pid_file.empty()) {
    try {
      write_reload_status(reload_status_path(running_.pid_file), {sequence_, ok, message});
    } catch (const std::exception& e) {
      spdlog::warn("reload: {}", e.what());
    }
  }
}

bool reload_controller::reload() noexcept {
  try {
    if (!source_) throw std::runtime_error("serve was started without a way to read it again");
    server_options next = source_();
    apply(std::move(next));
  } catch (const std::exception& e) {
    spdlog::error("reload refused: {}; the running configuration stays", e.what());
    record_outcome(false, e.what());
    return false;
  } catch (...) {
    spdlog::error("reload refused: unknown error; the running configuration stays");
    record_outcome(false, "unknown error");
    return false;
  }
  return true;
}

void reload_controller::apply(server_options next) {
  // Keys that need a restart keep their running values.
  for (const auto& key : restart_keys_changed(running_, next)) {
    spdlog::warn("reload: '{}' changed; restart to apply", key);
  }
  next.listeners = running_.listeners;
  next.receive_shards = running_.receive_shards;
  next.receive_buffer = running_.receive_buffer;
  next.state_dir = running_.state_dir;
  next.engine_id = running_.engine_id;
  next.http = running_.http;
  next.inform_ack = running_.inform_ack;
  next.inform_dedup_window = running_.inform_dedup_window;
  next.key_cache_size = running_.key_cache_size;
  next.remote_engine_limit = running_.remote_engine_limit;
  next.shutdown_deadline = running_.shutdown_deadline;
  next.pid_file = running_.pid_file;
  next.enrich_options = running_.enrich_options;
  next.user = running_.user;
  next.group = running_.group;
  next.logging = running_.logging;

  // Sinks: keep the unchanged ones, start the new and changed ones. A sink that cannot start
  // refuses the reload; those started for it are stopped again (they received nothing).
  std::vector<running_sink> sinks;
  std::size_t kept = 0;
  std::size_t started = 0;
  for (const auto& ns : configured_sinks(next)) {
    const auto capacity = make_runner_options(ns.settings, next.queue_capacity).queue_capacity;
    const running_sink* same = nullptr;
    for (const auto& s : sinks_) {
      if (s.config == ns && s.capacity == capacity) same = &s;
    }
    if (same != nullptr) {
      sinks.push_back(*same);
      ++kept;
      continue;
    }
    // Two Kafka sinks must not share a spool directory: the running one keeps using it until
    // it has written out its queue.
    if (const auto* ko = std::get_if<pipeline::sinks::kafka_options>(&ns.options);
        ko != nullptr && !ko->spool_dir.empty()) {
      for (const auto& s : sinks_) {
        const auto* old = std::get_if<pipeline::sinks::kafka_options>(&s.config.options);
        if (old != nullptr && old->spool_dir == ko->spool_dir) {
          throw std::runtime_error(fmt::format(
              "sink {}: changed, but its spool directory '{}' stays in use by the running sink "
              "{} until that one stops; restart to apply (or give the new sink another "
              "spool_dir)",
              ns.name, ko->spool_dir, s.config.name));
        }
      }
    }
    try {
      sinks.push_back(start_sink(ns, next.queue_capacity, *t_.metrics));
      ++started;
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("sink {}: {}", ns.name, e.what()));
    }
  }
  if (sinks.empty()) throw std::runtime_error("no output: every sink is off");

  // Enrich rules: checked now, installed once nothing else can fail.
  std::function<void()> install_enrich;
  if (t_.enrich) install_enrich = t_.enrich(next);

  // Users: prepared and swapped in one step (throws before anything changes).
  if (t_.usm != nullptr) t_.usm->set_users(next.users);

  std::vector<std::shared_ptr<pipeline::sink_runner>> runners;
  runners.reserve(sinks.size());
  for (const auto& s : sinks) runners.push_back(s.runner);
  try {
    t_.pipe->reconfigure(
        std::move(runners), next.pipeline,
        std::max<std::chrono::milliseconds>(next.shutdown_deadline, std::chrono::seconds(60)));
  } catch (const std::exception& e) {
    if (t_.usm != nullptr) t_.usm->set_users(running_.users);  // they were accepted before
    throw std::runtime_error(e.what());
  }

  // Nothing can fail from here on.
  t_.communities->store(std::make_shared<const community_policy>(next.communities));
  if (install_enrich) install_enrich();

  std::vector<std::string> removed;
  for (const auto& s : sinks_) {
    bool stays = false;
    for (const auto& n : sinks) stays = stays || n.runner == s.runner;
    if (stays) continue;
    bool replaced = false;
    for (const auto& n : sinks) replaced = replaced || n.config.name == s.config.name;
    if (!replaced) {
      removed.push_back(s.config.name);
      if (t_.queue_gauges) {
        t_.metrics->remove_gauge("trapsink_sink_queue_depth",
                                 fmt::format("sink=\"{}\"", s.config.name));
        t_.metrics->remove_gauge("trapsink_sink_up", fmt::format("sink=\"{}\"", s.config.name));
      }
    }
    spdlog::info("reload: sink {} {}: it stops once its queue is written out", s.config.name,
                 replaced ? "changed" : "removed");
  }
  sinks_ = std::move(sinks);
  register_gauges();

  running_ = std::move(next);
  const auto message = fmt::format(
      "{} sink{} kept, {} started, {} removed; {} route{}; {} user{}; {} communit{}", kept,
      kept == 1 ? "" : "s", started, removed.size(), running_.pipeline.routes.size(),
      running_.pipeline.routes.size() == 1 ? "" : "s", running_.users.size(),
      running_.users.size() == 1 ? "" : "s",
      running_.communities.any_community ? std::size_t{0} : running_.communities.communities.size(),
      running_.communities.any_community             ? "y (any community accepted)"
      : running_.communities.communities.size() == 1 ? "y"
                                                     : "ies");
  spdlog::info("reload: configuration applied: {}", message);
  record_outcome(true, message);
}

}  // namespace trapsink::receiver
