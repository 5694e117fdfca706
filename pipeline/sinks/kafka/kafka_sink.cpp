// The Kafka sink (kafka_sink.hpp, docs/kafka.md).
//
// Threads: write() and flush() run on the sink_runner's thread; with a spool, a replay thread
// drains it. Whoever produces or polls librdkafka holds kafka_mu, so the delivery-report
// callback (served by rd_kafka_poll/flush on the calling thread) always runs under it.
// Each produced message carries an opaque tag naming its owner (the direct batch or the replay
// round), the generation of that batch and its index; a report for an older generation (a
// batch the runner gave up on) is counted but touches no state.
#include "pipeline/sinks/kafka/kafka_sink.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log_limiter.hpp"
#include "pipeline/sinks/kafka/kafka_spool.hpp"
#include "pipeline/sinks/kafka/message_template.hpp"

#ifndef TRAPSINK_VERSION
#define TRAPSINK_VERSION "unknown"
#endif

namespace trapsink::pipeline::sinks {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// Properties the sink sets itself, with what a user-given value must be (empty: forbidden).
struct reserved_property {
  const char* name;
  std::vector<std::string> allowed;
  const char* why;
};

const std::vector<reserved_property>& reserved_properties() {
  static const std::vector<reserved_property> r = {
      {"bootstrap.servers", {}, "set it with the sink's 'brokers' option"},
      {"metadata.broker.list", {}, "set it with the sink's 'brokers' option"},
      {"enable.idempotence", {"true"}, "the sink always uses the idempotent producer"},
      {"acks", {"all", "-1"}, "the sink always waits for all in-sync replicas (acks=all)"},
      {"request.required.acks",
       {"all", "-1"},
       "the sink always waits for all in-sync replicas (acks=all)"},
      {"transactional.id", {}, "the sink does not use transactions"},
  };
  return r;
}

/// Delivery errors that no retry can fix: the message itself is unacceptable.
bool permanent(rd_kafka_resp_err_t e) noexcept {
  switch (e) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

/// A hint for errors an operator must act on (empty if none).
std::string_view hint(rd_kafka_resp_err_t e) noexcept {
  switch (e) {
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return " (the topic does not exist and the brokers do not create it: create the topic; "
             "the sink keeps retrying)";
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return " (grant this client Write on the topic; the sink keeps retrying)";
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return " (raise message.max.bytes on the producer and max.message.bytes on the topic)";
    default:
      return {};
  }
}

/// Messages of one direct batch or replay round, and how far each got.
enum class slot_state : std::uint8_t { pending, in_flight, delivered, failed, dropped };

struct slot {
  slot_state state = slot_state::pending;
  bool possibly_persisted = false;  ///< the last failure may have left it written
};

/// The opaque tag of a message: bit 63 replay, bits 32..62 generation, bits 0..31 index.
void* make_tag(bool replay, std::uint32_t gen, std::size_t index) {
  const std::uint64_t t = (replay ? (1ull << 63) : 0) |
                          (static_cast<std::uint64_t>(gen & 0x7fffffffu) << 32) |
                          static_cast<std::uint64_t>(index & 0xffffffffu);
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(t));
}

/// Counter indexes.
enum counter_id : std::size_t {
  c_produced,
  c_delivered,
  c_failed,
  c_dropped,
  c_dups,
  c_spooled,
  c_replayed,
  c_spool_full,
  c_count
};

constexpr std::array<std::pair<const char*, const char*>, c_count> counter_names = {{
    {"trapsink_kafka_produced_total", "Messages handed to librdkafka, re-productions included."},
    {"trapsink_kafka_delivered_total", "Messages the Kafka brokers acknowledged."},
    {"trapsink_kafka_delivery_failed_total",
     "Delivery reports with a transient error (the message is produced again)."},
    {"trapsink_kafka_dropped_total", "Messages given up for a permanent error."},
    {"trapsink_kafka_possible_duplicates_total",
     "Messages produced again after a failure that may have left them written."},
    {"trapsink_kafka_spooled_total", "Messages written to the Kafka sink's disk spool."},
    {"trapsink_kafka_replayed_total", "Messages delivered from the Kafka sink's disk spool."},
    {"trapsink_kafka_spool_full_total", "Batches refused (retry) because the spool was full."},
}};

/// librdkafka's log levels (syslog) onto spdlog's.
spdlog::level::level_enum log_level(int level) {
  if (level <= 3) return spdlog::level::err;
  if (level == 4) return spdlog::level::warn;
  if (level <= 6) return spdlog::level::info;
  return spdlog::level::debug;
}

}  // namespace

struct kafka_sink::impl {
  kafka_options opt;
  std::string instance;
  message_template topic_tmpl;
  message_template key_tmpl;

  std::array<core::counter, c_count> own{};
  std::array<core::counter*, c_count> ctr{};
  core::log_limiter drop_limiter{5};
  core::log_limiter error_limiter{2};
  core::log_limiter log_limiter{5};

