#include "receiver/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <variant>

#include "core/metrics.hpp"
#include "http/event_broadcaster.hpp"
#include "http/http_server.hpp"
#include "mibs/index/index_file.hpp"
#include "mibs/resolver/load.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/record/json_writer.hpp"
#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/jsonl/jsonl_sink.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "pipeline/sinks/sqlite/sqlite_sink.hpp"
#include "receiver/reload.hpp"
#include "receiver/run_as.hpp"
#include "receiver/statistics.hpp"
#include "receiver/udp_listener.hpp"
#include "snmp/engine/local_engine.hpp"
#include "snmp/usm/processor.hpp"

namespace trapsink::receiver {
namespace asio = boost::asio;

server_options default_server_options() {
  server_options o;
  o.listeners = {parse_listen_address("udp:127.0.0.1:1162"),
                 parse_listen_address("udp6:[::1]:1162")};
  o.communities.communities = {{"public", {}}};
  return o;
}

pipeline::sink_runner_options make_runner_options(const sink_settings& s,
                                                  std::size_t global_capacity) {
  pipeline::sink_runner_options r;
  r.queue_capacity = s.queue_capacity.value_or(global_capacity);
  r.overflow = s.overflow;
  r.block_timeout = s.block_timeout;
  r.durable = s.durable;
  return r;
}

std::string_view type_name(const named_sink& s) noexcept {
  constexpr std::array<std::string_view, 3> names{"jsonl", "sqlite", "kafka"};
  return names[s.options.index()];
}

sink_settings default_sink_settings(std::string_view type) {
  sink_settings s;
  s.durable = type == "sqlite" || type == "kafka";
  return s;
}

std::string_view name(pipeline::sink_runner_options::overflow_policy p) noexcept {
  return p == pipeline::sink_runner_options::overflow_policy::block ? "block" : "drop_newest";
}

std::string_view name(inform_ack_mode m) noexcept {
  return m == inform_ack_mode::durable ? "durable" : "accepted";
}

std::size_t effective_receive_shards(std::size_t configured) noexcept {
  if (configured > 0) return configured;
  return std::max(1U, std::thread::hardware_concurrency());
}

namespace {
/// One receive shard: a thread running an io_context that serves one socket per listen address.
struct receive_shard {
  asio::io_context io{1};
  std::vector<std::unique_ptr<udp_listener>> listeners;
  std::thread thread;
};

/// The SQLite database /api/events reads: the top-level sqlite sink, else the first named one.
std::string store_path(const server_options& options) {
  if (options.sqlite) return options.sqlite->path;
  for (const auto& ns : options.sinks) {
    if (const auto* sq = std::get_if<pipeline::sinks::sqlite_options>(&ns.options)) return sq->path;
  }
  return {};
}

/// Start the HTTP listener (docs/http.md) with readiness over the pipeline's runners. Throws
/// std::runtime_error when it cannot bind.
std::unique_ptr<http::http_server> start_http(const http::http_options& ho,
                                              const server_options& options,
                                              core::metrics_registry& metrics,
                                              http::event_broadcaster& stream,
                                              pipeline::dispatcher& pipe,
                                              const std::atomic<bool>& listening) {
  // The queue-depth gauges are the reload_controller's: the set of sinks changes on reload.
  http::server_hooks hooks;
  hooks.ready = [&pipe, &listening] {
    http::readiness r;
    if (!listening.load()) r.problems.emplace_back("listeners: stopped (shutting down)");
    for (const auto& runner : pipe.runners()) {
      if (runner->queued() >= runner->capacity()) {
        r.problems.push_back(
            fmt::format("sink {}: queue full ({} records)", runner->name(), runner->capacity()));
      }
      if (const auto p = runner->health()) {
        std::string since;  // a quoted RFC 3339 time
        pipeline::json::append_time(since, p->since);
        r.problems.push_back(fmt::format("sink {}: {} (since {})", runner->name(), p->error,
                                         std::string_view(since).substr(1, since.size() - 2)));
      }
    }
    r.ready = r.problems.empty();
    return r;
  };
  hooks.sqlite_path = [path = store_path(options)] { return path; };
  auto server = std::make_unique<http::http_server>(ho, metrics, stream, std::move(hooks));
  server->start();
  spdlog::info("HTTP API on http://{}/ ({})", server->bound(),
               ho.token.empty() ? "no token" : "bearer token required");
  return server;
}

/// The enrichment stage: the rules' names resolved with the loaded MIBs (numeric OIDs without),
/// answers named like the record's own varbinds.
std::unique_ptr<pipeline::enricher> make_enricher(const server_options& options,
                                                  const resolver_slot& names,
                                                  core::metrics_registry& metrics,
                                                  std::function<bool(pipeline::record_ptr)> next) {
  std::vector<pipeline::enrich_rule> rules;
  try {
    rules = pipeline::compile_enrich_rules(options.enrich, enrich_resolver(names.load()));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  auto name = [&names](pipeline::record& r) {
    auto res = names.load();
    if (!res || !r.enrichment) return;
    pipeline::record answers;  // name_record names a record's varbinds: lend it the answers
    answers.varbinds = std::move(r.enrichment->varbinds);
    name_record(*res, answers);
    r.enrichment->varbinds = std::move(answers.varbinds);
    r.enrichment->names = std::move(answers.names);
  };
  for (const auto& r : rules) {
    spdlog::info(
        "enrich rule {}: {} trap OID{}, {} OID{} asked on port {} (timeout {}ms, {} "
        "retr{})",
        r.name, r.traps.empty() ? std::string("any") : std::to_string(r.traps.size()),
        r.traps.size() == 1 ? "" : "s", r.get.size(), r.get.size() == 1 ? "" : "s", r.port,
        r.timeout.count(), r.retries, r.retries == 1 ? "y" : "ies");
  }
  return std::make_unique<pipeline::enricher>(options.enrich_options, std::move(rules),
                                              std::move(next), name, metrics);
}

/// The MIB index a configuration names: its mib_index, else the bundled index; none for
/// mib_index: none.
std::optional<std::filesystem::path> mib_index_path(const server_options& options) {
  if (options.mib_index == mib_index_disabled) return std::nullopt;
  if (!options.mib_index.empty()) return std::filesystem::path(options.mib_index);
  return mibs::bundled_index_path();
}

/// Write the process ID (for `trapsink reload` and init systems). Throws std::runtime_error.
void write_pid_file(const std::string& path) {
  if (path.empty()) return;
  std::ofstream f(path, std::ios::trunc);
  f << ::getpid() << '\n';
  f.flush();
  if (!f) throw std::runtime_error("cannot write the pid file '" + path + "'");
}

}  // namespace

pipeline::enrich_resolve_fn enrich_resolver(std::shared_ptr<const mibs::resolver> names) {
  return [names](std::string_view text, std::string& why) -> std::optional<snmp::ber::oid> {
    std::string_view t = text;
    if (!t.empty() && t.front() == '.') t.remove_prefix(1);
    if (auto id = snmp::ber::oid::parse(t)) return id;
    if (!names) {
      why = "no MIB index is loaded to resolve names";
      return std::nullopt;
    }
    auto arcs = names->parse(text, &why);
    if (!arcs) return std::nullopt;
    return snmp::ber::oid(std::move(*arcs));
  };
}

int run_server(const server_options& options, options_source reload) {
  core::metrics_registry metrics;
  // user: noted before the sinks create their files; completed once everything is bound.
  auto run_as = prepare_run_as(options);

  // Sinks first: a sink that cannot start (unwritable file) fails before we listen.
  std::vector<running_sink> sinks;
  for (const auto& ns : configured_sinks(options)) {
    sinks.push_back(start_sink(ns, options.queue_capacity, metrics));
  }
  if (sinks.empty()) {
    throw std::runtime_error(
        "no output: JSON lines are off (--jsonl none) and neither a SQLite "
        "database (--sqlite FILE) nor Kafka (--kafka-brokers) is given");
  }
  std::unique_ptr<pipeline::dispatcher> pipe_ptr;
  try {
    std::vector<std::shared_ptr<pipeline::sink_runner>> runners;
    for (const auto& rs : sinks) runners.push_back(rs.runner);
    pipe_ptr =
        std::make_unique<pipeline::dispatcher>(std::move(runners), options.pipeline, metrics);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  pipeline::dispatcher& pipe = *pipe_ptr;

  // The HTTP stream (/api/events/stream) sees every record the pipeline accepted.
  std::unique_ptr<http::event_broadcaster> stream;
  if (options.http) {
    stream = std::make_unique<http::event_broadcaster>(metrics, 4096,
                                                       options.http->stream_client_buffer);
  }
  auto accept = [&pipe, &stream](pipeline::record_ptr rec) {
    const bool ok = pipe.accept(rec);
    if (ok && stream) stream->publish(rec);
    return ok;
  };
  // SNMPv3: trapsink's engine identity (boots incremented at every start) and the USM users.
  auto state = snmp::engine::load_engine_state(options.state_dir, options.engine_id);
  snmp::usm::processor::options usm_options;
  usm_options.key_cache_size = options.key_cache_size;
  usm_options.remote_engine_limit = options.remote_engine_limit;
  std::unique_ptr<snmp::usm::processor> usm;
  try {
    usm = std::make_unique<snmp::usm::processor>(
        snmp::engine::local_engine(state.engine_id, state.boots), options.users, metrics,
        usm_options);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  spdlog::info("SNMPv3 engine ID {} (boots {}{}), {} user{}", snmp::engine::to_hex(state.engine_id),
               state.boots, state.generated ? ", newly generated" : "", options.users.size(),
               options.users.size() == 1 ? "" : "s");
  if (!state.persisted && !options.users.empty()) {
    spdlog::warn(
        "no state directory (--state-dir): the SNMPv3 engine {} and its boots are not "
        "kept across restarts{}",
        options.engine_id ? "ID is the configured one" : "ID is new at every start",
        options.engine_id ? ", so boots stay 1 (informs sent before a restart could be "
                            "replayed within 150 s)"
                          : "; inform senders rediscover it");
  }

  // MIBs: the configured index, else the bundled one, else none (records stay numeric).
  resolver_slot names;
  std::optional<std::filesystem::path> mib_index = mib_index_path(options);
  auto load_names = [&](std::string_view why) {
    const auto started = std::chrono::steady_clock::now();
    auto r = mibs::load_resolver(*mib_index);
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    spdlog::info("{}MIB index {}: {} modules, {} nodes, loaded in {:.1f} ms", why,
                 mib_index->string(), r->set().modules.size(), r->size(), ms);
    names.store(std::move(r));
  };
  if (mib_index) {
    try {
      load_names("");
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("cannot load the MIB index: ") + e.what() +
                               " (compile one with 'trapsink mib compile DIR... -o FILE', or "
                               "remove --mib-index / mib_index)");
    }
  } else if (options.mib_index == mib_index_disabled) {
    spdlog::info("MIB names off (mib_index: none): records carry numeric OIDs only");
  } else {
    spdlog::warn(
        "no MIB index (no --mib-index and no bundled index found): records carry "
        "numeric OIDs only");
  }

  notification_receiver::options receiver_options;
  receiver_options.names = &names;
  receiver_options.inform_dedup_window = options.inform_dedup_window;
  receiver_options.durable_ack = options.inform_ack == inform_ack_mode::durable;
  // Enrichment (docs/configuration.md "Enrichment"): between the receiver and the dispatcher.
  std::unique_ptr<pipeline::enricher> enrich;
  if (!options.enrich.empty()) enrich = make_enricher(options, names, metrics, accept);
  std::function<bool(pipeline::record_ptr)> to_pipeline = accept;
  if (enrich) {
    to_pipeline = [&enrich](pipeline::record_ptr rec) { return enrich->accept(rec); };
  }

  notification_receiver receiver(metrics, to_pipeline, receiver_options, usm.get());
  {
    std::string durable;
    for (const auto& r : pipe.runners()) {
      if (r->durable()) durable += (durable.empty() ? "" : ", ") + r->name();
    }
    if (receiver_options.durable_ack) {
      spdlog::info("inform_ack durable: informs are acknowledged once durable in: {}", durable);
    } else {
      spdlog::info("inform_ack accepted: informs are acknowledged once queued for every sink");
    }
  }

  asio::io_context io(1);
  // Receive shards: each has its own io_context and thread and one socket per listen address
  // (SO_REUSEPORT). What they share is thread-safe: the notification receiver (inform dedup,
  // the USM processor's caches, log limiting), the counters, the dispatcher.
  const std::size_t shard_count = effective_receive_shards(options.receive_shards);
  std::vector<std::unique_ptr<receive_shard>> shards;
  for (std::size_t i = 0; i < shard_count; ++i) shards.push_back(std::make_unique<receive_shard>());
  // The communities every listener reads; a reload replaces them.
  auto communities = std::make_shared<core::swap_slot<community_policy>>(
      std::make_shared<const community_policy>(options.communities));
  listener_socket_options socket_options;
  socket_options.receive_buffer = options.receive_buffer;
  socket_options.reuse_port = shard_count > 1;
  for (const auto& address : options.listeners) {
    listen_address bind_to = address;
    for (std::size_t i = 0; i < shard_count; ++i) {
      auto l = std::make_unique<udp_listener>(shards[i]->io, bind_to, communities, receiver,
                                              metrics, socket_options);
      // Port 0: the further shards bind the port the kernel chose for the first.
      if (i == 0) bind_to = l->bound();
      shards[i]->listeners.push_back(std::move(l));
    }
    const auto& first = *shards[0]->listeners.back();
    spdlog::info("listening on {} ({} receive shard{}, receive buffer {} bytes)",
                 first.bound().to_string(), shard_count, shard_count == 1 ? "" : "s",
                 first.receive_buffer());
    // The kernel caps the request at net.core.rmem_max.
    if (options.receive_buffer > 0 && first.receive_buffer() < options.receive_buffer) {
      spdlog::warn(
          "{}: asked for a receive buffer of {} bytes, the kernel granted {}: net.core.rmem_max "
          "caps it; bursts beyond it are dropped by the kernel (counted as "
          "trapsink_listener_kernel_drops_total). Raise it: sysctl -w net.core.rmem_max={}",
          first.bound().to_string(), options.receive_buffer, first.receive_buffer(),
          options.receive_buffer);
    }
  }
  // Configuration reload (SIGHUP): communities, users, routes, stages and sinks.
  reload_controller::targets reload_targets;
  reload_targets.metrics = &metrics;
  reload_targets.pipe = &pipe;
  reload_targets.communities = communities.get();
  reload_targets.usm = usm.get();
  reload_targets.queue_gauges = options.http.has_value();
  reload_targets.enrich = [&enrich, &names](server_options& next) -> std::function<void()> {
    if (!enrich) {
      if (!next.enrich.empty()) {
        spdlog::warn(
            "reload: 'enrich' rules added, but serve started without any; restart to apply");
        next.enrich.clear();
      }
      return {};
    }
    // Names resolve with the MIB index loaded now (a new mib_index applies after the reload).
    auto rules = std::make_shared<std::vector<pipeline::enrich_rule>>();
    try {
      *rules = pipeline::compile_enrich_rules(next.enrich, enrich_resolver(names.load()));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    return [&enrich, rules] {
      spdlog::info("reload: {} enrich rule{}", rules->size(), rules->size() == 1 ? "" : "s");
      enrich->set_rules(std::move(*rules));
    };
  };
  const bool can_reload = static_cast<bool>(reload);
  reload_controller reloader(options, std::move(sinks), std::move(reload), reload_targets);
  reloader.register_gauges();
  write_pid_file(options.pid_file);

  std::atomic<bool> listening{true};
  std::unique_ptr<http::http_server> http_server;
  if (options.http)
    http_server = start_http(*options.http, options, metrics, *stream, pipe, listening);
  if (run_as) run_as->complete();
  if (options.communities.any_community) {
    spdlog::info("accepting any community");
  } else {
    spdlog::info("accepting {} communit{}", options.communities.communities.size(),
                 options.communities.communities.size() == 1 ? "y" : "ies");
  }

  // Summaries of what dedup and rate limiting held back, once a second.
  asio::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      pipe.tick();
      tick();
    });
  };
  tick();

