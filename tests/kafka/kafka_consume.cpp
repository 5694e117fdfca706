// kafka_consume: read a Kafka topic back, for tests. Prints every message as one JSON line:
//
//   {"topic":..,"partition":..,"offset":..,"timestamp":..,"key":"..","headers":{..},"value":..}
//
// "value" is the message's value as raw JSON text (trapsink's messages are JSON records); a value
// that is not JSON is printed as a JSON string, with a warning on standard error. "key" is null
// for a message without a key; "timestamp" is in milliseconds (-1 if none).
//
//   kafka_consume --brokers B --topic T [--count N] [--exact] [--timeout S] [--from-beginning]
//
// Every partition of the topic is assigned (no group rebalancing; a unique group id per run and
// no offset commits, so runs never affect each other). Reading starts at each partition's
// beginning with --from-beginning, else at its end (only messages produced from now on).
//
// --count N: exit 0 after N messages. With --exact, then also check that the topic holds no
// more than those N from where reading began (the watermarks; exact for non-transactional
// producers) and exit 1 if it does. Without --count: read up to the end offsets the partitions
// had when reading began, then exit 0. On timeout (default 30 s for the whole run, the wait for
// the topic to exist included) exit 1 with the number of messages read. Usage errors exit 2.
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using nlohmann::json;

struct options {
  std::string brokers;
  std::string topic;
  long long count = -1;  // -1: up to the end offsets at the start
  bool exact = false;
  double timeout_s = 30;
  bool from_beginning = false;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr,
               "kafka_consume: %s\nusage: kafka_consume --brokers HOST:PORT --topic TOPIC "
               "[--count N] [--exact] [--timeout SECONDS] [--from-beginning]\n",
               why.c_str());
  std::exit(2);
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "kafka_consume: %s\n", why.c_str());
  std::exit(1);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--brokers") {
      o.brokers = value();
    } else if (a == "--topic") {
      o.topic = value();
    } else if (a == "--count") {
      const std::string v = value();
      char* end = nullptr;
      o.count = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || o.count < 0) usage_error("--count must be a number >= 0");
    } else if (a == "--timeout") {
      const std::string v = value();
      char* end = nullptr;
      o.timeout_s = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(o.timeout_s > 0)) {
        usage_error("--timeout must be a positive number of seconds");
      }
    } else if (a == "--exact") {
      o.exact = true;
    } else if (a == "--from-beginning") {
      o.from_beginning = true;
    } else if (a == "-h" || a == "--help") {
      usage_error("read a topic and print its messages as JSON lines");
    } else {
      usage_error("unknown argument '" + a + "'");
    }
  }
  if (o.brokers.empty()) usage_error("--brokers is required");
  if (o.topic.empty()) usage_error("--topic is required");
  if (o.exact && o.count < 0) usage_error("--exact needs --count");
  return o;
}

/// A string as a JSON string (invalid UTF-8 replaced by U+FFFD).
std::string quoted(const char* p, std::size_t n) {
  return json(std::string(p, n)).dump(-1, ' ', false, json::error_handler_t::replace);
}

