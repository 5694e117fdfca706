"""Named sinks (`sinks:`) end to end with Net-SNMP's snmptrap: the top-level JSON lines (--jsonl),
two named JSON-lines sinks and a named SQLite sink; routes send linkDown to [critical, store],
linkUp to [jsonl, critical], the rest to default_sinks [jsonl]. Each file and the database hold
exactly the records routed to them, and the shutdown counters are labelled by sink name."""
import json
import os
import shutil
import signal
import tempfile
import time
import unittest

from harness import RECORD_VALIDATOR, InteropCase, Trapsink, run_tool
from sqlite_util import query, wait_rows

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
COLD_START = "1.3.6.1.6.3.1.1.5.1"
# Each trap is told apart by the sysUpTime snmptrap sends.
UPTIME = {LINK_DOWN: 1111, LINK_UP: 2222, COLD_START: 3333}


def read_jsonl(path):
    """The complete records of a JSON-lines file ([] when it is absent)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = f.read().split("\n")
    recs = [json.loads(line) for line in lines[:-1] if line.strip()]
    for rec in recs:
        RECORD_VALIDATOR.validate(rec)
    return recs


def keys(records):
    """(uptime, trap_oid) of each record, sorted."""
    return sorted((r["uptime"], r["trap_oid"]) for r in records)


class NamedSinks(InteropCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-named-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.critical = os.path.join(self.dir, "critical.jsonl")
        self.audit = os.path.join(self.dir, "audit.jsonl")
        self.db = os.path.join(self.dir, "store.db")

    def wait_lines(self, path, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(read_jsonl(path)) >= n:
                return
            time.sleep(0.02)
        self.fail(f"{path}: expected {n} records, got {len(read_jsonl(path))}")

    def test_routes_fan_out_to_named_sinks(self):
        config = {
            "sinks": [
                {"name": "critical", "type": "jsonl", "path": self.critical,
                 "fsync": "batch", "durable": True},
                {"name": "audit", "type": "jsonl", "path": self.audit},
                {"name": "store", "type": "sqlite", "path": self.db, "queue_capacity": 1000},
            ],
            "routes": [
                {"name": "down", "match": {"trap": [LINK_DOWN]}, "sinks": ["critical", "store"]},
                {"name": "up", "match": {"trap": [LINK_UP]}, "sinks": ["jsonl", "critical"]},
            ],
            "default_sinks": ["jsonl"],
        }
        with Trapsink(config=config) as ts:
            for oid in (LINK_DOWN, LINK_UP, COLD_START):
                r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}",
                              str(UPTIME[oid]), oid, "1.3.6.1.2.1.2.2.1.1.7", "i", "7"])
                self.assertEqual(r.returncode, 0, r.stderr)
            ts.wait_records(2)
            self.wait_lines(self.critical, 2)
            wait_rows(self.db, 1)
            counters = ts.counters()
            log = ts.log()
            top = ts.records()

        self.assertEqual(keys(top), [(2222, LINK_UP), (3333, COLD_START)])
        self.assertEqual(keys(read_jsonl(self.critical)), [(1111, LINK_DOWN), (2222, LINK_UP)])
        # Opened at start, routed nothing.
        self.assertTrue(os.path.exists(self.audit))
        self.assertEqual(read_jsonl(self.audit), [])
        stored = query(self.db, "--limit", "0")
        self.assertEqual(keys(stored), [(1111, LINK_DOWN)])
        # The same record (same id) in every sink it was routed to.
        critical_ids = {r["trap_oid"]: r["id"] for r in read_jsonl(self.critical)}
        self.assertEqual(stored[0]["id"], critical_ids[LINK_DOWN])
        self.assertEqual(top[0]["id"], critical_ids[LINK_UP])

        for sink, n in (("jsonl", 2), ("critical", 2), ("store", 1)):
            self.assertEqual(counters.get(f'trapsink_sink_sent_total{{sink="{sink}"}}'), n,
                             counters)
            self.assertEqual(counters.get(f'trapsink_sink_received_total{{sink="{sink}"}}'), n,
                             counters)
        self.assertIsNone(counters.get('trapsink_sink_received_total{sink="audit"}'), counters)
        self.assertIsNone(counters.get('trapsink_sink_sent_total{sink="sqlite"}'), counters)
        self.assertIn(f"sink critical: writing JSON lines to '{self.critical}'", log)
        self.assertIn("sink store: queue_capacity 1000, overflow drop_newest, durable", log)

    def test_sighup_reopens_every_jsonl_file(self):
        config = {"sinks": [{"name": "critical", "type": "jsonl", "path": self.critical}],
                  "default_sinks": ["jsonl", "critical"]}
        with Trapsink(config=config) as ts:
            def trap(uptime):
                r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}",
                              str(uptime), LINK_DOWN])
                self.assertEqual(r.returncode, 0, r.stderr)

            trap(1)
            ts.wait_records(1)
            self.wait_lines(self.critical, 1)
            # logrotate's move, then SIGHUP: both sinks start new files.
            os.rename(ts.jsonl, ts.jsonl + ".1")
            os.rename(self.critical, self.critical + ".1")
            ts.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while ts.log().count("SIGHUP: reopening") < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            trap(2)
            ts.wait_records(1)
            self.wait_lines(self.critical, 1)
            self.assertIn(f"SIGHUP: reopening {ts.jsonl}", ts.log())
            self.assertIn(f"SIGHUP: reopening {self.critical}", ts.log())
            for path in (ts.jsonl, self.critical):
                self.assertEqual(keys(read_jsonl(path + ".1")), [(1, LINK_DOWN)], path)
                self.assertEqual(keys(read_jsonl(path)), [(2, LINK_DOWN)], path)


if __name__ == "__main__":
    unittest.main()
