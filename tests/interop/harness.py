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
SUMMARY_RE = re.compile(r"(\w+)(?:\{([^}]*)\})?=(\d+)")


def parse_summary(log):
    """The counters of the last "stopped; counters: ..." line: {"name" or "name{labels}": n}."""
    lines = [l for l in log.splitlines() if "stopped; counters:" in l]
    assert lines, "no shutdown summary in the log:\n" + log
    counters = {}
    for name, labels, value in SUMMARY_RE.findall(lines[-1].split("counters:", 1)[1]):
        counters[name if not labels else f"{name}{{{labels}}}"] = int(value)
    return counters


class Trapsink:
    """A running `trapsink serve` writing JSON lines to a temporary file.

    Listens on port 0 (the kernel picks a free port) and learns the bound ports from its log.

    config: a configuration file for `--config` (written into the temporary directory as
    config.yaml): a dict (written as JSON, which is YAML) or the YAML text itself. The --listen
    and --jsonl flags still come from here and override the file.
   
    mib_index: --mib-index; "none" (the default) keeps records numeric whatever index the build
    bundles, so tests that compare whole records do not depend on it; None: the bundled index.
    """

    def __init__(self, *extra_args, listen=("udp:127.0.0.1:0",), config=None, mib_index="none"):
        self.dir = tempfile.mkdtemp(prefix="trapsink-interop-")
        self.jsonl = os.path.join(self.dir, "records.jsonl")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        args = [TRAPSINK_BIN, "serve", "--jsonl", self.jsonl]
        for l in listen:
            args += ["--listen", l]
        if config is not None:
            self.config_path = os.path.join(self.dir, "config.yaml")
            with open(self.config_path, "w") as f:
                f.write(config if isinstance(config, str)
                        else json.dumps(config, indent=2, ensure_ascii=False) + "\n")
            args += ["--config", self.config_path]
        if mib_index is not None:
            args += ["--mib-index", mib_index]
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

    def counters(self):
        """Stop (if running) and return the shutdown summary's counters (see parse_summary)."""
        self.stop()
        return parse_summary(self.log())

    def close(self):
        self.stop()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
_compiled_index = None


def mib_dirs():
    """The MIB directories the MIB tests use: the bundled modules (mibs/modules) when the source
    tree has them, else ../shared/mib-corpus/{rfc,net-snmp} (the IETF/IANA set and Net-SNMP's
    own modules). Raises SkipTest, saying so, when neither exists (a user's own clone)."""
    bundled = os.path.join(REPO, "mibs", "modules")
    if os.path.isdir(bundled) and any(os.scandir(bundled)):
        return [bundled]
    corpus = os.path.join(REPO, "..", "shared", "mib-corpus")
    dirs = [os.path.join(corpus, d) for d in ("rfc", "net-snmp")]
    if all(os.path.isdir(d) for d in dirs):
        return [os.path.abspath(d) for d in dirs]
    raise unittest.SkipTest("no MIB modules: neither mibs/modules nor ../shared/mib-corpus exists")


def compiled_mib_index():
    """An index of mib_dirs() compiled by `trapsink mib compile` (once per process)."""
    global _compiled_index
    if _compiled_index is None:
        out = os.path.join(tempfile.mkdtemp(prefix="trapsink-mibs-"), "mibs.idx")
        r = subprocess.run([TRAPSINK_BIN, "mib", "compile", "--quiet", *mib_dirs(), "-o", out],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"mib compile failed ({r.returncode}):\n{r.stdout}{r.stderr}")
        _compiled_index = out
    return _compiled_index


def answer_each(run, items, batch=4000):
    """Run a translator that prints one line per item it can translate and nothing for one it
    cannot (snmptranslate, trapsink mib translate) over many items; returns one answer per item,
    None where it printed nothing. A batch whose count is short is split in halves to find the
    items that failed."""
    out = []
    def go(chunk):
        if not chunk:
            return []
        lines = run(chunk)
        if len(lines) == len(chunk):
            return lines
        if len(chunk) == 1:
            return [None]
        mid = len(chunk) // 2
        return go(chunk[:mid]) + go(chunk[mid:])
    for i in range(0, len(items), batch):
        out += go(items[i:i + batch])
    return out


def snmptranslate(args, batch=4000):
    """Net-SNMP's answers for many OIDs or names at once (snmptranslate -M mib_dirs() -m ALL),
    one per argument, in order (None where it has none); args may hold option words first
    ("-On")."""
    opts = [a for a in args if a.startswith("-")]
    items = [a for a in args if not a.startswith("-")]

    def run(chunk):
        r = subprocess.run(["snmptranslate", "-M", ":".join(mib_dirs()), "-m", "ALL", *opts,
                            *chunk], env=netsnmp_env(), capture_output=True, text=True,
                           timeout=120)
        # With several arguments snmptranslate prints a blank line after each answer.
        return [l for l in r.stdout.split("\n") if l != ""]
    return answer_each(run, items, batch)


def netsnmp_env():
    """An environment that keeps Net-SNMP tools from reading the user's configuration or MIBs."""
    env = dict(os.environ)
    conf = tempfile.mkdtemp(prefix="netsnmp-conf-")
    env["SNMPCONFPATH"] = conf
    env["MIBS"] = ""
    env["MIBDIRS"] = conf
    env["HOME"] = conf
    return env


def wait_for(pred, timeout, what):
    """Poll pred until it returns a true value (returned), or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def read_text(path):
    """The text of a file; "" while it does not exist."""
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


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
