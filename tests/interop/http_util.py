"""Helpers for the HTTP interop tests: a `trapsink serve` with SQLite and the HTTP listener on
free loopback ports, real HTTP requests (urllib), a Prometheus text parser and an SSE reader."""
import json
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request

from harness import Trapsink

HTTP_RE = re.compile(r"HTTP API on http://(127\.0\.0\.1|\[::1\]):(\d+)/")
# One sample line of the text exposition format 0.0.4.
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
                       r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (\S+)$')


def start_http_trapsink(*extra, token=None, config=None, mib_index="none", sqlite=True):
    """A running `trapsink serve --sqlite DB --http 127.0.0.1:0 ...` (harness.Trapsink) with
    .http (the base URL, learnt from the log), .db and .token. close() removes the database."""
    d = tempfile.mkdtemp(prefix="trapsink-http-db-")
    db = os.path.join(d, "events.db")
    args = (["--sqlite", db] if sqlite else []) + ["--http", "127.0.0.1:0", *extra]
    ts = Trapsink(*args, config=config, mib_index=mib_index)
    ts.db, ts.token = db, token
    close = ts.close

    def close_all():
        close()
        shutil.rmtree(d, ignore_errors=True)
    ts.close = close_all
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        m = HTTP_RE.search(ts.log())
        if m:
            ts.http = f"http://127.0.0.1:{m.group(2)}"
            return ts
        time.sleep(0.02)
    ts.close()
    raise RuntimeError("trapsink did not report its HTTP listener:\n" + ts.log())


def request(ts, path, token=None, method="GET", headers=None, timeout=10):
    """(status, headers, body bytes) of one request; never raises for an HTTP error status."""
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(ts.http + path, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def get_json(ts, path, token=None):
    status, headers, body = request(ts, path, token=token)
    return status, json.loads(body)


def parse_prometheus(text):
    """{(name, labels-text): value} from the text format; raises on a malformed line and checks
    that every sample's metric has exactly one # TYPE line before it."""
    samples = {}
    typed = {}
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert name not in typed, f"two TYPE lines for {name}"
            assert kind in ("counter", "gauge"), line
            typed[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        assert not line.startswith("#"), f"unexpected comment: {line!r}"
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample line of the text format: {line!r}"
        name, labels, value = m.group(1), (m.group(2) or "")[1:-1], m.group(3)
        assert name in typed, f"sample before its TYPE line: {line!r}"
        key = (name, labels)
        assert key not in samples, f"repeated sample {key}"
        samples[key] = float(value)
    return samples


class SseReader(threading.Thread):
    """Reads /api/events/stream in a thread; .events holds (event, id, data) as they arrive."""

    def __init__(self, ts, token=None, timeout=20):
        super().__init__(daemon=True)
        self.ts, self.token, self.timeout = ts, token, timeout
        self.events = []
        self.connected = threading.Event()
        self.status = None
        self.error = None

    def run(self):
        h = {"Accept": "text/event-stream"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.ts.http + "/api/events/stream", headers=h)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                self.status = r.status
                self.content_type = r.headers.get("Content-Type")
                event = {}
                for raw in r:
                    line = raw.decode("utf-8").rstrip("\n")
                    if line.startswith(":"):
                        self.connected.set()  # the server's opening comment
                        continue
                    if line == "":
                        if "data" in event:
                            self.events.append((event.get("event"), event.get("id"),
                                                event["data"]))
                        event = {}
                        continue
                    field, _, value = line.partition(": ")
                    event[field] = value
        except Exception as e:  # the socket timeout or the server closing ends the reader
            self.error = e
        finally:
            self.connected.set()

    def wait_events(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.events) < n:
            time.sleep(0.02)
        return list(self.events)
