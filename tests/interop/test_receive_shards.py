"""Receive shards (SO_REUSEPORT sockets, one thread each) and the kernel drop counter.

- With several shards, traps from many source ports are each recorded exactly once, and the
  listen address really has that many sockets (/proc/net/udp).
- Net-SNMP's snmpinform is acknowledged through shards, under inform_ack accepted and durable.
- A tiny SO_RCVBUF flooded while trapsink is stopped (SIGSTOP) loses datagrams in the kernel;
  after SIGCONT every datagram sent is either recorded or counted in
  trapsink_listener_kernel_drops_total (read from the shutdown summary).
- The receive_buffer warning names net.core.rmem_max when the kernel grants less.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import packets as P
from harness import TRAPSINK_BIN, InteropCase, Trapsink, run_tool

LISTENER = 'listener="udp:127.0.0.1:{}"'


def lines(ts):
    """Complete lines in trapsink's JSON-lines file (cheap: records() validates each one)."""
    try:
        with open(ts.jsonl, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def counter(counters, name, port, extra=""):
    labels = LISTENER.format(port) + extra
    return counters.get(f"{name}{{{labels}}}", 0)


def sockets_on_port(port):
    """How many UDP sockets are bound to this local port (IPv4), from /proc/net/udp."""
    n = 0
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            local = line.split()[1]
            if int(local.split(":")[1], 16) == port:
                n += 1
    return n


def trap(rid):
    return P.v2c_trap(request_id=rid, uptime=rid, trap_oid="1.3.6.1.6.3.1.1.5.3",
                      extra=[P.varbind("1.3.6.1.2.1.2.2.1.1.7", P.integer(rid))])


class ReceiveShards(InteropCase):
    def test_many_source_ports_each_recorded_once(self):
        with Trapsink("--receive-shards", "4") as ts:
            self.assertEqual(sockets_on_port(ts.port), 4)
            self.assertIn("(4 receive shards,", ts.log())
            socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(64)]
            sent = []
            try:
                rid = 1000
                for _ in range(25):
                    for s in socks:
                        s.sendto(trap(rid), ("127.0.0.1", ts.port))
                        sent.append(rid)
                        rid += 1
                    time.sleep(0.002)
            finally:
                ports = {s.getsockname()[1] for s in socks}
                for s in socks:
                    s.close()
            self.assertEqual(len(ports), 64)
            # Net-SNMP's snmptrap too, a process (a source port) per trap.
            for i in range(3):
                r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}",
                              str(900 + i), "1.3.6.1.6.3.1.1.5.4"])
                self.assertEqual(r.returncode, 0, r.stderr)
            recs = ts.wait_records(len(sent) + 3, timeout=30)
            c = ts.counters()
            recs = ts.records()
        drops = counter(c, "trapsink_listener_kernel_drops_total", ts.port)
        self.assertEqual(drops, 0, "the kernel dropped datagrams; the 8 MiB buffer should hold "
                                   "1,600 traps")
        ours = [r["request_id"] for r in recs if r["trap_oid"] == "1.3.6.1.6.3.1.1.5.3"]
        self.assertEqual(sorted(ours), sent)  # each exactly once
        self.assertEqual(sorted(r["uptime"] for r in recs if r["trap_oid"].endswith(".5.4")),
                         [900, 901, 902])
        self.assertEqual(len({r["source"]["port"] for r in recs}), 64 + 3)
        self.assertEqual(counter(c, "trapsink_listener_received_total", ts.port), len(sent) + 3)
        self.assertEqual(counter(c, "trapsink_listener_recorded_total", ts.port), len(sent) + 3)

    def test_snmpinform_acknowledged_through_shards(self):
        for mode in ("accepted", "durable"):
            with self.subTest(inform_ack=mode):
                cfg = {"inform_ack": mode, "receive_shards": 3,
                       "jsonl": {"path": "unused.jsonl", "durable": mode == "durable"}}
                with Trapsink(config=cfg) as ts:
                    self.assertEqual(sockets_on_port(ts.port), 3)
                    for i in range(8):
                        r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0",
                                      "-t", "5", f"127.0.0.1:{ts.port}", str(i),
                                      "1.3.6.1.6.3.1.1.5.1"])
                        self.assertEqual(r.returncode, 0, "not acknowledged: " + r.stderr)
                    recs = ts.wait_records(8)
                    self.assertEqual(sorted(r["uptime"] for r in recs), list(range(8)))
                    c = ts.counters()
                self.assertEqual(
                    counter(c, "trapsink_listener_informs_acknowledged_total", ts.port), 8)

    def test_single_shard_has_one_socket(self):
        with Trapsink("--receive-shards", "1") as ts:
            self.assertEqual(sockets_on_port(ts.port), 1)
            self.assertIn("(1 receive shard,", ts.log())

    def test_kernel_drops_are_counted(self):
        # 4 KiB asked for: the kernel grants its minimum (a few KiB), a handful of datagrams.
        with Trapsink("--receive-shards", "1", "--receive-buffer", "4096") as ts:
            n = 3000
            os.kill(ts.proc.pid, signal.SIGSTOP)
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    for rid in range(1, n + 1):
                        s.sendto(trap(rid), ("127.0.0.1", ts.port))
            finally:
                os.kill(ts.proc.pid, signal.SIGCONT)
            # Wait until the records stop growing (what the buffer held is written quickly).
            last, stable_since = -1, time.monotonic()
            while time.monotonic() - stable_since < 1.0:
                now = lines(ts)
                if now != last:
                    last, stable_since = now, time.monotonic()
                time.sleep(0.05)
            c = ts.counters()
            recs = ts.records()
        drops = counter(c, "trapsink_listener_kernel_drops_total", ts.port)
        recorded = counter(c, "trapsink_listener_recorded_total", ts.port)
        self.assertGreater(drops, 0, c)
        self.assertGreater(recorded, 0, c)
        self.assertEqual(recorded, len(recs))
        self.assertEqual(recorded + drops, n, c)
        self.assertEqual(len({r["request_id"] for r in recs}), len(recs))

    def test_receive_buffer_cap_is_warned(self):
        with open("/proc/sys/net/core/rmem_max") as f:
            rmem_max = int(f.read())
        ask = rmem_max * 2
        if ask > 1 << 30:
            self.skipTest(f"net.core.rmem_max is {rmem_max}: cannot ask for more than it")
        with Trapsink("--receive-shards", "1", "--receive-buffer", str(ask)) as ts:
            log = ts.log()
        self.assertIn(f"asked for a receive buffer of {ask} bytes, the kernel granted "
                      f"{rmem_max}", log)
        self.assertIn(f"sysctl -w net.core.rmem_max={ask}", log)

    def test_bad_shard_count_is_refused(self):
        r = subprocess.run([TRAPSINK_BIN, "serve", "--receive-shards", "1000"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--receive-shards", r.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("receive_shards: 257\n")
            f.flush()
            r = subprocess.run([TRAPSINK_BIN, "check-config", "--config", f.name],
                               capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("receive_shards: 257 is out of range; expected an integer from 0 to 256",
                      r.stderr)

if __name__ == "__main__":
    unittest.main()
