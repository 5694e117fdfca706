#pragma once
// Test helpers for the Kafka sink: read a topic back with a librdkafka consumer, count its
// messages from the watermarks, and make numbered records. Shared by the mock-cluster unit tests
// and the real-broker tests (tests/kafka).
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/record/record.hpp"
#include "tests/unit/pipeline/sample_records.hpp"

namespace trapsink::pipeline::sinks::testing {

/// One message read back.
struct consumed {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
  std::int64_t timestamp_ms = 0;
  std::map<std::string, std::string> headers;
};

/// A unique topic name for one test ("trapsink-test-<prefix>-<random>").
inline std::string unique_topic(const std::string& prefix) {
  std::random_device rd;
  return "trapsink-test-" + prefix + "-" + std::to_string(rd()) + std::to_string(rd() % 1000);
}

/// A librdkafka client configured for bootstrap (throws on a bad property).
inline rd_kafka_conf_t* client_conf(const std::string& bootstrap,
                                    const std::map<std::string, std::string>& extra = {}) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const char* k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(err);
    }
  };
  set("bootstrap.servers", bootstrap);
  set("log_level", "3");
  for (const auto& [k, v] : extra) set(k.c_str(), v);
  return conf;
}

/// The number of partitions of topic (waits up to `timeout` for it to exist), or -1.
inline int partition_count(rd_kafka_t* rk, const std::string& topic,
                           std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  int n = -1;
  while (std::chrono::steady_clock::now() < until) {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk, 0, t, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
          md->topics[0].partition_cnt > 0) {
        n = md->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(md);
      if (n > 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rd_kafka_topic_destroy(t);
  return n;
}

/// The number of messages in topic: the sum over its partitions of high - low watermark
/// (exact for a non-transactional producer). -1 if the topic cannot be queried.
inline std::int64_t message_count(const std::string& bootstrap, const std::string& topic) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, client_conf(bootstrap), err, sizeof err);
  if (rk == nullptr) throw std::runtime_error(err);
  std::int64_t total = -1;
  const int parts = partition_count(rk, topic, std::chrono::seconds(10));
  if (parts > 0) {
    total = 0;
    for (int p = 0; p < parts; ++p) {
      std::int64_t lo = 0, hi = 0;
      if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 5000) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        total = -1;
        break;
      }
      total += hi - lo;
    }
  }
  rd_kafka_destroy(rk);
  return total;
}

/// Read every partition of topic from the beginning until `expected` messages arrived or
/// `timeout` passed; then keep reading for `extra` more to catch surplus messages. Messages are
/// returned per partition in offset order, partitions one after the other.
inline std::vector<consumed> consume_all(
    const std::string& bootstrap, const std::string& topic, std::size_t expected,
    std::chrono::milliseconds timeout,
    std::chrono::milliseconds extra = std::chrono::milliseconds(300)) {
  char err[512];
  rd_kafka_conf_t* conf = client_conf(bootstrap, {{"group.id", "trapsink-test-reader"},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "false"},
                                                  {"auto.offset.reset", "earliest"}});
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) throw std::runtime_error(err);
  const int parts = partition_count(rk, topic, timeout);
  std::vector<consumed> out;
  if (parts > 0) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(parts);
    for (int p = 0; p < parts; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    const auto start = std::chrono::steady_clock::now();
    auto until = start + timeout;
    bool extended = false;
    while (std::chrono::steady_clock::now() < until) {
      if (out.size() >= expected && !extended) {
        until = std::chrono::steady_clock::now() + extra;
        extended = true;
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        consumed c;
        c.partition = m->partition;
        c.offset = m->offset;
        if (m->key != nullptr) c.key = std::string(static_cast<const char*>(m->key), m->key_len);
        c.value.assign(static_cast<const char*>(m->payload), m->len);
        c.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
        rd_kafka_headers_t* hdrs = nullptr;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name = nullptr;
          const void* val = nullptr;
          size_t size = 0;
          for (size_t i = 0;
               rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
               ++i) {
            c.headers[name] = std::string(static_cast<const char*>(val), size);
          }
        }
        out.push_back(std::move(c));
      }
      rd_kafka_message_destroy(m);
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::stable_sort(out.begin(), out.end(), [](const consumed& a, const consumed& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

/// A v2c record numbered n: id "n-<n padded>", request_id n, from one of `sources` sources
/// (192.0.2.<1 + n % sources>), so records with the same source share a key.
inline record_ptr numbered_record(int n, int sources = 4) {
  auto r = samples::sample_v2c();
  char id[32];
  std::snprintf(id, sizeof id, "n-%08d", n);
  r.id = id;
  r.request_id = n;
  r.source.address = "192.0.2." + std::to_string(1 + n % sources);
  r.agent_address = r.source.address;
  return std::make_shared<record>(std::move(r));
}

}  // namespace trapsink::pipeline::sinks::testing