  rd_kafka_conf_t* conf_template = nullptr;  ///< duplicated for every producer created
  rd_kafka_t* rk = nullptr;
  std::unordered_map<std::string, rd_kafka_topic_t*> topics;
  std::atomic<bool> fatal{false};

  /// No broker reachable (or a fatal error): reported by problem() until a message is
  /// delivered or the brokers answer a metadata request again.
  mutable std::mutex health_mu;
  std::optional<sink_problem> down;  ///< guarded by health_mu
  std::atomic<bool> is_down{false};  ///< down is set (checked on every delivery)
  void set_down(std::string why) noexcept;
  void clear_down() noexcept;

  /// Held by whoever produces to or polls librdkafka.
  std::mutex kafka_mu;

  // The direct batch (runner thread).
  std::vector<slot> slots;
  std::uint32_t generation = 0;
  std::size_t in_flight = 0;
  const record* batch_first = nullptr;
  std::string batch_first_id;
  std::size_t batch_size = 0;
  bool diverting = false;  ///< the batch is on its way to the spool
  std::string last_error;  ///< the latest transient failure, for the retry log
  bool failing = false;
  std::uint64_t burst = 0;

  // The replay round (replay thread).
  std::vector<slot> rslots;
  std::uint32_t rgeneration = 0;
  std::size_t r_in_flight = 0;
  bool replay_failing = false;

  // Scratch space for one message (runner thread).
  spooled_message scratch;
  /// flush() timed out: the destructor does not wait a second time.
  bool flush_gave_up = false;

  // The spool.
  std::unique_ptr<kafka_spool> spool;
  std::mutex spool_mu;
  std::condition_variable spool_cv;
  bool spooling = false;  ///< guarded by spool_mu
  std::atomic<bool> stopping{false};
  std::thread replay_thread;

  impl(kafka_options o, core::metrics_registry* metrics, std::string inst);
  ~impl();

  void count(counter_id c, std::uint64_t n = 1) noexcept { ctr[c]->inc(n); }

  // --- producer lifecycle ---
  void create_producer();
  void destroy_producer();
  void recreate_after_fatal();
  void renew_after_purge();
  rd_kafka_topic_t* topic_handle(const std::string& name);
  void refresh_topic(const std::string& name);

  // --- callbacks ---
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf);
  void delivery(const rd_kafka_message_t* m);

  // --- messages ---
  void build(const record& r, spooled_message& m) const;
  rd_kafka_resp_err_t produce(const spooled_message& m, void* tag);

  // --- the direct path ---
  write_result write_direct(std::span<const record_ptr> batch);
  bool same_batch(std::span<const record_ptr> batch) const;
  void start_batch(std::span<const record_ptr> batch);
  void produce_pending(std::span<const record_ptr> batch, clock::time_point deadline);
  void wait_reports(const std::size_t& outstanding, clock::time_point deadline);
  write_result divert_to_spool(std::span<const record_ptr> batch);
  bool take_back_queued(const std::size_t& outstanding, milliseconds limit);
  void end_batch();

  // --- the spool path ---
  std::optional<write_result> write_spool(std::span<const record_ptr> batch);
  void replay_loop();
  bool replay_round(std::vector<spooled_message>& msgs);
  bool broker_reachable();
};

// --- construction ---------------------------------------------------------------------------

namespace {

/// A librdkafka configuration from the options (throws std::runtime_error naming the
/// property). The caller owns the result.
rd_kafka_conf_t* make_conf(const kafka_options& o) {
  if (o.brokers.empty()) {
    throw std::runtime_error("kafka sink: no brokers given (host:port[,host:port...])");
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error("kafka sink: property '" + k + "': " + err);
    }
  };
  set("bootstrap.servers", o.brokers);
  set("client.id", "trapsink");
  set("enable.idempotence", "true");
  set("acks", "all");
  // The Java client's partitioner: a key lands in the same partition from either client.
  set("partitioner", "murmur2_random");
  // Never give a message up for time: the idempotent producer keeps retrying it, in order and
  // without duplicates, for as long as the process lives (the runner's retry and the spool
  // decide what happens meanwhile). A user-given message.timeout.ms overrides this.
  set("message.timeout.ms", "0");
  set("linger.ms", "5");
  // Record JSON is repetitive: lz4 shrinks it at little CPU cost, and with it the brokers'
  // work (docs/kafka.md, "Performance"). compression.type in `properties` overrides it.
  set("compression.type", "lz4");
  set("log.connection.close", "false");
  for (const auto& [k, v] : o.properties) {
    for (const auto& r : reserved_properties()) {
      if (k != r.name) continue;
      bool ok = false;
      for (const auto& a : r.allowed) ok = ok || v == a;
      if (!ok) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error("kafka sink: property '" + k + "' cannot be set to '" + v +
                                 "': " + r.why);
      }
    }
    if (k == "bootstrap.servers" || k == "metadata.broker.list") continue;
    set(k, v);
  }
  return conf;
}

