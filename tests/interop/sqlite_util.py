"""Helpers for the SQLite interop tests: run `trapsink query`, read a database directly (Python's
sqlite3 module and the sqlite3 shell), and check that every stored row is complete."""
import datetime
import json
import os
import sqlite3
import subprocess
import time

from harness import LISTEN_RE, RECORD_VALIDATOR, TRAPSINK_BIN


def query(db, *args, fmt="json", check=True):
    """`trapsink query --db DB --format FMT ARGS...`: the parsed result for json/jsonl, the text
    otherwise; with check=False the CompletedProcess."""
    r = subprocess.run([TRAPSINK_BIN, "query", "--db", db, "--format", fmt, *args],
                       capture_output=True, text=True, timeout=20)
    if not check:
        return r
    assert r.returncode == 0, f"trapsink query exited {r.returncode}: {r.stderr}"
    if fmt == "json":
        return json.loads(r.stdout)
    if fmt == "jsonl":
        return [json.loads(line) for line in r.stdout.splitlines()]
    return r.stdout


def wait_rows(db, n, *args, timeout=10.0):
    """Wait until `trapsink query` (json, all rows) returns at least n events; returns them."""
    deadline = time.monotonic() + timeout
    rows = []
    while time.monotonic() < deadline:
        if os.path.exists(db):
            rows = query(db, "--limit", "0", *args)
            if len(rows) >= n:
                return rows
        time.sleep(0.05)
    raise AssertionError(f"expected {n} stored events, got {len(rows)}")


def shell(db, sql):
    """Run SQL with the sqlite3 shell; its standard output, stripped."""
    r = subprocess.run(["sqlite3", db, sql], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"sqlite3 {sql!r}: {r.stderr}"
    return r.stdout.strip()


def micros(rfc3339):
    """The record's time ("2026-11-21T17:29:03.123456Z") in microseconds since the epoch."""
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ")
    t = t.replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def check_complete_rows(db, schema_sample=200):
    """Every event row is whole: its record parses and agrees with the columns, and it has
    exactly the varbinds rows its record lists; the first `schema_sample` records are also
    validated against the record schema (validating thousands takes seconds). Returns the
    records."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        records = []
        varbinds = {}
        for seq, oid, value in con.execute(
                "SELECT event_seq, oid, value FROM varbinds ORDER BY event_seq, idx"):
            varbinds.setdefault(seq, []).append((oid, value))
        for (seq, id_, t, address, port, transport, version, pdu, trap_oid,
             record) in con.execute("SELECT seq, id, time, source_address, source_port, "
                                    "transport, version, pdu, trap_oid, record FROM events"):
            rec = json.loads(record)
            if len(records) < schema_sample:
                RECORD_VALIDATOR.validate(rec)
            assert rec["id"] == id_ and micros(rec["time"]) == t, (id_, t, rec)
            assert (rec["source"]["address"], rec["source"]["port"],
                    rec["source"]["transport"]) == (address, port, transport), rec
            assert (rec["version"], rec["pdu"], rec["trap_oid"]) == (version, pdu, trap_oid), rec
            stored = varbinds.pop(seq, [])
            assert [oid for oid, _ in stored] == [v["oid"] for v in rec["varbinds"]], (stored, rec)
            records.append(rec)
        assert not varbinds, f"varbinds of no event: {varbinds}"
        return records
    finally:
        con.close()


class Serve:
    """`trapsink serve --listen udp:127.0.0.1:0 ARGS...` with exactly the given output flags
    (the harness's Trapsink always adds --jsonl FILE). Logs go to DIR/serve.log."""

    def __init__(self, directory, *args):
        self.log_path = os.path.join(directory, "serve.log")
        self.log_file = open(self.log_path, "w+")
        self.proc = subprocess.Popen([TRAPSINK_BIN, "serve", "--listen", "udp:127.0.0.1:0",
                                      *args], stdout=subprocess.DEVNULL, stderr=self.log_file)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = LISTEN_RE.findall(self.log())
            if found:
                self.port = int(found[0][2])
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"trapsink exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.02)
        self.close()
        raise RuntimeError("trapsink did not report its listener:\n" + self.log())

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
