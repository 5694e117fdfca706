"""Shared helpers for interop tests: run a real `trapsink serve` on a loopback port and drive it
with real peers (Net-SNMP's snmptrap/snmpinform, raw UDP). Standard library only.

Environment:
  TRAPSINK_BIN   path to the trapsink binary (set by ctest)
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import jsonschema

TRAPSINK_BIN = os.environ.get("TRAPSINK_BIN", "trapsink")
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                           "record.schema.json")
with open(SCHEMA_PATH) as _f:
    RECORD_VALIDATOR = jsonschema.Draft202012Validator(json.load(_f))
LISTEN_RE = re.compile(r"listening on (udp6?):(\[[^\]]+\]|[^:\s]+):(\d+)")


class Trapsink:
    """A running `trapsink serve` writing JSON lines to a temporary file.

    Listens on port 0 (the kernel picks a free port) and learns the bound ports from its log.
    """

    def __init__(self, *extra_args, listen=("udp:127.0.0.1:0",)):
        self.dir = tempfile.mkdtemp(prefix="trapsink-interop-")
        self.jsonl = os.path.join(self.dir, "records.jsonl")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        args = [TRAPSINK_BIN, "serve", "--jsonl", self.jsonl]
        for l in listen:
            args += ["--listen", l]
        args += list(extra_args)
        self.stderr = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.ports = {}
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            log = self.log()
            found = LISTEN_RE.findall(log)
            if len(found) >= len(listen):
                for transport, addr, port in found:
                    self.ports.setdefault(transport, int(port))
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"trapsink exited with {self.proc.returncode}:\n{log}")
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("trapsink did not report its listeners within 15 s:\n" + self.log())

    @property
    def port(self):
        return self.ports.get("udp") or self.ports.get("udp6")

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def records(self):
        if not os.path.exists(self.jsonl):
            return []
        with open(self.jsonl) as f:
            lines = f.read().split("\n")
        # Only complete lines: the last one may be mid-write.
        recs = [json.loads(line) for line in lines[:-1] if line.strip()]
        for rec in recs:
            # Every record an interop test sees must match the documented schema.
            RECORD_VALIDATOR.validate(rec)
        return recs

    def wait_records(self, n, timeout=10.0):
        """Wait until at least n records are written (the sink flushes each batch)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            recs = self.records()
            if len(recs) >= n:
                return recs
            time.sleep(0.02)
        raise AssertionError(f"expected {n} records, got {len(self.records())}:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("trapsink did not stop within 15 s of " + str(sig))
        return self.proc.returncode

    def close(self):
        self.stop()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def netsnmp_env():
    """An environment that keeps Net-SNMP tools from reading the user's configuration or MIBs."""
    env = dict(os.environ)
    conf = tempfile.mkdtemp(prefix="netsnmp-conf-")
    env["SNMPCONFPATH"] = conf
    env["MIBS"] = ""
    env["MIBDIRS"] = conf
    env["HOME"] = conf
    return env


def run_tool(args, timeout=20):
    """Run a Net-SNMP tool; returns CompletedProcess (text)."""
    return subprocess.run(args, env=netsnmp_env(), capture_output=True, text=True, timeout=timeout)


def send_udp(port, payload, host="127.0.0.1", family=socket.AF_INET, expect_reply=False,
             timeout=2.0):
    """Send one datagram; optionally wait for a reply and return it (None on timeout)."""
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload, (host, port))
        if not expect_reply:
            return None
        try:
            data, _ = s.recvfrom(65535)
            return data
        except socket.timeout:
            return None


class InteropCase(unittest.TestCase):
    maxDiff = None

    def assertRecordCommon(self, rec, version, pdu, transport="udp", address="127.0.0.1"):
        self.assertRegex(rec["id"], r"^[0-9A-HJKMNP-TV-Z]{26}$")
        self.assertRegex(rec["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        self.assertEqual(rec["source"]["address"], address)
        self.assertEqual(rec["source"]["transport"], transport)
        self.assertIsInstance(rec["source"]["port"], int)
        self.assertGreater(rec["source"]["port"], 0)
        self.assertEqual(rec["version"], version)
        self.assertEqual(rec["pdu"], pdu)