void check_templates(const kafka_options& o, message_template& topic, message_template& key) {
  try {
    topic = message_template(o.topic, "kafka topic");
    key = message_template(o.key, "kafka key");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("kafka sink: ") + e.what());
  }
  if (o.topic.empty()) throw std::runtime_error("kafka sink: empty topic");
  if (topic.is_static() && !is_valid_topic_name(topic.text())) {
    throw std::runtime_error("kafka sink: topic '" + o.topic +
                             "' is not a valid Kafka topic name (1 to 249 characters of "
                             "A-Z a-z 0-9 . _ -)");
  }
  if (o.delivery_wait.count() <= 0) {
    throw std::runtime_error("kafka sink: delivery_wait must be positive");
  }
  if (!o.spool_dir.empty() && o.spool_max_bytes < 64 * 1024) {
    throw std::runtime_error("kafka sink: spool_max_bytes must be at least 65536");
  }
}

}  // namespace

void kafka_sink::validate(const kafka_options& options) {
  message_template t, k;
  check_templates(options, t, k);
  rd_kafka_conf_destroy(make_conf(options));
}

kafka_sink::impl::impl(kafka_options o, core::metrics_registry* metrics, std::string inst)
    : opt(std::move(o)), instance(std::move(inst)) {
  for (std::size_t i = 0; i < c_count; ++i) {
    ctr[i] = metrics != nullptr ? &metrics->get(counter_names[i].first, "sink=\"" + instance + "\"",
                                                counter_names[i].second)
                                : &own[i];
  }
  check_templates(opt, topic_tmpl, key_tmpl);
  conf_template = make_conf(opt);
  rd_kafka_conf_set_opaque(conf_template, this);
  rd_kafka_conf_set_dr_msg_cb(conf_template, &impl::on_delivery);
  rd_kafka_conf_set_error_cb(conf_template, &impl::on_error);
  rd_kafka_conf_set_log_cb(conf_template, &impl::on_log);
  try {
    create_producer();
    if (!opt.spool_dir.empty()) {
      spool = std::make_unique<kafka_spool>(opt.spool_dir, opt.spool_max_bytes);
      if (!spool->empty()) {
        spdlog::info(
            "kafka sink: {} byte(s) left in the spool '{}'; replaying them before new "
            "records",
            spool->bytes(), opt.spool_dir);
        spooling = true;
      }
      replay_thread = std::thread([this] { replay_loop(); });
    }
  } catch (const std::system_error& e) {
    destroy_producer();
    rd_kafka_conf_destroy(conf_template);
    throw std::runtime_error(std::string("kafka sink: ") + e.what());
  } catch (...) {
    destroy_producer();
    rd_kafka_conf_destroy(conf_template);
    throw;
  }
}

kafka_sink::impl::~impl() {
  {
    std::lock_guard lock(spool_mu);
    stopping = true;
  }
  spool_cv.notify_all();
  if (replay_thread.joinable()) replay_thread.join();
  {
    std::lock_guard lock(kafka_mu);
    if (rk != nullptr) {
      if (!flush_gave_up) rd_kafka_flush(rk, static_cast<int>(opt.flush_timeout.count()));
      const int left = rd_kafka_outq_len(rk);
      if (left > 0) {
        spdlog::error("kafka sink: {} message(s) still undelivered at shutdown; abandoned", left);
      }
    }
    destroy_producer();
  }
  if (spool) spool->sync();
  rd_kafka_conf_destroy(conf_template);
}

void kafka_sink::impl::create_producer() {
  rd_kafka_conf_t* conf = rd_kafka_conf_dup(conf_template);
  char err[512];
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("kafka sink: cannot create the producer: ") + err);
  }
  fatal = false;
}

void kafka_sink::impl::destroy_producer() {
  if (rk == nullptr) return;
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(rk, 0);  // the purged messages' reports
  for (auto& [name, t] : topics) rd_kafka_topic_destroy(t);
  topics.clear();
  rd_kafka_destroy(rk);
  rk = nullptr;
}

void kafka_sink::impl::recreate_after_fatal() {
  char err[512] = "";
  rd_kafka_fatal_error(rk, err, sizeof err);
  spdlog::error(
      "kafka sink: the producer hit a fatal error ({}); creating a new one; messages "
      "not yet acknowledged are produced again (possible duplicates are counted)",
      err);
  destroy_producer();  // the reports mark the outstanding messages failed
  in_flight = 0;
  r_in_flight = 0;
  for (auto* v : {&slots, &rslots}) {
    for (auto& s : *v) {
      if (s.state == slot_state::in_flight) {
        s.state = slot_state::failed;
        s.possibly_persisted = true;
      }
    }
  }
  create_producer();
}

