#include "http/prometheus.hpp"

#include <gtest/gtest.h>

namespace trapsink::http {
namespace {

TEST(Prometheus, RendersCountersAndGaugesWithHelpAndType) {
  core::metrics_registry m;
  m.get("trapsink_sink_sent_total", "sink=\"sqlite\"", "Records a sink accepted.").inc(3);
  m.get("trapsink_sink_sent_total", "sink=\"jsonl\"").inc(5);
  m.get("snmp_in_pkts_total", {}, "snmpInPkts").inc();
  m.set_gauge("trapsink_sink_queue_depth", "sink=\"sqlite\"", "Records queued.",
              [] { return 7.0; });
  EXPECT_EQ(render_prometheus(m),
            "# HELP snmp_in_pkts_total snmpInPkts\n"
            "# TYPE snmp_in_pkts_total counter\n"
            "snmp_in_pkts_total 1\n"
            "# HELP trapsink_sink_sent_total Records a sink accepted.\n"
            "# TYPE trapsink_sink_sent_total counter\n"
            "trapsink_sink_sent_total{sink=\"jsonl\"} 5\n"
            "trapsink_sink_sent_total{sink=\"sqlite\"} 3\n"
            "# HELP trapsink_sink_queue_depth Records queued.\n"
            "# TYPE trapsink_sink_queue_depth gauge\n"
            "trapsink_sink_queue_depth{sink=\"sqlite\"} 7\n");
  m.remove_gauges("trapsink_sink_queue_depth");
  EXPECT_EQ(render_prometheus(m).find("queue_depth"), std::string::npos);
}

TEST(Prometheus, EscapesLabelValuesAndHelp) {
  // Raw values as the registry holds them: a route named by the user.
  EXPECT_EQ(escape_labels(R"(route="a"b\c")"), R"(route="a\"b\\c")");
  EXPECT_EQ(escape_labels("route=\"line\nbreak\",code=\"200\""),
            R"(route="line\nbreak",code="200")");
  EXPECT_EQ(escape_labels(R"(route="x",y",code="1")"), R"(route="x\",y",code="1")");
  EXPECT_EQ(escape_labels(R"(listener="udp:127.0.0.1:162",reason="bad")"),
            R"(listener="udp:127.0.0.1:162",reason="bad")");
  EXPECT_EQ(escape_help("a\\b\nc"), "a\\\\b\\nc");
}

}  // namespace
}  // namespace trapsink::http
