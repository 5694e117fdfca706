"""The HTTP API against a running `trapsink serve --sqlite DB --http 127.0.0.1:0`, driven by
Net-SNMP's snmptrap and real HTTP requests (urllib): /metrics parses as Prometheus text and
counts exactly the traps sent; /api/events returns them with exact filter and cursor-paging
results; /api/events/stream delivers a trap as it arrives; /healthz and /readyz; bad requests
get a 4xx; the bearer token; a non-loopback address without a token is refused."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import TRAPSINK_BIN, InteropCase, run_tool
from http_util import SseReader, get_json, parse_prometheus, request, start_http_trapsink

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"


class HttpApi(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = start_http_trapsink("--community", "public")

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def trap(self, trap_oid, if_index, marker):
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "",
                      trap_oid, f"{IF_INDEX}.{if_index}", "i", str(if_index),
                      SYS_LOCATION, "s", marker])
        self.assertEqual(r.returncode, 0, r.stderr)

    def events(self, query):
        status, body = get_json(self.ts, "/api/events?" + query)
        self.assertEqual(status, 200, body)
        return body

    def wait_stored(self, marker, n, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.events(f"text={marker}&limit=1000")
            if body["count"] >= n:
                return body["events"]
            time.sleep(0.05)
        self.fail(f"{n} events with {marker} not stored in {timeout} s:\n{self.ts.log()}")

    def metrics(self):
        status, headers, body = request(self.ts, "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"),
                        headers["Content-Type"])
        return parse_prometheus(body.decode("utf-8"))

    def test_metrics_count_exactly_the_traps_sent(self):
        before = self.metrics()
        marker = "metrics-" + uuid.uuid4().hex
        for i in range(1, 4):
            self.trap(LINK_DOWN, i, marker)
        self.wait_stored(marker, 3)
        after = self.metrics()
        for key in [("snmp_in_pkts_total", ""),
                    ("trapsink_sink_received_total", 'sink="sqlite"'),
                    ("trapsink_sink_sent_total", 'sink="sqlite"'),
                    ("trapsink_route_matched_total", 'route="(default)"')]:
            self.assertEqual(after[key] - before.get(key, 0), 3, key)
        self.assertIn(("trapsink_sink_queue_depth", 'sink="sqlite"'), after)
        self.assertIn(("trapsink_sink_queue_depth", 'sink="jsonl"'), after)
        # Every counter is a whole number; the HTTP requests count themselves by route.
        self.assertGreaterEqual(after[("trapsink_http_requests_total",
                                       'route="/metrics",code="200"')], 1)

    def test_events_filters_and_cursor_paging(self):
        marker = "events-" + uuid.uuid4().hex
        sent = [(LINK_DOWN, 1), (LINK_DOWN, 2), (LINK_UP, 3), (LINK_DOWN, 4), (LINK_UP, 5)]
        for oid, i in sent:
            self.trap(oid, i, marker)
        events = self.wait_stored(marker, 5)
        self.assertEqual(len(events), 5)
        # Newest first: the if-indexes in reverse order of sending.
        self.assertEqual([e["varbinds"][0]["value"] for e in events], [5, 4, 3, 2, 1])
        for e in events:
            self.assertRecordCommon(e, "2c", "trap")
            self.assertEqual(e["varbinds"][1], {"oid": SYS_LOCATION, "type": "OctetString",
                                                "value": marker, "encoding": "text"})

        def ifs(query):
            return [e["varbinds"][0]["value"] for e in self.events(query)["events"]]

        self.assertEqual(ifs(f"text={marker}&trap=linkUp"), [5, 3])
        self.assertEqual(ifs(f"text={marker}&trap={LINK_DOWN}"), [4, 2, 1])
        self.assertEqual(ifs(f"text={marker}&trap=IF-MIB::linkUp"), [5, 3])
        self.assertEqual(ifs(f"text={marker}&varbind={IF_INDEX}.4=4"), [4])
        self.assertEqual(ifs(f"text={marker}&varbind={IF_INDEX}.4"), [4])
        self.assertEqual(ifs(f"text={marker}&varbind={IF_INDEX}.4=5"), [])
        self.assertEqual(ifs(f"text={marker}&source=127.0.0.1"), [5, 4, 3, 2, 1])
        self.assertEqual(ifs(f"text={marker}&source=127.0.0.0%2F8"), [5, 4, 3, 2, 1])
        self.assertEqual(ifs(f"text={marker}&source=192.0.2.0%2F24"), [])
        self.assertEqual(ifs(f"text={marker}&since=1h"), [5, 4, 3, 2, 1])
        self.assertEqual(ifs(f"text={marker}&until=2001-01-01"), [])
        # Paging: two per page, the cursor of each page leads to the next, the last has none.
        pages, cursor = [], None
        while True:
            q = f"text={marker}&limit=2" + (f"&cursor={cursor}" if cursor else "")
            body = self.events(q)
            pages.append([e["varbinds"][0]["value"] for e in body["events"]])
            self.assertEqual(body["count"], len(body["events"]))
            cursor = body["next_cursor"]
            if cursor is None:
                break
            self.assertLess(len(pages), 5, pages)
        self.assertEqual(pages, [[5, 4], [3, 2], [1]])
        # A full last page still has a cursor; the page after it is empty.
        body = self.events(f"text={marker}&trap=linkUp&limit=2")
        self.assertEqual([e["varbinds"][0]["value"] for e in body["events"]], [5, 3])
        self.assertEqual(self.events(f"text={marker}&trap=linkUp&limit=2&cursor="
                                     f"{body['next_cursor']}"),
                         {"events": [], "count": 0, "next_cursor": None})

    def test_bad_parameters_get_400_with_the_reason(self):
        for query, words in [("limit=0", "limit"), ("limit=x", "limit"),
                             ("cursor=nonsense", "cursor"), ("since=yesterday", "since"),
                             ("source=not-an-address", "source"), ("colour=red", "colour"),
                             ("trap=1.3..6", "trap"), ("text=a%2", "%")]:
            status, body = get_json(self.ts, "/api/events?" + query)
            self.assertEqual(status, 400, query)
            self.assertIn(words, body["error"], query)

    def test_stream_delivers_a_trap_sent_by_snmptrap(self):
        reader = SseReader(self.ts, timeout=20)
        reader.start()
        self.assertTrue(reader.connected.wait(10))
        self.assertEqual(reader.status, 200, reader.error)
        self.assertEqual(reader.content_type, "text/event-stream")
        marker = "stream-" + uuid.uuid4().hex
        # The subscription is registered before the first bytes are sent back.
        self.trap(LINK_UP, 9, marker)
        got = [e for e in reader.wait_events(1) if marker in e[2]]
        self.assertEqual(len(got), 1, (reader.events, reader.error))
        event, event_id, data = got[0]
        self.assertEqual(event, "record")
        rec = json.loads(data)
        self.assertEqual(rec["id"], event_id)
        self.assertEqual(rec["trap_oid"], LINK_UP)
        self.assertEqual(rec["varbinds"][0], {"oid": f"{IF_INDEX}.9", "type": "Integer32",
                                              "value": 9})
        # The streamed record is the stored one, byte for byte in content.
        stored = self.wait_stored(marker, 1)
        self.assertEqual(stored[0], rec)

    def test_health_and_readiness(self):
        self.assertEqual(get_json(self.ts, "/healthz"), (200, {"status": "ok"}))
        self.assertEqual(get_json(self.ts, "/readyz"), (200, {"ready": True, "problems": []}))

    def test_bad_requests_get_4xx(self):
        status, body = get_json(self.ts, "/nothing-here")
        self.assertEqual(status, 404)
        self.assertIn("/nothing-here", body["error"])
        status, headers, body = request(self.ts, "/metrics", method="POST")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET, HEAD")
        port = int(self.ts.http.rsplit(":", 1)[1])

        def raw(data):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(data)
                out = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        return out
                    out += chunk

        self.assertTrue(raw(b"NOT HTTP AT ALL\r\n\r\n").startswith(b"HTTP/1.1 400 "))
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
        self.assertTrue(raw(big).startswith(b"HTTP/1.1 431 "))
        body = b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        self.assertTrue(raw(body).startswith(b"HTTP/1.1 413 "))
        # The server is still there.
        self.assertEqual(get_json(self.ts, "/healthz")[0], 200)


class HttpWithoutStore(InteropCase):
    def test_events_without_sqlite_say_how_to_enable_it(self):
        ts = start_http_trapsink(sqlite=False)
        try:
            status, body = get_json(ts, "/api/events")
            self.assertEqual(status, 404)
            self.assertIn("--sqlite", body["error"])
            self.assertEqual(get_json(ts, "/healthz")[0], 200)
        finally:
            ts.close()


class HttpToken(InteropCase):
    TOKEN = "s3cr3t-" + uuid.uuid4().hex

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="trapsink-http-token-")
        cls.token_file = os.path.join(cls.dir, "token")
        with open(cls.token_file, "w") as f:
            f.write(cls.TOKEN + "\n")
        cls.ts = start_http_trapsink(config={"http": {"token_file": cls.token_file}},
                                     token=cls.TOKEN)

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_every_endpoint_but_healthz_needs_the_token(self):
        for path in ["/metrics", "/readyz", "/api/events", "/api/events/stream"]:
            status, headers, _ = request(self.ts, path)
            self.assertEqual(status, 401, path)
            self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="trapsink"')
            status, _, _ = request(self.ts, path, token="wrong" + self.TOKEN)
            self.assertEqual(status, 401, path)
            status, _, _ = request(self.ts, path, token=self.TOKEN[:-1])
            self.assertEqual(status, 401, path)
        for path in ["/metrics", "/readyz", "/api/events"]:
            self.assertEqual(request(self.ts, path, token=self.TOKEN)[0], 200, path)
        # RFC 6750 §2.3, for EventSource: the token as a query parameter.
        self.assertEqual(request(self.ts, "/metrics?access_token=" + self.TOKEN)[0], 200)
        self.assertEqual(get_json(self.ts, "/healthz"), (200, {"status": "ok"}))

    def test_stream_with_the_token(self):
        reader = SseReader(self.ts, token=self.TOKEN, timeout=5)
        reader.start()
        self.assertTrue(reader.connected.wait(10))
        self.assertEqual(reader.status, 200, reader.error)


class HttpRefusals(InteropCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="trapsink-http-cfg-")
        self.addCleanup(self.tmp.cleanup)

    def run_trapsink(self, *args, config=None):
        d = self.tmp.name
        extra = []
        if config is not None:
            path = os.path.join(d, "config.yaml")
            with open(path, "w") as f:
                f.write(config)
            extra = ["--config", path]
        return subprocess.run([TRAPSINK_BIN, *args, *extra], capture_output=True, text=True,
                              timeout=20)

    def test_non_loopback_without_a_token_is_refused(self):
        r = self.run_trapsink("check-config", config="http:\n  listen: 0.0.0.0:8162\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("config.yaml:2:", r.stderr)  # the http map's place
        self.assertIn("0.0.0.0:8162 is not a loopback address", r.stderr)
        self.assertIn("token_file", r.stderr)
        r = self.run_trapsink("serve", "--listen", "udp:127.0.0.1:0", "--http", "0.0.0.0:0")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is not a loopback address", r.stderr)

    def test_non_loopback_with_a_token_is_accepted(self):
        r = self.run_trapsink("check-config",
                              config="http:\n  listen: '[::]:8162'\n  token: abc-123\n")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("http: http://[::]:8162/ (bearer token required)", r.stdout)

    def test_bad_http_settings_are_refused(self):
        for cfg, words in [("http:\n  listen: example.com:80\n", "not an IP address"),
                           ("http:\n  listen: 127.0.0.1:99999\n", "port"),
                           ("http:\n  listen: 127.0.0.1:8162\n  colour: red\n", "colour"),
                           ("http:\n  token: 'a b'\n", "space"),
                           ("http:\n  token_file: /nonexistent/token\n", "cannot read"),
                           ("http: 8162\n", "expected a map")]:
            r = self.run_trapsink("check-config", config=cfg)
            self.assertEqual(r.returncode, 2, cfg + r.stderr)
            self.assertIn(words, r.stderr, cfg)
        r = self.run_trapsink("serve", "--http", "localhost:8162")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--http: ", r.stderr)


if __name__ == "__main__":
    unittest.main()