void kafka_sink::impl::renew_after_purge() {
  // Purged messages leave a gap in the idempotent producer's sequence numbers, which the broker
  // answers with OUT_OF_ORDER_SEQUENCE_NUMBER (librdkafka then bumps the producer epoch). A
  // new producer, with a new producer id, starts without a gap. Only when nothing is
  // outstanding: a message still held would be lost with the old producer.
  rd_kafka_poll(rk, 0);
  if (rd_kafka_outq_len(rk) > 0) return;
  destroy_producer();
  create_producer();
  spdlog::debug("kafka sink: new producer after taking messages back");
}

void kafka_sink::impl::refresh_topic(const std::string& name) {
  // librdkafka remembers a topic it was told does not exist and only asks again at its
  // periodic refresh (topic.metadata.refresh.interval.ms, 5 minutes); ask now, so a topic an
  // operator has just created is used on the next retry.
  rd_kafka_topic_t* t = topic_handle(name);
  if (t == nullptr) return;
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_metadata(rk, 0, t, &md,
                    static_cast<int>(std::min<long long>(opt.delivery_wait.count(), 1000)));
  if (md != nullptr) rd_kafka_metadata_destroy(md);
}

rd_kafka_topic_t* kafka_sink::impl::topic_handle(const std::string& name) {
  if (auto it = topics.find(name); it != topics.end()) return it->second;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  if (t == nullptr) return nullptr;
  topics.emplace(name, t);
  return t;
}

// --- callbacks ------------------------------------------------------------------------------

void kafka_sink::impl::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  static_cast<impl*>(opaque)->delivery(m);
}

void kafka_sink::impl::delivery(const rd_kafka_message_t* m) {
  const auto tag = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m->_private));
  const bool replay = (tag >> 63) != 0;
  const auto gen = static_cast<std::uint32_t>((tag >> 32) & 0x7fffffffu);
  const auto index = static_cast<std::size_t>(tag & 0xffffffffu);
  const rd_kafka_resp_err_t err = m->err;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count(c_delivered);
    if (replay) count(c_replayed);
    if (is_down.load(std::memory_order_relaxed)) clear_down();
  } else if (permanent(err)) {
    count(c_dropped);
    std::uint64_t suppressed = 0;
    if (drop_limiter.allow(suppressed)) {
      spdlog::error(
          "kafka sink: a message to topic '{}' was rejected: {}{}; dropped (counted in "
          "trapsink_kafka_dropped_total){}",
          rd_kafka_topic_name(m->rkt), rd_kafka_err2str(err), hint(err),
          suppressed > 0 ? fmt::format("; {} similar line(s) suppressed", suppressed)
                         : std::string{});
    }
  } else {
    count(c_failed);
    // A purge is the sink's own doing; keep the error that led to it for the logs.
    if (err != RD_KAFKA_RESP_ERR__PURGE_QUEUE && err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
      last_error = std::string(rd_kafka_err2str(err)) + std::string(hint(err));
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) fatal = true;
  }
  auto& v = replay ? rslots : slots;
  const std::uint32_t current = replay ? rgeneration : generation;
  if ((gen != (current & 0x7fffffffu)) || index >= v.size()) return;  // an abandoned batch
  slot& s = v[index];
  if (s.state != slot_state::in_flight) return;
  (replay ? r_in_flight : in_flight) -= 1;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    s.state = slot_state::delivered;
  } else if (permanent(err)) {
    s.state = slot_state::dropped;
  } else {
    s.state = slot_state::failed;
    s.possibly_persisted = rd_kafka_message_status(m) != RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
  }
}

void kafka_sink::impl::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<impl*>(opaque);
  const auto e = static_cast<rd_kafka_resp_err_t>(err);
  if (e == RD_KAFKA_RESP_ERR__FATAL) {
    self->fatal = true;
    char buf[512] = "";
    rd_kafka_fatal_error(rk, buf, sizeof buf);
    spdlog::error("kafka sink: fatal producer error: {}", buf);
    self->set_down(std::string("fatal producer error: ") + buf);
    return;
  }
  if (e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    self->set_down("no broker reachable (" + self->opt.brokers + "): " + reason);
  }
  std::uint64_t suppressed = 0;
  if (self->error_limiter.allow(suppressed)) {
    spdlog::warn("kafka sink: {}{}", reason,
                 suppressed > 0 ? fmt::format(" ({} similar line(s) suppressed)", suppressed)
                                : std::string{});
  }
}

void kafka_sink::impl::on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* self = static_cast<impl*>(rd_kafka_opaque(rk));
  // Connection failures reach the error callback too; log them once, there.
  const auto lvl = std::string_view(fac) == "FAIL" ? spdlog::level::debug : log_level(level);
  if (lvl >= spdlog::level::info || self == nullptr) {
    spdlog::log(lvl, "kafka sink: librdkafka {}: {}", fac, buf);
    return;
  }
  std::uint64_t suppressed = 0;
  if (self->log_limiter.allow(suppressed)) {
    spdlog::log(lvl, "kafka sink: librdkafka {}: {}", fac, buf);
  }
}

