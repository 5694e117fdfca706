"""`trapsink blast`, the load generator: its counts are exact and every message is distinct.

trapsink serve (two receive shards) counts what blast sent: for each kind (v1 traps, v2c traps,
v2c informs, SNMPv3 authPriv traps with SHA/AES-128 and SHA-256/AES-256) the records written
plus the datagrams the kernel dropped (trapsink_listener_kernel_drops_total) equal blast's
"sent", which equals --count; request-ids (v1: the varied ifIndex value) are all distinct and
consecutive; informs acknowledged by trapsink equal blast's "acknowledged". The rate is kept
moderate so that a busy CI machine drops nothing, but the accounting holds either way.
"""
import json
import subprocess
import time
import unittest

from harness import RECORD_VALIDATOR, TRAPSINK_BIN, InteropCase, Trapsink

USERS = {
    "users": [
        {"name": "blaster", "auth_protocol": "SHA", "auth_passphrase": "blast-auth-pass",
         "priv_protocol": "AES", "priv_passphrase": "blast-priv-pass", "min_level": "authPriv"},
        {"name": "blaster256", "auth_protocol": "SHA-256", "auth_passphrase": "blast-auth-256",
         "priv_protocol": "AES-256", "priv_passphrase": "blast-priv-256",
         "min_level": "authPriv"},
    ]
}


def lines(ts):
    """Complete lines in trapsink's JSON-lines file (cheap: records() validates each one)."""
    try:
        with open(ts.jsonl, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def wait_settled(ts, count, timeout=30):
    """The records once count are written or none was added for 2 s (the kernel may drop)."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        n = lines(ts)
        if n >= count:
            return
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since > 2:
            return
        time.sleep(0.05)


def all_records(ts):
    """Every record, parsed; the first 20 checked against the schema (checking all of them,
    as Trapsink.records() does, costs seconds for thousands)."""
    with open(ts.jsonl) as f:
        recs = [json.loads(line) for line in f.read().split("\n")[:-1] if line.strip()]
    for rec in recs[:20]:
        RECORD_VALIDATOR.validate(rec)
    return recs


def blast(port, *args, timeout=60):
    r = subprocess.run([TRAPSINK_BIN, "blast", "--target", f"udp:127.0.0.1:{port}", "--json",
                        *args], capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"blast exited {r.returncode}: {r.stdout}{r.stderr}")
    return json.loads(r.stdout)


class Blast(InteropCase):
    def check(self, ts, report, count, key):
        """Stop trapsink; assert the accounting; return its counters and records."""
        c = ts.counters()
        recs = all_records(ts)
        labels = f'listener="udp:127.0.0.1:{ts.port}"'
        drops = c.get(f"trapsink_listener_kernel_drops_total{{{labels}}}", 0)
        recorded = c.get(f"trapsink_listener_recorded_total{{{labels}}}", 0)
        self.assertEqual(report["sent"], count)
        self.assertEqual(recorded, len(recs))
        self.assertEqual(recorded + drops, count, c)
        values = sorted(key(r) for r in recs)
        self.assertEqual(len(set(values)), len(values), "a message was not distinct")
        if drops == 0:
            self.assertEqual(values, list(range(values[0], values[0] + count)))
        return c, recs

    def run_kind(self, kind, count, *extra, config=None):
        ts = Trapsink("--receive-shards", "2", config=config)
        self.addCleanup(ts.close)
        report = blast(ts.port, "--kind", kind, "--count", str(count), "--rate", "5000",
                       "--sources", "8", *extra)
        self.assertEqual(report["kind"], kind)
        wait_settled(ts, count)
        return ts, report

    def test_v2c_traps(self):
        ts, report = self.run_kind("v2c-trap", 3000)
        _, recs = self.check(ts, report, 3000, lambda r: r["request_id"])
        rec = recs[0]
        self.assertRecordCommon(rec, "2c", "trap")
        self.assertEqual(rec["trap_oid"], "1.3.6.1.6.3.1.1.5.3")
        self.assertEqual(rec["uptime"], rec["request_id"])  # the varied value
        self.assertEqual(rec["varbinds"][3], {"oid": "1.3.6.1.2.1.2.2.1.2.10107",
                                              "type": "OctetString", "encoding": "text",
                                              "value": "GigabitEthernet1/0/7"})
        self.assertEqual(len({r["source"]["port"] for r in recs}), 8)

    def test_v1_traps(self):
        ts, report = self.run_kind("v1-trap", 2000)
        _, recs = self.check(ts, report, 2000, lambda r: r["varbinds"][0]["value"])
        rec = recs[0]
        self.assertRecordCommon(rec, "1", "trap")
        self.assertEqual(rec["trap_oid"], "1.3.6.1.6.3.1.1.5.3")  # linkDown (RFC 3584 §3.1)
        self.assertEqual(rec["uptime"], rec["varbinds"][0]["value"])

    def test_v2c_informs_acknowledged(self):
        ts, report = self.run_kind("v2c-inform", 2000)
        c, recs = self.check(ts, report, 2000, lambda r: r["request_id"])
        acked = c.get(f'trapsink_listener_informs_acknowledged_total{{listener='
                      f'"udp:127.0.0.1:{ts.port}"}}', 0)
        self.assertEqual(report["acknowledged"], acked)
        self.assertEqual(report["lost"], 2000 - acked)
        self.assertEqual(report["duplicate_acks"], 0)
        self.assertEqual(acked, len(recs))
        self.assertTrue(all(r["pdu"] == "inform" for r in recs))

    def test_v3_authpriv_traps(self):
        for user, auth, priv, apass, ppass in (
                ("blaster", "SHA", "AES", "blast-auth-pass", "blast-priv-pass"),
                ("blaster256", "SHA-256", "AES-256", "blast-auth-256", "blast-priv-256")):
            with self.subTest(user=user):
                ts, report = self.run_kind(
                    "v3-trap", 1000, "--user", user, "--auth-protocol", auth,
                    "--auth-passphrase", apass, "--priv-protocol", priv,
                    "--priv-passphrase", ppass, config=USERS)
                _, recs = self.check(ts, report, 1000, lambda r: r["request_id"])
                rec = recs[0]
                self.assertRecordCommon(rec, "3", "trap")
                self.assertEqual(rec["security"]["user"], user)
                self.assertEqual(rec["security"]["level"], "authPriv")
                self.assertEqual(rec["security"]["engine_id"], "80001f8804747261707369")

    def test_bounded_by_duration(self):
        with Trapsink("--receive-shards", "1") as ts:
            report = blast(ts.port, "--count", "0", "--duration", "1", "--rate", "2000")
            self.assertGreater(report["sent"], 0)
            self.assertLessEqual(report["sent"], 2000 + 32)
            self.assertLess(report["seconds"], 3)
            wait_settled(ts, report["sent"])
            self.check(ts, report, report["sent"], lambda r: r["request_id"])

    def test_bad_arguments(self):
        for args, text in ((["--count", "0"], "give --count N or --duration"),
                           (["--kind", "v3-trap"], "--kind v3-trap needs --user NAME"),
                           (["--target", "udp:127.0.0.1:0"], "port other than 0"),
                           (["--kind", "v3-trap", "--user", "u", "--priv-passphrase", "x" * 8],
                            "--priv-passphrase needs --auth-passphrase")):
            with self.subTest(args=args):
                r = subprocess.run([TRAPSINK_BIN, "blast", *args], capture_output=True,
                                   text=True, timeout=10)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(text, r.stderr)


if __name__ == "__main__":
    unittest.main()
