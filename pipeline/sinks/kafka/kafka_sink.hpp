#pragma once
// The Kafka sink: every record becomes one Kafka message (value: the record's JSON, key and
// topic from templates, headers with the record id), produced by librdkafka's idempotent
// producer. write(batch) answers ok only once the broker acknowledged every message of the
// batch (acks=all). Optionally a local disk spool takes the messages while the brokers are
// unreachable and replays them in order once they are back. See docs/kafka.md.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/metrics.hpp"
#include "pipeline/sink.hpp"

namespace trapsink::pipeline::sinks {

/// Options of the Kafka sink (docs/kafka.md lists them with their configuration keys).
struct kafka_options {
  /// bootstrap.servers: "host:port[,host:port...]". Required.
  std::string brokers;
  /// The topic, a template (message_template.hpp): e.g. "trapsink.events" or
  /// "traps.v{version}". Characters a topic name cannot hold become '_' after expansion.
  std::string topic = "trapsink.events";
  /// The message key, a template: {source}, {agent_address}, {trap_oid}, {trap_name},
  /// {version}, {pdu}. Records with the same key go to the same partition, in order. An empty
  /// template produces messages without a key (spread over the partitions).
  std::string key = "{source}";
  /// librdkafka configuration properties passed through (compression.type, security.protocol,
  /// sasl.*, ssl.*, linger.ms, ...). The sink owns bootstrap.servers (use `brokers`),
  /// enable.idempotence (always true) and acks (always all); setting those differently, or
  /// transactional.id, is an error.
  std::map<std::string, std::string> properties;
  /// Add the headers trapsink-version, trapsink-id, trapsink-trap-oid and
  /// trapsink-snmp-version to every message.
  bool headers = true;
  /// How long one write() waits for the delivery reports of its batch before answering retry
  /// (the messages stay queued in librdkafka: the retried write waits for them again, it does
  /// not produce them twice).
  std::chrono::milliseconds delivery_wait{3000};
  /// How long flush() (and the destructor) waits for outstanding messages.
  std::chrono::milliseconds flush_timeout{5000};
  /// The spool directory; empty disables the spool. With a spool, a batch the brokers do not
  /// acknowledge within delivery_wait goes to the spool (write answers ok) and every later
  /// batch follows it there until the spool has been replayed.
  std::string spool_dir;
  /// Most bytes the spool holds; beyond it write() answers retry (the runner's queue then
  /// fills, and informs go unacknowledged).
  std::uint64_t spool_max_bytes = 1024ull * 1024 * 1024;
  /// Messages replayed from the spool per round (each round waits for its delivery reports).
  std::size_t spool_replay_batch = 5000;
  /// While spooling, how often the replay thread checks whether a broker is back.
  std::chrono::milliseconds spool_probe_interval{1000};

  bool operator==(const kafka_options&) const = default;
};

/// Delivery counts of one kafka_sink (also exported as metrics when a registry is given).
struct kafka_sink_stats {
  std::uint64_t produced = 0;   ///< messages handed to librdkafka (including re-produced ones)
  std::uint64_t delivered = 0;  ///< messages the broker acknowledged
  std::uint64_t failed = 0;     ///< delivery reports with a transient error (produced again)
  std::uint64_t dropped = 0;    ///< messages given up for a permanent error (too large, ...)
  /// Messages produced again after a failure that may have left them written (possible
  /// duplicates on the topic; consumers can recognise them by the trapsink-id header).
  std::uint64_t possible_duplicates = 0;
  std::uint64_t spooled = 0;      ///< messages written to the spool
  std::uint64_t replayed = 0;     ///< messages delivered from the spool
  std::uint64_t spool_full = 0;   ///< write() calls refused because the spool was full
  std::uint64_t spool_bytes = 0;  ///< bytes waiting in the spool now
  bool spooling = false;          ///< new batches currently go to the spool
};

/// Produces each record to Kafka. Built from validated options; then driven by one
/// sink_runner thread (write and flush); the spool, when enabled, has a replay thread of its
/// own.
class kafka_sink final : public sink {
 public:
  /// Validate the options and create the producer (no connection is made yet: librdkafka
  /// connects in the background). Throws std::runtime_error with a message naming the option or
  /// property and librdkafka's reason, e.g. `kafka sink: property 'compression.type': Invalid
  /// value "zip" for configuration property "compression.type"`. When `metrics` is given, the
  /// counters trapsink_kafka_*_total{sink="<instance>"} are registered in it.
  explicit kafka_sink(kafka_options options, core::metrics_registry* metrics = nullptr,
                      std::string instance = "kafka");
  /// Waits up to flush_timeout for outstanding messages, spools (with a spool) or abandons
  /// what is left, stops the replay thread, destroys the producer.
  ~kafka_sink() override;

  kafka_sink(const kafka_sink&) = delete;
  kafka_sink& operator=(const kafka_sink&) = delete;

  /// Check options without creating a producer (for check-config): the templates, the reserved
  /// properties and every property against librdkafka. Throws like the constructor.
  static void validate(const kafka_options& options);

  /// "kafka".
  std::string_view name() const noexcept override { return "kafka"; }

  /// Produce the batch and wait (up to delivery_wait) for its delivery reports. ok: every
  /// message acknowledged (or dropped for a permanent error, counted and logged) or spooled;
  /// retry: some are not acknowledged yet (the same batch passed again continues where this
  /// call stopped: acknowledged messages are not produced again, queued ones are waited for).
  write_result write(std::span<const record_ptr> batch) noexcept override;

  /// Wait up to flush_timeout for every outstanding message; sync the spool.
  void flush() noexcept override;

  /// The last delivery error librdkafka reported, or the broker problem below.
  std::string last_error() const override;

  /// "no broker reachable (BROKERS): REASON" (librdkafka's all-brokers-down error) or a fatal
  /// producer error, until a message is delivered or the brokers answer again. Serves
  /// librdkafka's pending callbacks first when no other thread is polling.
  std::optional<sink_problem> problem() const override;

  /// A snapshot of the delivery counts.
  kafka_sink_stats stats() const;

  /// The options in force.
  const kafka_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace trapsink::pipeline::sinks