// --- messages -------------------------------------------------------------------------------

void kafka_sink::impl::build(const record& r, spooled_message& m) const {
  m.topic.clear();
  topic_tmpl.expand(r, m.topic);
  if (!topic_tmpl.is_static()) sanitize_topic_name(m.topic);
  if (key_tmpl.empty()) {
    m.key.reset();
  } else {
    if (!m.key) m.key.emplace();
    m.key->clear();
    key_tmpl.expand(r, *m.key);
  }
  m.timestamp_ms = std::chrono::duration_cast<milliseconds>(r.time.time_since_epoch()).count();
  if (opt.headers) {
    m.headers.resize(4);
    m.headers[0].first = "trapsink-version";
    m.headers[0].second = TRAPSINK_VERSION;
    m.headers[1].first = "trapsink-id";
    m.headers[1].second = r.id;
    m.headers[2].first = "trapsink-trap-oid";
    m.headers[2].second = r.trap_oid;
    m.headers[3].first = "trapsink-snmp-version";
    m.headers[3].second = r.version;
  } else {
    m.headers.clear();
  }
  m.value.clear();
  append_json(r, m.value);
}

rd_kafka_resp_err_t kafka_sink::impl::produce(const spooled_message& m, void* tag) {
  rd_kafka_topic_t* t = topic_handle(m.topic);
  if (t == nullptr) return rd_kafka_last_error();
  std::array<rd_kafka_vu_t, 9> vu{};
  std::size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_RKT;
  vu[n++].u.rkt = t;
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = RD_KAFKA_PARTITION_UA;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = const_cast<char*>(m.value.data());
  vu[n++].u.mem.size = m.value.size();
  if (m.key) {
    vu[n].vtype = RD_KAFKA_VTYPE_KEY;
    vu[n].u.mem.ptr = const_cast<char*>(m.key->data());
    vu[n++].u.mem.size = m.key->size();
  }
  vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  vu[n++].u.i64 = m.timestamp_ms;
  vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu[n++].u.ptr = tag;
  // A headers list of our own (VTYPE_HEADERS), not VTYPE_HEADER entries: librdkafka 2.0
  // frees the list it builds from VTYPE_HEADER twice when the partitioner fails (an unknown
  // topic). Ours is the message's on success and stays ours on failure.
  rd_kafka_headers_t* hdrs = nullptr;
  if (!m.headers.empty()) {
    hdrs = rd_kafka_headers_new(m.headers.size());
    for (const auto& [name, val] : m.headers) {
      rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), val.data(),
                          static_cast<ssize_t>(val.size()));
    }
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = hdrs;
  }
  rd_kafka_error_t* e = rd_kafka_produceva(rk, vu.data(), n);
  if (e == nullptr) {
    count(c_produced);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
  const rd_kafka_resp_err_t code = rd_kafka_error_code(e);
  rd_kafka_error_destroy(e);
  return code;
}

// --- the direct path ------------------------------------------------------------------------

bool kafka_sink::impl::same_batch(std::span<const record_ptr> batch) const {
  const record* first = batch.empty() ? nullptr : batch.front().get();
  // The runner's retry passes the same records; an address alone could be reused by a new
  // record once a batch was given up, so the id is compared too.
  return batch_first != nullptr && first == batch_first && batch.size() == batch_size &&
         first->id == batch_first_id;
}

void kafka_sink::impl::start_batch(std::span<const record_ptr> batch) {
  ++generation;
  slots.assign(batch.size(), slot{});
  in_flight = 0;
  batch_first = batch.empty() ? nullptr : batch.front().get();
  batch_first_id = batch_first != nullptr ? batch_first->id : std::string{};
  batch_size = batch.size();
  diverting = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i]) slots[i].state = slot_state::delivered;  // nothing to write
  }
}

void kafka_sink::impl::end_batch() {
  batch_first = nullptr;
  batch_size = 0;
  diverting = false;
  slots.clear();
  in_flight = 0;
}

void kafka_sink::impl::produce_pending(std::span<const record_ptr> batch,
                                       clock::time_point deadline) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    slot& s = slots[i];
    if (s.state != slot_state::pending && s.state != slot_state::failed) continue;
    build(*batch[i], scratch);
    for (;;) {
      const rd_kafka_resp_err_t err = produce(scratch, make_tag(false, generation, i));
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (s.possibly_persisted) count(c_dups);
        s = slot{slot_state::in_flight, false};
        ++in_flight;
        break;
      }
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && clock::now() < deadline) {
        rd_kafka_poll(rk, 10);  // serve reports so the queue drains
        continue;
      }
      if (permanent(err)) {
        count(c_dropped);
        s.state = slot_state::dropped;
        std::uint64_t suppressed = 0;
        if (drop_limiter.allow(suppressed)) {
          spdlog::error(
              "kafka sink: record {} cannot be produced to topic '{}': {}{}; dropped "
              "(counted in trapsink_kafka_dropped_total)",
              batch[i]->id, scratch.topic, rd_kafka_err2str(err), hint(err));
        }
        break;
      }
      // Transient (queue still full, unknown topic, fatal): keep the order — produce nothing
      // after this message now; the retried write continues here.
      s.state = slot_state::failed;
      last_error = std::string(rd_kafka_err2str(err)) + std::string(hint(err));
      if (err == RD_KAFKA_RESP_ERR__FATAL) fatal = true;
      if (err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) refresh_topic(scratch.topic);
      return;
    }
  }
}

