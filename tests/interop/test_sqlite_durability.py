"""SQLite durability: informs and traps stream into `trapsink serve --sqlite` (raw UDP and
Net-SNMP's snmptrap/snmpinform) while the process is killed with SIGKILL mid-stream, several
times over the same database. After each kill the database passes `PRAGMA integrity_check`,
every stored event is whole (record, columns and varbinds agree), no more events are stored than
were sent, and the next start recovers it and goes on. After a clean SIGTERM every inform that
was acknowledged is stored.

Under the default inform_ack: accepted, informs are acknowledged once queued, not once
committed, so after SIGKILL an acknowledged inform may be missing; after SIGTERM none may. Under
inform_ack: durable an inform is acknowledged only after the SQLite transaction holding it
committed, so even after SIGKILL every acknowledged inform is stored."""
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import unittest

import packets as P
import v3_senders as V
from harness import Trapsink, run_tool
from sqlite_util import check_complete_rows, query, shell

IFINDEX = "1.3.6.1.2.1.2.2.1.1.1"
IFDESCR = "1.3.6.1.2.1.2.2.1.2.1"


class Stream:
    """Sends informs (waiting for each acknowledgement) and traps over raw UDP from threads, and
    Net-SNMP snmptrap/snmpinform processes from another, until stop(). Request-ids are unique
    across streams (base + counter) so stored records can be matched to what was sent."""

    def __init__(self, port, base):
        self.port = port
        self.base = base
        self.sent = 0
        self.acked = set()  # request-ids of acknowledged informs
        self.tool_acked = set()  # uptimes of snmpinform runs that exited 0 (acknowledged)
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=f, daemon=True)
                        for f in (self.informs, self.traps, self.netsnmp)]
        for t in self.threads:
            t.start()

    def next_id(self):
        with self.lock:
            self.sent += 1
            return self.base + self.sent

    def varbinds(self, rid, trap_oid):
        return [P.varbind(P.SYS_UPTIME_0, P.unsigned(rid % 4_000_000_000, 0x43)),
                P.varbind(P.SNMP_TRAP_OID_0, P.oid(trap_oid)),
                P.varbind(IFINDEX, P.integer(rid % 100000)),
                P.varbind(IFDESCR, P.octets(f"port-{rid}"))]

    def informs(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.3)
            s.bind(("127.0.0.1", 0))
            while self.running:
                rid = self.next_id()
                vbs = self.varbinds(rid, "1.3.6.1.6.3.1.1.5.4")
                # RFC 3416 §4.2.7: the Response repeats the request-id and the varbinds.
                expected = P.v2c_message("public", 0xA2, rid, vbs)
                try:
                    s.sendto(P.v2c_message("public", 0xA6, rid, vbs), ("127.0.0.1", self.port))
                    while True:  # skip late answers to earlier informs
                        reply, _ = s.recvfrom(65535)
                        if reply == expected:
                            with self.lock:
                                self.acked.add(rid)
                            break
                except (socket.timeout, ConnectionRefusedError):
                    continue

    def traps(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            while self.running:
                for _ in range(20):
                    rid = self.next_id()
                    try:
                        s.sendto(P.v2c_message("public", 0xA7, rid,
                                               self.varbinds(rid, "1.3.6.1.6.3.1.1.5.3")),
                                 ("127.0.0.1", self.port))
                    except ConnectionRefusedError:
                        pass
                time.sleep(0.005)  # about 4,000 traps/s: informs still get through

    def netsnmp(self):
        n = 0
        while self.running:
            n += 1
            uptime = self.base + 900_000 + n
            with self.lock:
                self.sent += 2
            run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{self.port}",
                      str(uptime), "1.3.6.1.6.3.1.1.5.1", IFDESCR, "s", "netsnmp trap"])
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "1",
                          f"127.0.0.1:{self.port}", str(uptime), "1.3.6.1.6.3.1.1.5.2"])
            if r.returncode == 0:
                with self.lock:
                    self.tool_acked.add(uptime)

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(timeout=10)


