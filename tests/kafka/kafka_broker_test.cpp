// The Kafka sink against a real Apache Kafka broker (deploy/kafka-dev.sh; ctest -L kafka):
// records go through a sink_runner into the sink and are read back with a librdkafka consumer;
// the broker is stopped and started again in the middle of a stream, with and without the
// spool, and nothing may be lost, duplicated or reordered within a key.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/sink_runner.hpp"
#include "pipeline/sinks/kafka/kafka_sink.hpp"
#include "tests/unit/pipeline/sinks/kafka/kafka_test_util.hpp"

namespace trapsink::pipeline::sinks {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::consume_all;
using testing::message_count;
using testing::numbered_record;

/// The broker's state directory: $TRAPSINK_KAFKA_DIR, else the one ctest's fixture uses.
std::string broker_dir() {
  const char* d = std::getenv("TRAPSINK_KAFKA_DIR");
  return d != nullptr ? d : TRAPSINK_KAFKA_DIR;
}

/// Run deploy/kafka-dev.sh with `command` on the broker directory; its standard output.
std::string broker(const std::string& command, int* status = nullptr) {
  const std::string cmd = std::string("bash '") + TRAPSINK_KAFKA_SCRIPT + "' " + command +
                          " --dir '" + broker_dir() + "'";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = ::pclose(p);
  if (status != nullptr) *status = rc;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class KafkaBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    int status = 0;
    bootstrap_ = broker("bootstrap", &status);
    ASSERT_EQ(status, 0) << "no broker running in " << broker_dir()
                         << ": start one with deploy/kafka-dev.sh start --dir " << broker_dir()
                         << " (ctest's kafka_broker_start fixture does)";
    topic_ = testing::unique_topic("broker");
    std::string tmpl = (fs::temp_directory_path() / "trapsink-kafka-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    // A test that failed while the broker was down must not leave it down for the next one.
    int status = 0;
    broker("bootstrap", &status);
    if (status != 0) broker("start");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  kafka_options options() const {
    kafka_options o;
    o.brokers = bootstrap_;
    o.topic = topic_;
    o.delivery_wait = 1000ms;
    o.spool_probe_interval = 200ms;
    o.properties = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "500"}};
    return o;
  }

  /// Push records [0, n) at about `per_second` through a runner into a Kafka sink built from
  /// `o`, stopping the broker after `stop_after` records and starting it again `down_for`
  /// later (n == stop_after: no restart). A full queue is retried, as an inform's sender
  /// retransmits. Returns the sink's stats; every record must then be on the topic.
  kafka_sink_stats stream(const kafka_options& o, int n, int per_second, int stop_after,
                          std::chrono::milliseconds down_for) {
    core::metrics_registry metrics;
    auto sink = std::make_unique<kafka_sink>(o, &metrics, "kafka");
    kafka_sink* raw = sink.get();
    sink_runner runner(std::move(sink), metrics, {.queue_capacity = 200000, .max_batch = 1000});
    std::thread restarter;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (i == stop_after) {
        broker("stop");
        int status = 0;
        broker("status", &status);
        EXPECT_NE(status, 0) << "the broker did not stop";
        restarter = std::thread([down_for] {
          std::this_thread::sleep_for(down_for);
          int rc = 0;
          broker("start", &rc);
          EXPECT_EQ(rc, 0) << "the broker did not start again";
        });
      }
      auto r = numbered_record(i, 8);
      while (!runner.try_push(r)) std::this_thread::sleep_for(1ms);
      // Pace the stream: record i is due at start + i / per_second.
      std::this_thread::sleep_until(start +
                                    std::chrono::microseconds(1'000'000LL * i / per_second));
    }
    if (restarter.joinable()) restarter.join();
    // With a spool, what went there is replayed by the sink's own thread: wait for it (a sink
    // stopped earlier keeps it on disk for the next start).
    const auto until = std::chrono::steady_clock::now() + 60s;
    while ((runner.queued() > 0 || raw->stats().spooling) &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(50ms);
    }
    runner.stop(60s);
    const kafka_sink_stats st = raw->stats();  // the runner still owns the (stopped) sink
    EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"kafka\"").value(),
              static_cast<std::uint64_t>(n));
    return st;
  }

  /// Every record [0, n) on the topic exactly once, and each of the 8 keys in order.
  void expect_topic_holds(int n) {
    EXPECT_EQ(message_count(bootstrap_, topic_), n);
    const auto msgs = consume_all(bootstrap_, topic_, static_cast<std::size_t>(n), 60s);
    std::map<std::string, int> seen;
    std::map<std::string, int> last_per_key;
    int out_of_order = 0;
    for (const auto& m : msgs) {
      const auto& id = m.headers.at("trapsink-id");
      ++seen[id];
      const int seq = std::stoi(id.substr(2));
      ASSERT_TRUE(m.key.has_value());
      auto [it, fresh] = last_per_key.try_emplace(*m.key, seq);
      if (!fresh) {
        if (seq <= it->second && ++out_of_order <= 10) {
          ADD_FAILURE() << "key " << *m.key << ": record " << seq << " after " << it->second
                        << " (partition " << m.partition << ", offset " << m.offset << ")";
        }
        it->second = seq;
      }
    }
    int missing = 0, duplicated = 0;
    for (int i = 0; i < n; ++i) {
      const int c = seen[numbered_record(i)->id];
      if (c == 0) ++missing;
      if (c > 1) ++duplicated;
    }
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(duplicated, 0);
    EXPECT_EQ(out_of_order, 0);
    EXPECT_EQ(last_per_key.size(), 8u);
  }

  std::string bootstrap_;
  std::string topic_;
  fs::path dir_;
};