void kafka_sink::impl::wait_reports(const std::size_t& outstanding, clock::time_point deadline) {
  // rd_kafka_flush sends what is queued at once (ignoring linger.ms) and serves the reports.
  while (outstanding > 0 && !fatal) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now());
    if (left.count() <= 0) break;
    rd_kafka_flush(rk, static_cast<int>(std::min<long long>(left.count(), 100)));
    if (stopping && &outstanding == &r_in_flight) break;
  }
}

bool kafka_sink::impl::take_back_queued(const std::size_t& outstanding, milliseconds limit) {
  // Only messages not yet sent are purged: they were certainly not written, so producing them
  // again later (from the spool or a new round) cannot duplicate them. A message in flight is
  // left to finish: it is either acknowledged or, when its connection fails, put back in the
  // queue by librdkafka — and purged by the next turn of this loop.
  const auto until = clock::now() + limit;
  while (outstanding > 0 && clock::now() < until) {
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE);
    rd_kafka_poll(rk, 50);
  }
  return outstanding == 0;
}

write_result kafka_sink::impl::write_direct(std::span<const record_ptr> batch) {
  std::unique_lock lock(kafka_mu);
  if (!same_batch(batch)) start_batch(batch);
  if (fatal) recreate_after_fatal();
  if (diverting) return divert_to_spool(batch);
  const auto deadline = clock::now() + opt.delivery_wait;
  produce_pending(batch, deadline);
  wait_reports(in_flight, deadline);
  if (fatal) recreate_after_fatal();

  bool done = true;
  for (const auto& s : slots) {
    if (s.state != slot_state::delivered && s.state != slot_state::dropped) done = false;
  }
  if (done) {
    end_batch();
    if (failing) {
      spdlog::info("kafka sink: delivering again after {} failed attempt(s)", burst);
      failing = false;
      burst = 0;
    }
    return write_result::ok;
  }
  if (spool) {
    diverting = true;
    return divert_to_spool(batch);
  }
  if (!failing) {
    spdlog::warn(
        "kafka sink: the brokers ({}) did not acknowledge a batch of {} message(s) "
        "within {} ms{}; retrying",
        opt.brokers, batch.size(), opt.delivery_wait.count(),
        last_error.empty() ? std::string{} : " (last error: " + last_error + ")");
    failing = true;
  }
  ++burst;
  return write_result::retry;
}

write_result kafka_sink::impl::divert_to_spool(std::span<const record_ptr> batch) {
  // Take back what librdkafka has not sent yet, wait for what is in flight, then spool every
  // message not acknowledged, in batch order, and let later batches follow it there. Nothing
  // of this batch may still be outstanding then, or it could land after spooled messages or
  // twice.
  if (!take_back_queued(in_flight, opt.delivery_wait)) {
    if (!failing) {
      spdlog::warn(
          "kafka sink: the brokers ({}) are not acknowledging{}; waiting for {} "
          "message(s) in flight before spooling",
          opt.brokers, last_error.empty() ? std::string{} : " (" + last_error + ")", in_flight);
      failing = true;
    }
    ++burst;
    return write_result::retry;
  }
  renew_after_purge();
  std::vector<spooled_message> msgs;
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const slot& s = slots[i];
    if (s.state == slot_state::delivered || s.state == slot_state::dropped) continue;
    msgs.emplace_back();
    build(*batch[i], msgs.back());
    which.push_back(i);
  }
  if (msgs.empty()) {  // what was in flight got through after all
    end_batch();
    failing = false;
    burst = 0;
    return write_result::ok;
  }
  std::unique_lock slock(spool_mu);
  bool appended = false;
  try {
    appended = spool->append(msgs);
  } catch (const std::exception& e) {
    spdlog::error("kafka sink: cannot spool: {}; retrying", e.what());
  }
  if (!appended) {
    count(c_spool_full);
    diverting = false;  // produce the batch again next time: the brokers may be back
    if (!failing) {
      spdlog::warn(
          "kafka sink: the brokers ({}) are not acknowledging{} and the spool '{}' "
          "cannot take {} more message(s) ({} of {} bytes used); retrying",
          opt.brokers, last_error.empty() ? std::string{} : " (" + last_error + ")", opt.spool_dir,
          msgs.size(), spool->bytes(), spool->max_bytes());
      failing = true;
    }
    ++burst;
    return write_result::retry;
  }
  for (const std::size_t i : which) {
    if (slots[i].possibly_persisted) count(c_dups);
  }
  count(c_spooled, msgs.size());
  spooling = true;
  spdlog::warn(
      "kafka sink: the brokers ({}) did not acknowledge within {} ms{}; spooling to "
      "'{}' until they are back",
      opt.brokers, opt.delivery_wait.count(),
      last_error.empty() ? std::string{} : " (" + last_error + ")", opt.spool_dir);
  slock.unlock();
  spool_cv.notify_all();
  end_batch();
  failing = false;
  burst = 0;
  return write_result::ok;
}