class SqliteDurability(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-sqlite-dur-")
        self.db = os.path.join(self.dir, "events.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_and_stop(self, base, sig, stream_for=0.7, config=None):
        """Start serve on the database, stream for a while, send sig mid-stream, then stop the
        stream. Returns (stream, exit code)."""
        ts = Trapsink("--community", "public", "--sqlite", self.db, config=config)
        try:
            stream = Stream(ts.port, base)
            time.sleep(stream_for)
            deadline = time.monotonic() + 5
            while not stream.acked and time.monotonic() < deadline:  # at least one ack first
                time.sleep(0.05)
            ts.proc.send_signal(sig)
            code = ts.proc.wait(timeout=20)
            stream.stop()
            return stream, code
        finally:
            ts.close()

    def test_sigkill_mid_stream_never_corrupts(self):
        sent = 0
        for cycle in range(3):
            stream, code = self.run_and_stop(cycle * 10_000_000, signal.SIGKILL)
            self.assertEqual(code, -signal.SIGKILL)
            sent += stream.sent
            self.assertGreater(len(stream.acked), 0)
            # The shell opens the database read-write: it replays the WAL as the next start does.
            self.assertEqual(shell(self.db, "PRAGMA integrity_check"), "ok", f"cycle {cycle}")
            records = check_complete_rows(self.db)
            print(f"cycle {cycle}: sent {stream.sent}, {len(stream.acked)} informs acknowledged, "
                  f"{len(records)} events stored in all", flush=True)
            self.assertLessEqual(len(records), sent)
            self.assertGreater(len(records), 0)
            ids = [r["id"] for r in records]
            self.assertEqual(len(ids), len(set(ids)))
        # The next start recovers the database and stores again.
        ts = Trapsink("--community", "public", "--sqlite", self.db)
        try:
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                          f"127.0.0.1:{ts.port}", "31337", "1.3.6.1.6.3.1.1.5.2"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(ts.stop(), 0)
        finally:
            ts.close()
        self.assertEqual(len(query(self.db, "--text", '"uptime":31337,')), 1)
        self.assertEqual(shell(self.db, "PRAGMA integrity_check"), "ok")

    def test_sigterm_keeps_every_acknowledged_inform(self):
        stream, code = self.run_and_stop(50_000_000, signal.SIGTERM)
        self.assertEqual(code, 0)
        self.assertGreater(len(stream.acked), 0)
        self.assertEqual(shell(self.db, "PRAGMA integrity_check"), "ok")
        records = check_complete_rows(self.db)
        stored = {r["request_id"] for r in records if r["pdu"] == "inform"}
        missing = stream.acked - stored
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged informs not stored")
        stored_uptimes = {r.get("uptime") for r in records if r["pdu"] == "inform"}
        self.assertEqual(stream.tool_acked - stored_uptimes, set())
        self.assertLessEqual(len(records), stream.sent)

    def test_sigkill_in_durable_mode_keeps_every_acknowledged_inform(self):
        config = {"inform_ack": "durable"}
        acked = set()
        tool_acked = set()
        for cycle in range(3):
            stream, code = self.run_and_stop(70_000_000 + cycle * 10_000_000, signal.SIGKILL,
                                             stream_for=1.0, config=config)
            self.assertEqual(code, -signal.SIGKILL)
            self.assertGreater(len(stream.acked), 0)
            acked |= stream.acked
            tool_acked |= stream.tool_acked
            self.assertEqual(shell(self.db, "PRAGMA integrity_check"), "ok", f"cycle {cycle}")
            records = check_complete_rows(self.db)
            informs = [r for r in records if r["pdu"] == "inform"]
            stored = {r["request_id"] for r in informs}
            missing = acked - stored
            print(f"durable cycle {cycle}: sent {stream.sent}, {len(stream.acked)} informs and "
                  f"{len(stream.tool_acked)} snmpinform runs acknowledged, {len(records)} events "
                  f"stored in all", flush=True)
            self.assertEqual(missing, set(),
                             f"cycle {cycle}: {len(missing)} acknowledged informs not stored")
            self.assertEqual(tool_acked - {r.get("uptime") for r in informs}, set())
            ids = [r["id"] for r in records]
            self.assertEqual(len(ids), len(set(ids)))

    def test_durable_informs_from_real_senders_of_every_version(self):
        """Under inform_ack: durable, snmpinform (v2c and v3 authPriv) and PySNMP (v3) informs are
        acknowledged (after the commit) and stored exactly once each."""
        user = V.user_for("SHA-256", "AES")
        config = {"inform_ack": "durable", "users": [user.config()]}
        ts = Trapsink("--community", "public", "--sqlite", self.db, config=config)
        try:
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                          f"127.0.0.1:{ts.port}", "501", "1.3.6.1.6.3.1.1.5.2"])
            self.assertEqual(r.returncode, 0, r.stderr)
            r = V.run(V.netsnmp_cmd(ts.port, user, inform=True, uptime=502, timeout=5))
            self.assertEqual(r.returncode, 0, r.stderr)
            r = V.run(V.pysnmp_cmd(ts.port, user, inform=True, uptime=503, timeout=5))
            self.assertEqual(r.returncode, 0, r.stderr)
            counters = ts.counters()
            log = ts.log()
        finally:
            ts.close()
        self.assertIn("inform_ack durable: informs are acknowledged once durable in: sqlite", log)
        self.assertEqual(counters.get('trapsink_durable_informs_total{outcome="confirmed"}'), 3,
                         counters)
        self.assertIsNone(counters.get('trapsink_durable_informs_total{outcome="unconfirmed"}'))
        records = check_complete_rows(self.db)
        uptimes = sorted(r.get("uptime") for r in records if r["pdu"] == "inform")
        self.assertEqual(uptimes, [501, 502, 503])

if __name__ == "__main__":
    unittest.main()
