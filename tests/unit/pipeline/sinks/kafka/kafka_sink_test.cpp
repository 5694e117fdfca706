// The Kafka sink against librdkafka's mock cluster (an in-process Kafka protocol server): option
// validation, what a message looks like, delivery reports, retry without duplicates, permanent
// errors, the spool. The same behaviour against a real broker: tests/kafka.
#include "pipeline/sinks/kafka/kafka_sink.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka.h>
// clang-format off
#include <librdkafka/rdkafka_mock.h>
// clang-format on

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/sink_runner.hpp"
#include "tests/unit/pipeline/sinks/kafka/kafka_test_util.hpp"

namespace trapsink::pipeline::sinks {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::consume_all;
using testing::message_count;
using testing::numbered_record;

/// An in-process mock cluster of one broker.
class mock_cluster {
 public:
  mock_cluster() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (host_ == nullptr) throw std::runtime_error(err);
    mc_ = rd_kafka_mock_cluster_new(host_, 1);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(mc_);
  }
  ~mock_cluster() {
    rd_kafka_mock_cluster_destroy(mc_);
    rd_kafka_destroy(host_);
  }
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  rd_kafka_mock_cluster_t* get() const { return mc_; }
  void topic(const std::string& name, int partitions = 3) {
    rd_kafka_mock_topic_create(mc_, name.c_str(), partitions, 1);
  }
  void down() { rd_kafka_mock_broker_set_down(mc_, -1); }
  void up() { rd_kafka_mock_broker_set_up(mc_, -1); }

 private:
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
  std::string bootstraps_;
};

std::vector<record_ptr> numbered(int from, int to) {
  std::vector<record_ptr> v;
  for (int i = from; i < to; ++i) v.push_back(numbered_record(i));
  return v;
}

/// The request ids of the consumed messages (their order within each partition).
std::vector<int> request_ids_by_key(const std::vector<testing::consumed>& msgs,
                                    const std::string& key) {
  std::vector<int> out;
  for (const auto& m : msgs) {
    if (m.key && *m.key == key) out.push_back(std::stoi(m.headers.at("trapsink-id").substr(2)));
  }
  return out;
}

/// Every record of [from, to) consumed exactly once, and each key's records in order.
void expect_all_once_in_order(const std::vector<testing::consumed>& msgs, int from, int to,
                              int sources = 4) {
  std::map<std::string, int> seen;
  for (const auto& m : msgs) ++seen[m.headers.at("trapsink-id")];
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(to - from));
  for (int i = from; i < to; ++i) {
    EXPECT_EQ(seen[numbered_record(i)->id], 1) << "record " << i;
  }
  for (int s = 0; s < sources; ++s) {
    const auto ids = request_ids_by_key(msgs, "192.0.2." + std::to_string(1 + s));
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "key 192.0.2." << 1 + s;
  }
}