TEST_F(KafkaBroker, RecordsRoundTripThroughTheBroker) {
  const int n = 5000;
  std::vector<record_ptr> sent;
  {
    core::metrics_registry metrics;
    sink_runner runner(std::make_unique<kafka_sink>(options(), &metrics, "kafka"), metrics);
    for (int i = 0; i < n; ++i) {
      auto r = numbered_record(i, 8);
      if (i % 100 == 0) {  // an SNMPv1 record now and then
        auto v1 = samples::sample_v1();
        v1.id = r->id;
        v1.source.address = r->source.address;
        r = std::make_shared<record>(std::move(v1));
      }
      sent.push_back(r);
      ASSERT_TRUE(runner.try_push(r));
    }
    runner.stop(30s);
    EXPECT_EQ(metrics.get("trapsink_sink_sent_total", "sink=\"kafka\"").value(),
              static_cast<std::uint64_t>(n));
    EXPECT_EQ(metrics.get("trapsink_kafka_delivered_total", "sink=\"kafka\"").value(),
              static_cast<std::uint64_t>(n));
  }
  EXPECT_EQ(message_count(bootstrap_, topic_), n);
  const auto msgs = consume_all(bootstrap_, topic_, n, 60s);
  ASSERT_EQ(msgs.size(), static_cast<std::size_t>(n));
  std::map<std::string, const testing::consumed*> by_id;
  for (const auto& m : msgs) by_id[m.headers.at("trapsink-id")] = &m;
  for (const auto& r : sent) {
    ASSERT_TRUE(by_id.count(r->id)) << r->id;
    const auto& m = *by_id[r->id];
    ASSERT_EQ(m.value, to_json(*r));
    ASSERT_EQ(m.key.value_or("(none)"), r->source.address);
    ASSERT_EQ(m.headers.at("trapsink-trap-oid"), r->trap_oid);
    ASSERT_EQ(
        m.timestamp_ms,
        std::chrono::duration_cast<std::chrono::milliseconds>(r->time.time_since_epoch()).count());
  }
}

TEST_F(KafkaBroker, BrokerRestartMidStreamLosesNothing) {
  const int n = 20000;
  const auto st = stream(options(), n, 2500, 5000, 2s);
  EXPECT_EQ(st.delivered, static_cast<std::uint64_t>(n));
  EXPECT_EQ(st.possible_duplicates, 0u);
  expect_topic_holds(n);
  spdlog::info("restart without spool: produced {} delivered {} failed {}", st.produced,
               st.delivered, st.failed);
}

TEST_F(KafkaBroker, BrokerRestartMidStreamWithTheSpool) {
  auto o = options();
  o.spool_dir = (dir_ / "spool").string();
  const int n = 20000;
  const auto st = stream(o, n, 2500, 5000, 2s);
  EXPECT_GT(st.spooled, 0u) << "the outage should have sent records to the spool";
  EXPECT_EQ(st.replayed, st.spooled);
  EXPECT_FALSE(st.spooling);
  EXPECT_EQ(st.spool_bytes, 0u);
  EXPECT_EQ(st.possible_duplicates, 0u);
  expect_topic_holds(n);
  spdlog::info("restart with spool: produced {} delivered {} spooled {} replayed {}", st.produced,
               st.delivered, st.spooled, st.replayed);
}

}  // namespace
}  // namespace trapsink::pipeline::sinks