/// The message as one JSON line (without the newline).
std::string render(const rd_kafka_message_t* m, const std::string& topic) {
  std::string line = "{\"topic\":" + quoted(topic.data(), topic.size());
  line += ",\"partition\":" + std::to_string(m->partition);
  line += ",\"offset\":" + std::to_string(m->offset);
  line += ",\"timestamp\":" + std::to_string(rd_kafka_message_timestamp(m, nullptr));
  line += ",\"key\":";
  line += m->key != nullptr ? quoted(static_cast<const char*>(m->key), m->key_len) : "null";
  line += ",\"headers\":{";
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* val = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      if (i > 0) line += ',';
      line += quoted(name, std::strlen(name)) + ':';
      line += val != nullptr ? quoted(static_cast<const char*>(val), size) : "null";
    }
  }
  line += "},\"value\":";
  const std::string value =
      m->payload != nullptr ? std::string(static_cast<const char*>(m->payload), m->len) : "";
  if (m->payload == nullptr) {
    line += "null";
  } else if (json::accept(value)) {
    // Raw, exactly as produced, unless a line break inside would split the output line.
    line += value.find_first_of("\r\n") == std::string::npos
                ? value
                : nlohmann::ordered_json::parse(value).dump();
  } else {
    std::fprintf(stderr, "kafka_consume: partition %d offset %lld: the value is not JSON\n",
                 static_cast<int>(m->partition), static_cast<long long>(m->offset));
    line += quoted(value.data(), value.size());
  }
  line += '}';
  return line;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string unique_group() {
  std::random_device rd;
  char buf[64];
  std::snprintf(buf, sizeof buf, "kafka_consume-%d-%08x%08x", static_cast<int>(::getpid()), rd(),
                rd());
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  const auto deadline =
      clock_type::now() + std::chrono::milliseconds(static_cast<long long>(o.timeout_s * 1000));
  auto remaining_ms = [&] {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
  };

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string group = unique_group();
  for (const auto& [k, v] : {std::pair<const char*, std::string>{"bootstrap.servers", o.brokers},
                             {"group.id", group},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"enable.partition.eof", "false"},
                             {"allow.auto.create.topics", "false"},
                             {"log_level", "3"}}) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      fail(std::string("property ") + k + ": " + err);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) fail(std::string("cannot create a consumer: ") + err);

  // The topic's partitions: wait for the topic to exist (a producer may create it later).
  int partitions = -1;
  std::string last_error = "no answer from the brokers";
  {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
    while (partitions < 0 && remaining_ms() > 0) {
      const rd_kafka_metadata_t* md = nullptr;
      const auto rc = rd_kafka_metadata(rk, 0, t, &md, std::min(remaining_ms(), 2000));
      if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
            md->topics[0].partition_cnt > 0) {
          partitions = md->topics[0].partition_cnt;
        } else if (md->topic_cnt == 1) {
          last_error = rd_kafka_err2str(md->topics[0].err);
        }
        rd_kafka_metadata_destroy(md);
      } else {
        last_error = rd_kafka_err2str(rc);
      }
      if (partitions < 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    rd_kafka_topic_destroy(t);
  }
  if (partitions < 0) {
    fail("timed out after " + seconds(o.timeout_s) + " s waiting for topic '" + o.topic + "' on " +
         o.brokers + " (" + last_error + ")");
  }

  // A partition's watermarks, retried until `until`: the partitions of a topic just created
  // may have no leader yet (NOT_LEADER_FOR_PARTITION, LEADER_NOT_AVAILABLE).
  auto watermarks = [&](int p, clock_type::time_point until) {
    std::int64_t lo = 0, hi = 0;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now());
      const int wait_ms = static_cast<int>(std::clamp<long long>(left.count(), 1, 5000));
      const auto rc = rd_kafka_query_watermark_offsets(rk, o.topic.c_str(), p, &lo, &hi, wait_ms);
      if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) return std::pair{lo, hi};
      if (clock_type::now() >= until) {
        fail("cannot read the offsets of " + o.topic + " [" + std::to_string(p) +
             "]: " + rd_kafka_err2str(rc));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };

  // Where each partition starts (low watermark, or high without --from-beginning) and, without
  // --count, where it ends (the high watermark now).
  std::vector<std::int64_t> next(partitions), end(partitions);
  for (int p = 0; p < partitions; ++p) {
    const auto [lo, hi] = watermarks(p, deadline);
    next[p] = o.from_beginning ? lo : hi;
    end[p] = hi;
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, o.topic.c_str(), p)->offset = next[p];
  }
  if (const auto rc = rd_kafka_assign(rk, list); rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fail(std::string("cannot assign the partitions: ") + rd_kafka_err2str(rc));
  }
  rd_kafka_topic_partition_list_destroy(list);

  auto done = [&](long long read) {
    if (o.count >= 0) return read >= o.count;
    for (int p = 0; p < partitions; ++p) {
      if (next[p] < end[p]) return false;
    }
    return true;
  };
  long long read = 0;
  while (!done(read)) {
    if (remaining_ms() == 0) {
      fail("timed out after " + seconds(o.timeout_s) + " s: read " + std::to_string(read) +
           (o.count >= 0 ? " of " + std::to_string(o.count) : std::string()) +
           " message(s) from topic '" + o.topic + "'");
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, std::min(remaining_ms(), 100));
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_consume: %s\n", rd_kafka_message_errstr(m));
    } else if (m->partition >= 0 && m->partition < partitions) {
      const std::string line = render(m, o.topic);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
      next[m->partition] = m->offset + 1;
      ++read;
    }
    rd_kafka_message_destroy(m);
  }

  if (o.exact) {
    long long more = 0;
    const auto until = std::max(deadline, clock_type::now() + std::chrono::seconds(10));
    for (int p = 0; p < partitions; ++p) {
      const auto hi = watermarks(p, until).second;
      if (hi > next[p]) more += hi - next[p];
    }
    if (more > 0) {
      fail("--exact: topic '" + o.topic + "' holds " + std::to_string(more) +
           " message(s) more than the " + std::to_string(o.count) + " read");
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}