class KafkaSink : public ::testing::Test {
 protected:
  void SetUp() override {
    topic_ = testing::unique_topic("mock");
    cluster_.topic(topic_);
    std::string tmpl = (fs::temp_directory_path() / "trapsink-kafka-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  kafka_options options() const {
    kafka_options o;
    o.brokers = cluster_.bootstraps();
    o.topic = topic_;
    o.delivery_wait = 1000ms;
    o.flush_timeout = 1000ms;
    o.spool_probe_interval = 100ms;
    o.properties = {{"reconnect.backoff.ms", "20"}, {"reconnect.backoff.max.ms", "200"}};
    return o;
  }
  /// Write the same batch until ok (at most `tries` times).
  static write_result write_until_ok(kafka_sink& s, const std::vector<record_ptr>& batch,
                                     int tries = 30) {
    write_result r = write_result::retry;
    for (int i = 0; i < tries && r != write_result::ok; ++i) r = s.write(batch);
    return r;
  }
  /// Wait until the sink has replayed its spool.
  static bool wait_spool_drained(kafka_sink& s, std::chrono::milliseconds limit = 15s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (!s.stats().spooling) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  mock_cluster cluster_;
  std::string topic_;
  fs::path dir_;
};

/// The message of std::runtime_error thrown by building a sink from `o`.
std::string construction_error(const kafka_options& o) {
  try {
    kafka_sink s(o);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST_F(KafkaSink, RejectsBadOptionsWithAClearMessage) {
  auto o = options();
  o.brokers.clear();
  EXPECT_NE(construction_error(o).find("no brokers"), std::string::npos);

  o = options();
  o.properties["compression.type"] = "zip";
  auto msg = construction_error(o);
  EXPECT_NE(msg.find("property 'compression.type'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Invalid value \"zip\""), std::string::npos) << msg;

  o = options();
  o.properties["no.such.property"] = "1";
  msg = construction_error(o);
  EXPECT_NE(msg.find("No such configuration property"), std::string::npos) << msg;

  o = options();
  o.properties["enable.idempotence"] = "false";
  msg = construction_error(o);
  EXPECT_NE(msg.find("idempotent"), std::string::npos) << msg;

  o = options();
  o.properties["acks"] = "1";
  msg = construction_error(o);
  EXPECT_NE(msg.find("acks=all"), std::string::npos) << msg;

  o = options();
  o.properties["bootstrap.servers"] = "elsewhere:9092";
  msg = construction_error(o);
  EXPECT_NE(msg.find("'brokers' option"), std::string::npos) << msg;

  o = options();
  o.topic = "trap events";
  msg = construction_error(o);
  EXPECT_NE(msg.find("not a valid Kafka topic name"), std::string::npos) << msg;

  o = options();
  o.key = "{agent}";
  msg = construction_error(o);
  EXPECT_NE(msg.find("unknown placeholder '{agent}'"), std::string::npos) << msg;

  o = options();
  o.spool_dir = (dir_ / "no" / "such" / "dir").string();
  msg = construction_error(o);
  EXPECT_NE(msg.find((dir_ / "no" / "such" / "dir").string()), std::string::npos) << msg;

  // validate() checks the same things without a producer.
  o = options();
  o.properties["compression.type"] = "zip";
  EXPECT_THROW(kafka_sink::validate(o), std::runtime_error);
  o = options();
  o.properties = {{"compression.type", "lz4"},
                  {"acks", "all"},
                  {"enable.idempotence", "true"},
                  {"linger.ms", "2"}};
  EXPECT_NO_THROW(kafka_sink::validate(o));
  EXPECT_NO_THROW(kafka_sink s(o));
}

TEST_F(KafkaSink, WritesTheRecordJsonWithKeyHeadersAndTimestamp) {
  kafka_sink sink(options());
  std::vector<record_ptr> batch = numbered(0, 40);
  auto v1 = samples::sample_v1();
  batch.push_back(std::make_shared<record>(v1));
  ASSERT_EQ(sink.write(batch), write_result::ok);
  const auto st = sink.stats();
  EXPECT_EQ(st.delivered, batch.size());
  EXPECT_EQ(st.produced, batch.size());
  EXPECT_EQ(st.failed, 0u);

  const auto msgs = consume_all(cluster_.bootstraps(), topic_, batch.size(), 10s);
  ASSERT_EQ(msgs.size(), batch.size());
  std::map<std::string, const testing::consumed*> by_id;
  for (const auto& m : msgs) by_id[m.headers.at("trapsink-id")] = &m;
  for (const auto& r : batch) {
    ASSERT_TRUE(by_id.count(r->id)) << r->id;
    const auto& m = *by_id[r->id];
    EXPECT_EQ(m.value, to_json(*r));
    ASSERT_TRUE(m.key.has_value());
    EXPECT_EQ(*m.key, r->source.address);
    EXPECT_EQ(
        m.timestamp_ms,
        std::chrono::duration_cast<std::chrono::milliseconds>(r->time.time_since_epoch()).count());
    EXPECT_EQ(m.headers.at("trapsink-trap-oid"), r->trap_oid);
    EXPECT_EQ(m.headers.at("trapsink-snmp-version"), r->version);
    EXPECT_FALSE(m.headers.at("trapsink-version").empty());
  }
  for (int s = 0; s < 4; ++s) {  // each key's records in the order written
    const auto ids = request_ids_by_key(msgs, "192.0.2." + std::to_string(1 + s));
    EXPECT_EQ(ids.size(), 10u);
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  }
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), static_cast<std::int64_t>(batch.size()));
}

TEST_F(KafkaSink, TopicAndKeyTemplates) {
  auto o = options();
  const std::string base = testing::unique_topic("tmpl");
  cluster_.topic(base + ".v1", 1);
  cluster_.topic(base + ".v2c", 1);
  o.topic = base + ".v{version}";
  o.key = "";
  o.headers = false;
  kafka_sink sink(o);
  std::vector<record_ptr> batch = {std::make_shared<record>(samples::sample_v1()),
                                   std::make_shared<record>(samples::sample_v2c()),
                                   std::make_shared<record>(samples::sample_v2c())};
  ASSERT_EQ(sink.write(batch), write_result::ok);
  const auto v1 = consume_all(cluster_.bootstraps(), base + ".v1", 1, 10s);
  const auto v2 = consume_all(cluster_.bootstraps(), base + ".v2c", 2, 10s);
  ASSERT_EQ(v1.size(), 1u);
  ASSERT_EQ(v2.size(), 2u);
  EXPECT_EQ(v1[0].value, to_json(samples::sample_v1()));
  EXPECT_FALSE(v1[0].key.has_value());  // an empty key template: no key
  EXPECT_TRUE(v1[0].headers.empty());
}

TEST_F(KafkaSink, RetriesWhileTheBrokerIsDownWithoutProducingTwice) {
  kafka_sink sink(options());
  ASSERT_EQ(sink.write(numbered(0, 5)), write_result::ok);  // connected and warm
  cluster_.down();
  const auto batch = numbered(5, 25);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(sink.write(batch), write_result::retry);
  // A bounded wait: delivery_wait (1 s), not librdkafka's retry horizon.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(sink.write(batch), write_result::retry);  // still down: the same messages wait
  cluster_.up();
  EXPECT_EQ(write_until_ok(sink, batch), write_result::ok);
  const auto st = sink.stats();
  EXPECT_EQ(st.produced, 25u) << "a retried write must not produce the batch again";
  EXPECT_EQ(st.delivered, 25u);
  EXPECT_EQ(st.possible_duplicates, 0u);
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), 25);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), topic_, 25, 10s), 0, 25);
}

