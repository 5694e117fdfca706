"""/readyz and trapsink_sink_up follow the real Kafka broker: ready while it delivers; after
deploy/kafka-dev.sh stop and a trap from Net-SNMP's snmptrap, 503 naming the kafka sink while
/healthz stays 200; after start, ready again once the held record is delivered (and it is on the
topic once). The broker is shared by the other `kafka` tests: it is started again whatever
happens.

Environment (set by ctest, tests/kafka/CMakeLists.txt): as test_e2e_routes.py."""
import os
import sys
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

from harness import InteropCase, run_tool  # noqa: E402
from http_util import get_json, parse_prometheus, request, start_http_trapsink  # noqa: E402
from test_durable_kafka import BROKER_BACK, broker  # noqa: E402
from test_e2e_routes import broker_bootstrap, consume  # noqa: E402

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"


class KafkaReadiness(InteropCase):
    def setUp(self):
        self.brokers = broker_bootstrap()
        self.addCleanup(broker, "start")
        self.topic = "trapsink-ready-" + uuid.uuid4().hex[:16]

    def trap(self, ts, marker):
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "",
                      LINK_DOWN, SYS_LOCATION, "s", marker])
        self.assertEqual(r.returncode, 0, r.stderr)

    def kafka_up(self, ts):
        _, _, body = request(ts, "/metrics")
        return parse_prometheus(body.decode("utf-8"))[("trapsink_sink_up", 'sink="kafka"')]

    def wait_readyz(self, ts, want_status, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = get_json(ts, "/readyz")
            if last[0] == want_status:
                return last[1]
            time.sleep(0.2)
        self.fail(f"/readyz not {want_status} within {timeout} s (last: {last}):\n{ts.log()}")

    def test_readiness_follows_the_broker(self):
        ts = start_http_trapsink(sqlite=False, config={
            "communities": ["public"], "shutdown_deadline": "2s",
            "kafka": {"brokers": self.brokers, "topic": self.topic, "delivery_wait": "2s"}})
        try:
            first = "ready-" + uuid.uuid4().hex
            self.trap(ts, first)
            consume(self.brokers, self.topic, 1, "--exact")
            self.assertEqual(self.wait_readyz(ts, 200, 30), {"ready": True, "problems": []})
            self.assertEqual(self.kafka_up(ts), 1)

            broker("stop")
            second = "held-" + uuid.uuid4().hex
            self.trap(ts, second)
            body = self.wait_readyz(ts, 503, BROKER_BACK)
            problems = [p for p in body["problems"] if p.startswith("sink kafka: ")]
            self.assertEqual(len(problems), 1, body)
            self.assertEqual(self.kafka_up(ts), 0)
            self.assertEqual(get_json(ts, "/healthz"), (200, {"status": "ok"}))

            self.assertEqual(broker("start"), self.brokers)
            self.assertEqual(self.wait_readyz(ts, 200, BROKER_BACK),
                             {"ready": True, "problems": []})
            self.assertEqual(self.kafka_up(ts), 1)
            msgs = consume(self.brokers, self.topic, 2, "--exact", timeout=120)
            values = [str(m["value"]["varbinds"][-1]["value"]) for m in msgs]
            for marker in (first, second):
                self.assertEqual(sum(marker in v for v in values), 1, (marker, values))
            self.assertEqual(ts.stop(), 0, ts.log())
        finally:
            ts.close()


if __name__ == "__main__":
    unittest.main()