  // SIGHUP: reopen the JSON-lines files (logrotate moved them), reload the configuration (a
  // bad one is refused and the running one stays) and reload the MIB index (a bad index is
  // refused and the loaded one stays).
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      service::reopen_log_file();
      bool reopened = false;
      for (const auto& rs : reloader.sinks()) {
        if (rs.jsonl_file == nullptr) continue;
        spdlog::info("SIGHUP: reopening {}", rs.jsonl_file->path());
        rs.jsonl_file->request_reopen();
        reopened = true;
      }
      if (!reopened) spdlog::info("SIGHUP: no JSON-lines file to reopen");
      if (can_reload) {
        spdlog::info("SIGHUP: reloading the configuration");
        if (reloader.reload()) {
          auto next = mib_index_path(reloader.options());
          if (next != mib_index) {
            mib_index = next;
            if (!mib_index) {
              names.store(nullptr);
              spdlog::info("MIB names off: records carry numeric OIDs only");
            }
          }
        }
      }
      if (mib_index) {
        try {
          load_names("SIGHUP: reloaded ");
        } catch (const std::exception& e) {
          spdlog::error("SIGHUP: the MIB index is refused, the loaded one stays: {}", e.what());
        }
      }
      on_hangup();
    });
  };
  on_hangup();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    spdlog::info("received {}, stopping", signo == SIGINT ? "SIGINT" : "SIGTERM");
    // Stop receiving, but keep the sockets open: acknowledgements that the durable sinks
    // confirm while the queues drain still go out (below). Each shard stops on its own thread.
    for (auto& sh : shards) {
      asio::post(sh->io, [&sh = *sh] {
        for (auto& l : sh.listeners) l->stop_receiving();
        sh.io.stop();
      });
    }
    listening = false;
    ticker.cancel();
    hangup.cancel();
    io.stop();
  });
  // The shards start last: nothing above may throw once their threads run.
  for (auto& sh : shards) {
    for (auto& l : sh->listeners) l->start();
    sh->thread = std::thread([&sh = *sh] {
      for (;;) {
        try {
          sh.io.run();
          return;
        } catch (const std::exception& e) {  // not expected: the receiver never throws
          spdlog::error("receive shard: {}", e.what());
        }
      }
    });
  }
  io.run();
  for (auto& sh : shards) sh->thread.join();

  // Staged shutdown: nothing is received any more; write out what is queued, then flush; send
  // the acknowledgements confirmed meanwhile (posted to the shards by the runners); count the
  // kernel's last drops and close the sockets.
  // Records waiting for an agent's answer go on (marked when they must) before the sinks stop.
  if (enrich) enrich->stop(options.shutdown_deadline);
  pipe.stop(options.shutdown_deadline);
  for (auto& sh : shards) {
    sh->io.restart();
    sh->io.poll();
    for (auto& l : sh->listeners) l->close();
  }
  if (http_server) http_server->stop();
  if (!options.pid_file.empty()) {
    std::error_code ec;
    std::filesystem::remove(options.pid_file, ec);
    std::filesystem::remove(reload_status_path(options.pid_file), ec);
  }
  spdlog::info("stopped; counters: {}", summary_line(metrics));
  return 0;
}

}  // namespace trapsink::receiver