TEST_F(KafkaSink, TransientBrokerErrorsAreRetriedByTheIdempotentProducer) {
  kafka_sink sink(options());
  rd_kafka_mock_push_request_errors(
      cluster_.get(), 0 /* Produce */, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  const auto batch = numbered(0, 30);
  EXPECT_EQ(write_until_ok(sink, batch), write_result::ok);
  EXPECT_EQ(sink.stats().produced, 30u);
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), 30);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), topic_, 30, 10s), 0, 30);
}

TEST_F(KafkaSink, APermanentErrorDropsOnlyThatMessage) {
  auto o = options();
  o.properties["message.max.bytes"] = "4000";
  kafka_sink sink(o);
  auto batch = numbered(0, 10);
  auto big = samples::sample_v2c();
  big.id = "too-big";
  big.varbinds.push_back({snmp::ber::oid{1, 3, 6, 1, 4, 1, 9, 9},
                          snmp::message::value::octets(std::string(8000, 'x'))});
  batch.insert(batch.begin() + 5, std::make_shared<record>(big));
  EXPECT_EQ(sink.write(batch), write_result::ok);
  const auto st = sink.stats();
  EXPECT_EQ(st.dropped, 1u);
  EXPECT_EQ(st.delivered, 10u);
  const auto msgs = consume_all(cluster_.bootstraps(), topic_, 10, 10s);
  EXPECT_EQ(msgs.size(), 10u);
  for (const auto& m : msgs) EXPECT_NE(m.headers.at("trapsink-id"), "too-big");
}

TEST_F(KafkaSink, ABrokerRejectionIsCountedAsDropped) {
  kafka_sink sink(options());
  ASSERT_EQ(sink.write(numbered(0, 1)), write_result::ok);
  rd_kafka_mock_push_request_errors(cluster_.get(), 0 /* Produce */, 1,
                                    RD_KAFKA_RESP_ERR_INVALID_RECORD);
  EXPECT_EQ(sink.write(numbered(1, 2)), write_result::ok);
  EXPECT_EQ(sink.stats().dropped, 1u);
  EXPECT_EQ(write_until_ok(sink, numbered(2, 3)), write_result::ok);
  EXPECT_EQ(sink.stats().delivered, 2u);
}

TEST_F(KafkaSink, AMissingTopicIsRetriedUntilItExists) {
  auto o = options();
  o.topic = testing::unique_topic("missing");
  o.properties["topic.metadata.propagation.max.ms"] = "300";
  rd_kafka_mock_topic_set_error(cluster_.get(), o.topic.c_str(),
                                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  kafka_sink sink(o);
  const auto batch = numbered(0, 5);
  EXPECT_EQ(sink.write(batch), write_result::retry);
  EXPECT_EQ(sink.write(batch), write_result::retry);
  EXPECT_EQ(sink.stats().dropped, 0u);  // not permanent: an operator can create the topic
  rd_kafka_mock_topic_set_error(cluster_.get(), o.topic.c_str(), RD_KAFKA_RESP_ERR_NO_ERROR);
  cluster_.topic(o.topic);
  EXPECT_EQ(write_until_ok(sink, batch), write_result::ok);
  EXPECT_EQ(message_count(cluster_.bootstraps(), o.topic), 5);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), o.topic, 5, 10s), 0, 5);
}