// --- the spool path -------------------------------------------------------------------------

std::optional<write_result> kafka_sink::impl::write_spool(std::span<const record_ptr> batch) {
  std::vector<spooled_message> msgs;
  msgs.reserve(batch.size());
  for (const auto& r : batch) {
    if (!r) continue;
    msgs.emplace_back();
    build(*r, msgs.back());
  }
  std::lock_guard slock(spool_mu);
  // The replay thread may have drained the spool meanwhile: then this batch goes direct.
  if (!spooling) return std::nullopt;
  bool appended = false;
  try {
    appended = spool->append(msgs);
  } catch (const std::exception& e) {
    spdlog::error("kafka sink: cannot spool: {}; retrying", e.what());
    return write_result::retry;
  }
  if (!appended) {
    count(c_spool_full);
    std::uint64_t suppressed = 0;
    if (error_limiter.allow(suppressed)) {
      spdlog::warn(
          "kafka sink: the spool '{}' is full ({} of {} bytes); retrying until the "
          "brokers take its content",
          opt.spool_dir, spool->bytes(), spool->max_bytes());
    }
    return write_result::retry;
  }
  count(c_spooled, msgs.size());
  return write_result::ok;
}

bool kafka_sink::impl::broker_reachable() {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(
      rk, 0, nullptr, &md, static_cast<int>(std::min<long long>(opt.delivery_wait.count(), 2000)));
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && is_down.load(std::memory_order_relaxed)) clear_down();
  return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void kafka_sink::impl::set_down(std::string why) noexcept {
  try {
    std::lock_guard lock(health_mu);
    if (!down) {
      down.emplace();
      down->since = std::chrono::system_clock::now();
    }
    down->error = std::move(why);
    is_down = true;
  } catch (...) {  // std::bad_alloc: the previous report stays
  }
}

void kafka_sink::impl::clear_down() noexcept {
  std::lock_guard lock(health_mu);
  if (down) spdlog::info("kafka sink: a broker is reachable again ({})", opt.brokers);
  down.reset();
  is_down = false;
}

bool kafka_sink::impl::replay_round(std::vector<spooled_message>& msgs) {
  std::lock_guard lock(kafka_mu);
  if (fatal) recreate_after_fatal();
  if (!broker_reachable()) return false;
  const auto deadline = clock::now() + opt.delivery_wait;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    slot& s = rslots[i];
    if (s.state != slot_state::pending && s.state != slot_state::failed) continue;
    rd_kafka_resp_err_t err;
    while ((err = produce(msgs[i], make_tag(true, rgeneration, i))) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL &&
           clock::now() < deadline) {
      rd_kafka_poll(rk, 10);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (s.possibly_persisted) count(c_dups);
      s = slot{slot_state::in_flight, false};
      ++r_in_flight;
    } else if (permanent(err)) {
      count(c_dropped);
      s.state = slot_state::dropped;
    } else {
      s.state = slot_state::failed;
      last_error = std::string(rd_kafka_err2str(err)) + std::string(hint(err));
      if (err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) refresh_topic(msgs[i].topic);
      break;
    }
  }
  wait_reports(r_in_flight, deadline);
  if (fatal) recreate_after_fatal();
  bool done = true;
  for (const auto& s : rslots) {
    if (s.state != slot_state::delivered && s.state != slot_state::dropped) done = false;
  }
  if (!done) {
    // The messages taken back are produced again in the next round; those still in flight
    // are waited for then (never produced twice).
    if (take_back_queued(r_in_flight, milliseconds{500})) renew_after_purge();
    if (!replay_failing) {
      spdlog::warn(
          "kafka sink: replaying the spool: the brokers did not acknowledge {} "
          "message(s) within {} ms{}; retrying every {} ms",
          msgs.size(), opt.delivery_wait.count(),
          last_error.empty() ? std::string{} : " (" + last_error + ")",
          opt.spool_probe_interval.count());
      replay_failing = true;
    }
  } else {
    replay_failing = false;
  }
  return done;
}

