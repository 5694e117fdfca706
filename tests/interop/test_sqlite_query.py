"""SQLite store end to end: Net-SNMP's snmptrap/snmpinform -> `trapsink serve --sqlite` ->
`trapsink query` finds each notification, field by field, identical to the JSON-lines record;
the filters, the formats, the configuration file's `sqlite:` key, and the errors."""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import TRAPSINK_BIN, InteropCase, Trapsink, run_tool
from sqlite_util import Serve, check_complete_rows, query, shell, wait_rows


class SqliteQuery(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="trapsink-sqlite-")
        cls.db = os.path.join(cls.dir, "events.db")
        cls.ts = Trapsink("--community", "public", "--sqlite", cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def snmptrap(self, *args):
        r = run_tool(["snmptrap", *args])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_snmptrap_is_stored_and_found_field_by_field(self):
        self.snmptrap("-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "4242",
                      "1.3.6.1.6.3.1.1.5.3",
                      "1.3.6.1.2.1.2.2.1.1.17", "i", "17",
                      "1.3.6.1.2.1.2.2.1.2.17", "s", "Gi1/0/17, uplink",
                      "1.3.6.1.2.1.2.2.1.6.17", "x", "001b21aabbcc",
                      "1.3.6.1.2.1.31.1.1.1.6.17", "C", "18446744073709551615")
        rows = wait_rows(self.db, 1, "--varbind", "1.3.6.1.2.1.2.2.1.1.17=17")
        self.assertEqual(len(rows), 1)
        rec = rows[0]
        self.assertRecordCommon(rec, "2c", "trap")
        self.assertEqual(rec["community"], "public")
        self.assertIsInstance(rec["request_id"], int)
        self.assertEqual(rec["uptime"], 4242)
        self.assertEqual(rec["trap_oid"], "1.3.6.1.6.3.1.1.5.3")
        self.assertEqual(rec["agent_address"], "127.0.0.1")
        self.assertNotIn("trap_name", rec)
        self.assertEqual(rec["varbinds"], [
            {"oid": "1.3.6.1.2.1.2.2.1.1.17", "type": "Integer32", "value": 17},
            {"oid": "1.3.6.1.2.1.2.2.1.2.17", "type": "OctetString", "value": "Gi1/0/17, uplink",
             "encoding": "text"},
            {"oid": "1.3.6.1.2.1.2.2.1.6.17", "type": "OctetString", "value": "001b21aabbcc",
             "encoding": "hex"},
            {"oid": "1.3.6.1.2.1.31.1.1.1.6.17", "type": "Counter64",
             "value": "18446744073709551615"},
        ])
        # The stored record is the JSON-lines record, byte for byte.
        with open(self.ts.jsonl) as f:
            jsonl = [l for l in f.read().splitlines() if rec["id"] in l]
        self.assertEqual(len(jsonl), 1)
        raw = subprocess.run([TRAPSINK_BIN, "query", "--db", self.db, "--format", "jsonl",
                              "--varbind", "1.3.6.1.2.1.2.2.1.1.17=17"],
                             capture_output=True, text=True, timeout=20).stdout
        self.assertEqual(raw, jsonl[0] + "\n")
        # Searchable by each kind of value.
        for vb in ("1.3.6.1.2.1.2.2.1.2=Gi1/0/17, uplink", "1.3.6.1.2.1.2.2.1.6.17=001b21aabbcc",
                   "1.3.6.1.2.1.31.1.1.1.6.17=18446744073709551615"):
            self.assertEqual([r["id"] for r in query(self.db, "--varbind", vb)], [rec["id"]], vb)

    def test_v1_trap_and_inform(self):
        self.snmptrap("-v", "1", "-c", "public", f"127.0.0.1:{self.ts.port}",
                      "1.3.6.1.4.1.8072.2.3", "192.0.2.7", "6", "17", "99",
                      "1.3.6.1.4.1.8072.2.3.2.1", "s", "disk /var at 95%")
        r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                      f"127.0.0.1:{self.ts.port}", "777", "1.3.6.1.6.3.1.1.5.4",
                      "1.3.6.1.2.1.2.2.1.1.9", "i", "9"])
        self.assertEqual(r.returncode, 0, "snmpinform not acknowledged: " + r.stderr)
        v1 = wait_rows(self.db, 1, "--trap", "1.3.6.1.4.1.8072.2.3.0.17")[0]
        self.assertRecordCommon(v1, "1", "trap")
        self.assertEqual(v1["agent_address"], "192.0.2.7")
        self.assertEqual(v1["v1"], {"enterprise": "1.3.6.1.4.1.8072.2.3",
                                    "agent_address": "192.0.2.7", "generic_trap": 6,
                                    "specific_trap": 17, "timestamp": 99})
        inform = wait_rows(self.db, 1, "--trap", "linkUp", "--varbind",
                           "1.3.6.1.2.1.2.2.1.1.9=9")[0]
        self.assertRecordCommon(inform, "2c", "inform")
        self.assertEqual(inform["uptime"], 777)
        self.assertEqual(query(self.db, "--text", "disk /var at 95%")[0]["id"], v1["id"])

    def test_filters_formats_and_order(self):
        port = self.ts.port
        for oid, ifindex in (("1.3.6.1.6.3.1.1.5.3", 301), ("1.3.6.1.6.3.1.1.5.4", 302),
                             ("1.3.6.1.4.1.9.9.41.2.0.1", 303)):
            self.snmptrap("-v", "2c", "-c", "public", f"127.0.0.1:{port}", "", oid,
                          "1.3.6.1.2.1.2.2.1.1.1", "i", str(ifindex))
        rows = wait_rows(self.db, 3, "--varbind", "1.3.6.1.2.1.2.2.1.1.1")
        ours = [r for r in rows if r["varbinds"][0]["value"] in (301, 302, 303)]
        self.assertEqual([r["varbinds"][0]["value"] for r in ours], [303, 302, 301])  # newest first
        # --trap: a subtree, not a prefix of the text (".5" is not ".50").
        got = query(self.db, "--trap", "1.3.6.1.6.3.1.1.5", "--varbind", "1.3.6.1.2.1.2.2.1.1.1")
        self.assertEqual({r["varbinds"][0]["value"] for r in got}, {301, 302})
        got = query(self.db, "--trap", "linkDown", "--varbind", "1.3.6.1.2.1.2.2.1.1.1=301")
        self.assertEqual(len(got), 1)
        self.assertEqual(query(self.db, "--source", "127.0.0.0/8", "--limit", "2",
                               "--varbind", "1.3.6.1.2.1.2.2.1.1.1"), ours[:2])
        self.assertEqual(query(self.db, "--source", "192.0.2.0/24"), [])
        self.assertEqual(query(self.db, "--since", "1h", "--varbind",
                               "1.3.6.1.2.1.2.2.1.1.1=302"), [ours[1]])
        self.assertEqual(query(self.db, "--until", "1h"), [])
        self.assertEqual(query(self.db, "--since", "2000-01-01", "--until",
                               "2000-01-02T00:00:00Z"), [])
        # The table: a header and one line per event, the trap OID and the varbinds.
        table = query(self.db, "--varbind", "1.3.6.1.2.1.2.2.1.1.1", "--limit", "3", fmt="table")
        lines = table.splitlines()
        self.assertTrue(lines[0].startswith("TIME (UTC)"), table)
        self.assertEqual(len(lines), 4, table)
        self.assertIn("1.3.6.1.4.1.9.9.41.2.0.1", lines[1])
        self.assertIn("1.3.6.1.2.1.2.2.1.1.1=303", lines[1])
        self.assertIn("127.0.0.1", lines[1])
        # CSV: a header and RFC 4180 quoting, readable by Python's csv module.
        text = query(self.db, "--varbind", "1.3.6.1.2.1.2.2.1.1.1=303", fmt="csv")
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["trap_oid"], "1.3.6.1.4.1.9.9.41.2.0.1")
        self.assertEqual(rows[0]["id"], ours[0]["id"])
        self.assertEqual(json.loads(rows[0]["varbinds"]), ours[0]["varbinds"])
        # jsonl: the same records as json.
        self.assertEqual(query(self.db, "--varbind", "1.3.6.1.2.1.2.2.1.1.1", "--limit", "3",
                               fmt="jsonl"), ours)

    def test_database_is_sound_and_readable_by_sqlite3(self):
        self.snmptrap("-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "",
                      "1.3.6.1.6.3.1.1.5.1", "1.3.6.1.2.1.1.5.0", "s", "core-sw-9")
        rows = wait_rows(self.db, 1, "--trap", "coldStart", "--varbind",
                         "1.3.6.1.2.1.1.5.0=core-sw-9")
        self.assertEqual(len(rows), 1)
        self.assertEqual(shell(self.db, "PRAGMA integrity_check"), "ok")
        self.assertEqual(shell(self.db, "PRAGMA journal_mode"), "wal")
        self.assertEqual(shell(self.db, "PRAGMA user_version"), "3")
        check_complete_rows(self.db)
        # The shell searches of docs/storage.md: the varbinds view (a scan of the record JSON)
        # and varbind_index's key (bucket, OID number, 't', value) with the entry's events
        # (event_seq, or the seqs array of an entry shared by events of one batch).
        self.assertEqual(shell(self.db, "SELECT e.id FROM events e JOIN varbinds v ON "
                                        "v.event_seq = e.seq WHERE v.oid = '1.3.6.1.2.1.1.5.0' "
                                        "AND v.value = 'core-sw-9'"), rows[0]["id"])
        self.assertEqual(shell(self.db, "SELECT e.id FROM events e JOIN oids o ON o.oid = "
                                        "'1.3.6.1.2.1.1.5.0' JOIN varbind_index x ON x.key = "
                                        "printf('%08x%08x', e.seq >> 16, o.id) || 't' || "
                                        "'core-sw-9' AND (x.event_seq = e.seq OR e.seq IN "
                                        "(SELECT value FROM json_each(x.seqs)))"),
                         rows[0]["id"])

    def test_errors_and_exit_codes(self):
        def run(*args):
            return subprocess.run([TRAPSINK_BIN, "query", *args], capture_output=True, text=True,
                                  timeout=20)
        r = run("--db", os.path.join(self.dir, "missing.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no database at", r.stderr)
        self.assertIn("trapsink serve --sqlite", r.stderr)
        for args, words in ((["--since", "15x"], "is not a time"),
                            (["--until", "2026-02-30"], "no such date"),
                            (["--source", "300.1.1.1"], "not an address or prefix"),
                            (["--trap", "link down"], "neither an OID nor"),
                            (["--varbind", "ifIndex=3"], "OID=VALUE"),
                            (["--format", "yaml"], "table, json, jsonl or csv"),
                            (["--limit", "-1"], "whole number"),
                            (["--follow", "--format", "json"], "--format jsonl")):
            r = run("--db", self.db, *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(words, r.stderr, args)
            self.assertEqual(r.stdout, "", args)
        r = run()
        self.assertEqual(r.returncode, 2)
        self.assertIn("--db FILE", r.stderr)
        r = run("--db", self.db, "--bogus")
        self.assertEqual(r.returncode, 2)
        not_db = os.path.join(self.dir, "not.db")
        with open(not_db, "w") as f:
            f.write("x" * 5000)
        r = run("--db", not_db)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not an SQLite database", r.stderr)


class SqliteConfig(InteropCase):
    """The configuration file's `sqlite:` map, `jsonl: none`, and `query --config`."""

    def test_config_sqlite_map_and_query_config(self):
        d = tempfile.mkdtemp(prefix="trapsink-sqlite-")
        db = os.path.join(d, "store.db")
        try:
            ts = Trapsink(config={"communities": ["public"],
                                  "sqlite": {"path": db, "retention_age": "30d",
                                             "retention_rows": 1000000, "synchronous": "full"}})
            try:
                self.assertIn("synchronous=full; retention: delete events older than 30d or "
                              "beyond 1000000 events", ts.log())
                r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                              f"127.0.0.1:{ts.port}", "5", "1.3.6.1.6.3.1.1.5.2"])
                self.assertEqual(r.returncode, 0, r.stderr)
                ts.wait_records(1)
                out = subprocess.run([TRAPSINK_BIN, "query", "--config", ts.config_path,
                                      "--format", "json"], capture_output=True, text=True,
                                     timeout=20)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(json.loads(out.stdout), ts.records())
            finally:
                ts.close()
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_sqlite_only_with_jsonl_none(self):
        d = tempfile.mkdtemp(prefix="trapsink-sqlite-")
        db = os.path.join(d, "only.db")
        try:
            ts = Serve(d, "--community", "public", "--sqlite", db, "--jsonl", "none")
            try:
                r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "",
                              "1.3.6.1.6.3.1.1.5.1"])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(len(wait_rows(db, 1)), 1)
                self.assertEqual(ts.stop(), 0)
                self.assertIn('trapsink_sink_sent_total{sink="sqlite"}=1', ts.log())
                self.assertNotIn('sink="jsonl"', ts.log())
                self.assertFalse(os.path.exists("none"))
            finally:
                ts.close()
            # No output at all is refused before anything listens.
            r = subprocess.run([TRAPSINK_BIN, "serve", "--listen", "udp:127.0.0.1:0", "--jsonl",
                                "none"], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no output", r.stderr)
            # A database of another application is refused at start (exit 1).
            other = os.path.join(d, "other.db")
            shell(other, "CREATE TABLE customers (id INTEGER)")
            r = subprocess.run([TRAPSINK_BIN, "serve", "--listen", "udp:127.0.0.1:0", "--sqlite",
                                other], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 1)
            self.assertIn("not a trapsink one", r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_follow_prints_new_events(self):
        d = tempfile.mkdtemp(prefix="trapsink-sqlite-")
        db = os.path.join(d, "follow.db")
        ts = Trapsink("--community", "public", "--sqlite", db)
        follower = None
        try:
            r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "1",
                          "1.3.6.1.6.3.1.1.5.1"])
            self.assertEqual(r.returncode, 0, r.stderr)
            wait_rows(db, 1)
            follower = subprocess.Popen([TRAPSINK_BIN, "query", "--db", db, "--follow",
                                         "--format", "jsonl", "--interval", "0.1",
                                         "--trap", "1.3.6.1.6.3.1.1.5"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            first = json.loads(follower.stdout.readline())
            self.assertEqual(first["uptime"], 1)
            for uptime in (2, 3):
                r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}",
                              str(uptime), "1.3.6.1.6.3.1.1.5.2"])
                self.assertEqual(r.returncode, 0, r.stderr)
            # Not matching --trap: never printed.
            run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "4",
                      "1.3.6.1.4.1.1"])
            self.assertEqual([json.loads(follower.stdout.readline())["uptime"] for _ in range(2)],
                             [2, 3])
            follower.send_signal(2)  # SIGINT: a clean exit
            out, err = follower.communicate(timeout=10)
            self.assertEqual(follower.returncode, 0, err)
            self.assertEqual(out, "")
        finally:
            if follower is not None and follower.poll() is None:
                follower.kill()
                follower.wait()
            ts.close()
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