TEST_F(KafkaSink, RunsBehindASinkRunnerAndExportsCounters) {
  core::metrics_registry metrics;
  const int n = 3000;
  {
    sink_runner runner(std::make_unique<kafka_sink>(options(), &metrics, "kafka"), metrics,
                       {.max_batch = 500});
    for (int i = 0; i < n; ++i) ASSERT_TRUE(runner.try_push(numbered_record(i)));
    runner.stop(10s);
  }
  EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"kafka\"").value(),
            static_cast<std::uint64_t>(n));
  EXPECT_EQ(metrics.get("trapsink_kafka_delivered_total", "sink=\"kafka\"").value(),
            static_cast<std::uint64_t>(n));
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), n);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), topic_, n, 20s), 0, n);
}

TEST_F(KafkaSink, ShutdownWhileTheBrokerIsDownIsBoundedAndCounted) {
  core::metrics_registry metrics;
  cluster_.down();
  const auto t0 = std::chrono::steady_clock::now();
  {
    sink_runner runner(std::make_unique<kafka_sink>(options(), &metrics, "kafka"), metrics);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(runner.try_push(numbered_record(i)));
    std::this_thread::sleep_for(100ms);
    runner.stop(500ms);
  }
  // The deadline, one write in progress (delivery_wait, 1 s) and one flush (flush_timeout, 1 s).
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
  EXPECT_EQ(
      metrics.get("trapsink_sink_discarded_total", "sink=\"kafka\",reason=\"shutdown\"").value(),
      10u);
}

TEST_F(KafkaSink, SpoolsWhileTheBrokerIsDownAndReplaysInOrder) {
  auto o = options();
  o.spool_dir = (dir_ / "spool").string();
  o.delivery_wait = 500ms;
  kafka_sink sink(o);
  ASSERT_EQ(sink.write(numbered(0, 10)), write_result::ok);
  cluster_.down();
  EXPECT_EQ(sink.write(numbered(10, 30)), write_result::ok);  // after delivery_wait: spooled
  auto st = sink.stats();
  EXPECT_TRUE(st.spooling);
  EXPECT_EQ(st.spooled, 20u);
  EXPECT_GT(st.spool_bytes, 0u);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(sink.write(numbered(30, 60)), write_result::ok);  // straight to the spool
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 400ms);
  EXPECT_EQ(sink.stats().spooled, 50u);
  cluster_.up();
  ASSERT_TRUE(wait_spool_drained(sink));
  EXPECT_EQ(sink.write(numbered(60, 70)), write_result::ok);  // direct again
  st = sink.stats();
  EXPECT_EQ(st.replayed, 50u);
  EXPECT_EQ(st.spool_bytes, 0u);
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), 70);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), topic_, 70, 10s), 0, 70);
}

TEST_F(KafkaSink, TheSpoolOutlivesTheProcess) {
  auto o = options();
  o.spool_dir = (dir_ / "spool").string();
  o.delivery_wait = 500ms;
  cluster_.down();
  {
    kafka_sink sink(o);
    EXPECT_EQ(sink.write(numbered(0, 20)), write_result::ok);
    EXPECT_EQ(sink.stats().spooled, 20u);
  }
  cluster_.up();
  kafka_sink sink(o);
  EXPECT_TRUE(sink.stats().spooling);  // picked up what the first one left
  ASSERT_TRUE(wait_spool_drained(sink));
  EXPECT_EQ(sink.write(numbered(20, 25)), write_result::ok);
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), 25);
  expect_all_once_in_order(consume_all(cluster_.bootstraps(), topic_, 25, 10s), 0, 25);
}

TEST_F(KafkaSink, AFullSpoolAnswersRetry) {
  auto o = options();
  o.spool_dir = (dir_ / "spool").string();
  o.spool_max_bytes = 64 * 1024;
  o.delivery_wait = 300ms;
  kafka_sink sink(o);
  cluster_.down();
  int n = 0;
  write_result r = write_result::ok;
  while (r == write_result::ok && n < 2000) {
    r = sink.write(numbered(n, n + 20));
    if (r == write_result::ok) n += 20;
  }
  EXPECT_EQ(r, write_result::retry);
  EXPECT_GE(sink.stats().spool_full, 1u);
  EXPECT_LE(sink.stats().spool_bytes, 64u * 1024);
  cluster_.up();
  ASSERT_TRUE(wait_spool_drained(sink));
  EXPECT_EQ(write_until_ok(sink, numbered(n, n + 20)), write_result::ok);
  EXPECT_EQ(message_count(cluster_.bootstraps(), topic_), n + 20);
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
