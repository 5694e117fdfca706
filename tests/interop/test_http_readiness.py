"""/readyz and trapsink_sink_up reflect the sinks, against a running `trapsink serve --http`
with real HTTP requests and traps from Net-SNMP's snmptrap: a JSON-lines sink writing to
/dev/full (ENOSPC) makes /readyz answer 503 naming the sink and the error while /healthz stays
200 and the healthy sinks keep writing; a Kafka sink whose only broker is a closed loopback port
makes it 503 naming kafka; a healthy serve is ready with every sink up."""
import socket
import time
import unittest
import uuid

from harness import InteropCase, run_tool
from http_util import get_json, parse_prometheus, request, start_http_trapsink

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"


def closed_loopback_port():
    """A TCP port on 127.0.0.1 nobody listens on (bound, then closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkReadiness(InteropCase):
    def trap(self, ts, marker):
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "",
                      LINK_DOWN, SYS_LOCATION, "s", marker])
        self.assertEqual(r.returncode, 0, r.stderr)

    def sink_up(self, ts):
        status, _, body = request(ts, "/metrics")
        self.assertEqual(status, 200)
        m = parse_prometheus(body.decode("utf-8"))
        return {labels: v for (name, labels), v in m.items() if name == "trapsink_sink_up"}

    def wait_not_ready(self, ts, needle, timeout):
        deadline = time.monotonic() + timeout
        body = None
        while time.monotonic() < deadline:
            status, body = get_json(ts, "/readyz")
            if status == 503 and any(needle in p for p in body["problems"]):
                return body
            time.sleep(0.1)
        self.fail(f"/readyz never reported {needle!r} within {timeout} s (last: {body}):\n"
                  f"{ts.log()}")

    def test_healthy_serve_is_ready_with_every_sink_up(self):
        ts = start_http_trapsink()
        try:
            marker = "ready-" + uuid.uuid4().hex
            self.trap(ts, marker)
            recs = ts.wait_records(1)
            self.assertIn(marker, recs[0]["varbinds"][-1]["value"])
            self.assertEqual(get_json(ts, "/readyz"), (200, {"ready": True, "problems": []}))
            self.assertEqual(self.sink_up(ts), {'sink="jsonl"': 1, 'sink="sqlite"': 1})
        finally:
            ts.close()

    def test_jsonl_to_dev_full_makes_readyz_503_naming_the_sink(self):
        config = {"sinks": [{"name": "full", "type": "jsonl", "path": "/dev/full"}],
                  "shutdown_deadline": "1s"}
        ts = start_http_trapsink(config=config)
        try:
            # Ready before anything was written: /dev/full opens fine.
            self.assertEqual(get_json(ts, "/readyz"), (200, {"ready": True, "problems": []}))
            marker = "full-" + uuid.uuid4().hex
            self.trap(ts, marker)
            body = self.wait_not_ready(ts, "sink full:", 30)
            self.assertFalse(body["ready"])
            problem = [p for p in body["problems"] if p.startswith("sink full:")]
            self.assertEqual(len(problem), 1, body)
            self.assertIn("write to '/dev/full' failed: No space left on device", problem[0])
            self.assertRegex(problem[0], r"\(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\)$")
            # Only that sink: the others are fine and keep writing; the process is alive.
            self.assertEqual(len(body["problems"]), 1, body)
            self.assertEqual(get_json(ts, "/healthz"), (200, {"status": "ok"}))
            self.assertEqual(self.sink_up(ts),
                             {'sink="jsonl"': 1, 'sink="sqlite"': 1, 'sink="full"': 0})
            recs = ts.wait_records(1)
            self.assertIn(marker, recs[0]["varbinds"][-1]["value"])
        finally:
            ts.close()

    def test_kafka_without_a_reachable_broker_makes_readyz_503_naming_kafka(self):
        port = closed_loopback_port()
        ts = start_http_trapsink(config={
            "shutdown_deadline": "1s",
            "kafka": {"brokers": f"127.0.0.1:{port}", "delivery_wait": "2s",
                      "flush_timeout": "1s"}})
        try:
            self.trap(ts, "kafka-" + uuid.uuid4().hex)
            # librdkafka reports the refused connections after its own reconnect backoff, and
            # the write gives up after delivery_wait: wait generously.
            body = self.wait_not_ready(ts, "sink kafka:", 60)
            problem = [p for p in body["problems"] if p.startswith("sink kafka:")]
            self.assertEqual(len(problem), 1, body)
            self.assertIn(f"127.0.0.1:{port}", problem[0])
            self.assertEqual(get_json(ts, "/healthz"), (200, {"status": "ok"}))
            self.assertEqual(self.sink_up(ts)['sink="kafka"'], 0)
            self.assertEqual(self.sink_up(ts)['sink="sqlite"'], 1)
        finally:
            ts.close()


if __name__ == "__main__":
    unittest.main()