void kafka_sink::impl::replay_loop() {
  std::vector<spooled_message> msgs;
  spool_position next{};
  std::uint64_t replayed_total = 0;
  bool retry_wait = false;
  for (;;) {
    {
      std::unique_lock lock(spool_mu);
      if (retry_wait) {
        spool_cv.wait_for(lock, opt.spool_probe_interval, [&] { return stopping.load(); });
      } else {
        spool_cv.wait(lock, [&] { return stopping || spooling; });
      }
      if (stopping) return;
      if (!spooling) {
        retry_wait = false;
        continue;
      }
      if (msgs.empty()) {
        try {
          msgs = spool->peek(opt.spool_replay_batch, 4 * 1024 * 1024, next);
        } catch (const std::exception& e) {
          spdlog::error("kafka sink: cannot read the spool: {}; retrying", e.what());
          retry_wait = true;
          continue;
        }
        if (msgs.empty()) {
          // Drained; appends happen under spool_mu, so nothing slipped in since the peek.
          spooling = false;
          spdlog::info(
              "kafka sink: replayed {} message(s) from the spool; producing directly "
              "again",
              replayed_total);
          replayed_total = 0;
          retry_wait = false;
          continue;
        }
        ++rgeneration;
        rslots.assign(msgs.size(), slot{});
        r_in_flight = 0;
      }
    }
    if (replay_round(msgs)) {
      try {
        std::lock_guard lock(spool_mu);
        spool->consume(next);
      } catch (const std::exception& e) {
        // The round was delivered; without a cursor it would be delivered again after a
        // restart. Keep going: the in-memory position is right.
        spdlog::error("kafka sink: cannot record the spool position: {}", e.what());
      }
      replayed_total += msgs.size();
      msgs.clear();
      retry_wait = false;
    } else {
      retry_wait = true;
    }
  }
}

// --- the public face ------------------------------------------------------------------------

kafka_sink::kafka_sink(kafka_options options, core::metrics_registry* metrics, std::string instance)
    : impl_(std::make_unique<impl>(std::move(options), metrics, std::move(instance))) {}

kafka_sink::~kafka_sink() = default;

write_result kafka_sink::write(std::span<const record_ptr> batch) noexcept {
  try {
    if (impl_->spool) {
      bool spooling = false;
      {
        std::lock_guard lock(impl_->spool_mu);
        spooling = impl_->spooling;
      }
      if (spooling) {
        if (auto res = impl_->write_spool(batch)) return *res;
      }
    }
    return impl_->write_direct(batch);
  } catch (const std::exception& e) {
    spdlog::error("kafka sink: write failed: {}; retrying", e.what());
    return write_result::retry;
  } catch (...) {
    return write_result::retry;
  }
}

void kafka_sink::flush() noexcept {
  try {
    {
      std::lock_guard lock(impl_->kafka_mu);
      if (impl_->rk != nullptr && rd_kafka_outq_len(impl_->rk) > 0) {
        impl_->flush_gave_up =
            rd_kafka_flush(impl_->rk, static_cast<int>(impl_->opt.flush_timeout.count())) !=
            RD_KAFKA_RESP_ERR_NO_ERROR;
      }
    }
    if (impl_->spool) impl_->spool->sync();
  } catch (...) {
  }
}

std::string kafka_sink::last_error() const {
  // last_error is written by delivery reports, served under kafka_mu; the replay thread may
  // hold it for a while: then the broker report (or the runner's own words) stands in.
  std::unique_lock lock(impl_->kafka_mu, std::try_to_lock);
  if (lock.owns_lock() && !impl_->last_error.empty()) return impl_->last_error;
  if (lock.owns_lock()) lock.unlock();
  std::lock_guard hlock(impl_->health_mu);
  return impl_->down ? impl_->down->error : std::string{};
}

std::optional<sink_problem> kafka_sink::problem() const {
  // Serve librdkafka's error callbacks when no batch is being written (an idle sink would
  // otherwise not hear that its brokers went away); skip it when someone else is polling.
  {
    std::unique_lock lock(impl_->kafka_mu, std::try_to_lock);
    if (lock.owns_lock() && impl_->rk != nullptr) rd_kafka_poll(impl_->rk, 0);
  }
  std::lock_guard lock(impl_->health_mu);
  return impl_->down;
}

kafka_sink_stats kafka_sink::stats() const {
  kafka_sink_stats s;
  s.produced = impl_->ctr[c_produced]->value();
  s.delivered = impl_->ctr[c_delivered]->value();
  s.failed = impl_->ctr[c_failed]->value();
  s.dropped = impl_->ctr[c_dropped]->value();
  s.possible_duplicates = impl_->ctr[c_dups]->value();
  s.spooled = impl_->ctr[c_spooled]->value();
  s.replayed = impl_->ctr[c_replayed]->value();
  s.spool_full = impl_->ctr[c_spool_full]->value();
  if (impl_->spool) {
    s.spool_bytes = impl_->spool->bytes();
    std::lock_guard lock(impl_->spool_mu);
    s.spooling = impl_->spooling;
  }
  return s;
}

const kafka_options& kafka_sink::options() const noexcept { return impl_->opt; }

}  // namespace trapsink::pipeline::sinks
