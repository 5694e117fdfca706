"""The enrichment stage end to end (issue 5 item 4): Net-SNMP's snmpd on loopback is the agent
that sends the notifications (snmptrap / snmpinform from 127.0.0.1) and answers trapsink's
follow-up GETs. A linkDown for ifIndex N arrives with ifName/ifDescr/ifAlias of N equal to
snmpget's answers (v2c; a linkUp rule asks with an SNMPv3 authPriv user); a rule pointing at a
silent port marks its record "timeout" and still delivers it; a trap no rule matches carries no
enrichment; a second linkDown for the same ifIndex is answered from the cache (the metrics
count one query); an inform that is enriched is still acknowledged. check-config refuses a rule
whose name does not resolve, naming FILE:LINE:COL."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

from harness import (TRAPSINK_BIN, InteropCase, Trapsink, compiled_mib_index, parse_summary,
                     run_tool)
from netsnmp_peers import Snmpd, V3User, netsnmp

V3 = V3User("SHA", "AES")
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
SILENT_TRAP = "1.3.6.1.4.1.99999.0.7"
COLD_START = "1.3.6.1.6.3.1.1.5.1"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_ALIAS = "1.3.6.1.2.1.31.1.1.1.18"


def octets_of(line):
    """The value of one `snmpget -On -Ox` line as text: "OID = Hex-STRING: 6C 6F" -> "lo";
    `""` (an empty string) -> ""."""
    value = line.split(" = ", 1)[1]
    if value.startswith("Hex-STRING: "):
        return bytes.fromhex(value[len("Hex-STRING: "):]).decode()
    if value in ('""', 'STRING: ""'):
        return ""
    raise AssertionError("unexpected snmpget answer: " + line)


class Enrich(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Snmpd(["rocommunity public 127.0.0.1", V3.create_user(),
                           f"rouser {V3.name} priv"])
        # The agent's real interfaces: the highest ifIndex (lo is usually 1; another one makes
        # the index matter), its ifName, ifDescr and ifAlias as snmpget reads them.
        r = netsnmp("snmpwalk", ["-v2c", "-c", "public", "-On", cls.agent.address, IF_INDEX])
        assert r.returncode == 0, r.stderr
        indexes = [int(m) for m in re.findall(r"= INTEGER: (\d+)", r.stdout)]
        assert indexes, "snmpd serves no ifIndex:\n" + r.stdout
        cls.index = max(indexes)
        cls.expected = {}
        for column in (IF_NAME, IF_DESCR, IF_ALIAS):
            g = netsnmp("snmpget", ["-v2c", "-c", "public", "-On", "-Ox", cls.agent.address,
                                    f"{column}.{cls.index}"])
            assert g.returncode == 0, g.stderr
            cls.expected[f"{column}.{cls.index}"] = octets_of(g.stdout.strip())
        # A port where nothing answers: bound, never read.
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cls.silent.bind(("127.0.0.1", 0))

    @classmethod
    def tearDownClass(cls):
        cls.silent.close()
        cls.agent.close()

    def config(self):
        columns = ["IF-MIB::ifName", "IF-MIB::ifDescr", "IF-MIB::ifAlias"]
        return {
            "enrich": [
                {"name": "ifnames", "match": {"trap": ["IF-MIB::linkDown"]},
                 "index_from": "IF-MIB::ifIndex", "get": columns,
                 "target": {"port": self.agent.port, "version": "2c", "community": "public"},
                 "timeout": "3s", "retries": 2},
                {"name": "ifnames_v3", "match": {"trap": LINK_UP, "sources": ["127.0.0.0/8"]},
                 "index_from": "IF-MIB::ifIndex", "get": columns,
                 "target": {"port": self.agent.port, "version": "3", "user": V3.name,
                            "auth_protocol": "SHA", "auth_passphrase": V3.auth_pass,
                            "priv_protocol": "AES", "priv_passphrase": V3.priv_pass},
                 "timeout": "3s", "retries": 2},
                {"name": "silent", "match": {"trap": [SILENT_TRAP]},
                 "get": ["SNMPv2-MIB::sysName.0"],
                 "target": {"port": self.silent.getsockname()[1], "community": "public"},
                 "timeout": "300ms", "retries": 0},
            ],
            "enrich_options": {"cache_ttl": "5m", "max_in_flight_per_agent": 2},
        }

    def trap(self, ts, oid, *varbinds, command="snmptrap"):
        args = [command, "-v2c", "-c", "public", "-r", "2", "-t", "10",
                f"127.0.0.1:{ts.port}", "0", oid] if command == "snmpinform" else \
            [command, "-v2c", "-c", "public", f"127.0.0.1:{ts.port}", "0", oid]
        for vb in varbinds:
            args += list(vb)
        r = run_tool(args, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def link(self, oid):
        n = str(self.index)
        return (oid, (f"{IF_INDEX}.{n}", "i", n), (f"1.3.6.1.2.1.2.2.1.7.{n}", "i", "1"),
                (f"1.3.6.1.2.1.2.2.1.8.{n}", "i", "2"))

    def assertEnriched(self, rec, rule):
        en = rec.get("enrichment")
        self.assertIsNotNone(en, rec)
        self.assertEqual((en["rule"], en["status"]), (rule, "ok"), en)
        self.assertNotIn("error", en)
        n = self.index
        self.assertEqual([vb["oid"] for vb in en["varbinds"]],
                         [f"{IF_NAME}.{n}", f"{IF_DESCR}.{n}", f"{IF_ALIAS}.{n}"])
        self.assertEqual({vb["oid"]: vb["value"] for vb in en["varbinds"]}, self.expected)
        self.assertEqual([vb["type"] for vb in en["varbinds"]], ["OctetString"] * 3)
        # Named like the record's own varbinds (the MIB index is loaded).
        self.assertEqual([vb["name"] for vb in en["varbinds"]],
                         [f"IF-MIB::ifName.{n}", f"IF-MIB::ifDescr.{n}", f"IF-MIB::ifAlias.{n}"])

    def test_enrichment_end_to_end(self):
        with Trapsink(config=self.config(), mib_index=compiled_mib_index()) as ts:
            self.trap(ts, *self.link(LINK_DOWN))
            first = ts.wait_records(1, timeout=60)[0]
            self.assertEqual(first["trap_name"], "IF-MIB::linkDown")
            self.assertEnriched(first, "ifnames")

            # The same ifIndex again: the answers come from the cache, no second query.
            self.trap(ts, *self.link(LINK_DOWN))
            second = ts.wait_records(2, timeout=60)[1]
            self.assertEnriched(second, "ifnames")
            self.assertNotEqual(first["id"], second["id"])

            # linkUp: the v3 rule (authPriv, engine discovery against snmpd).
            self.trap(ts, *self.link(LINK_UP))
            self.assertEnriched(ts.wait_records(3, timeout=60)[2], "ifnames_v3")

            # A silent agent: the record arrives, marked.
            self.trap(ts, SILENT_TRAP, ("1.3.6.1.4.1.99999.1.0", "s", "x"))
            silent = ts.wait_records(4, timeout=60)[3]
            self.assertEqual(silent["trap_oid"], SILENT_TRAP)
            self.assertEqual(silent["enrichment"]["rule"], "silent")
            self.assertEqual(silent["enrichment"]["status"], "timeout")
            self.assertEqual(silent["enrichment"]["varbinds"], [])
            self.assertIn("timeout", silent["enrichment"]["error"])

            # No rule matches coldStart: no enrichment at all.
            self.trap(ts, COLD_START)
            cold = ts.wait_records(5, timeout=60)[4]
            self.assertEqual(cold["trap_oid"], COLD_START)
            self.assertNotIn("enrichment", cold)

            # An inform that is enriched is acknowledged (snmpinform exits 0) and recorded.
            self.trap(ts, *self.link(LINK_DOWN), command="snmpinform")
            recs = ts.wait_records(6, timeout=60)
            inform = [r for r in recs if r["pdu"] == "inform"]
            self.assertEqual(len(inform), 1)
            self.assertEnriched(inform[0], "ifnames")

            counters = ts.counters()
        self.assertEqual(len(recs), 6)

        def enrich(rule, outcome):
            return counters.get(
                f'trapsink_enrich_records_total{{rule="{rule}",outcome="{outcome}"}}', 0)

        self.assertEqual(enrich("ifnames", "ok"), 1, counters)
        self.assertEqual(enrich("ifnames", "cache_hit"), 2, counters)
        self.assertEqual(enrich("ifnames_v3", "ok"), 1, counters)
        self.assertEqual(enrich("silent", "timeout"), 1, counters)
        self.assertEqual(sum(v for k, v in counters.items()
                             if k.startswith("trapsink_enrich_records_total")), 5, counters)

    def test_durable_inform_is_acknowledged_after_the_enriched_record_is_stored(self):
        """inform_ack: durable: an enriched inform is acknowledged (confirmed by the durable
        SQLite sink) and stored with its enrichment. That the acknowledgement waits for the
        enriched copy is unit_pipeline's Enricher.DurableInformAckWaitsForTheEnrichedCopy."""
        config = self.config()
        d = tempfile.mkdtemp(prefix="trapsink-enrich-db-")
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        config["inform_ack"] = "durable"
        config["sqlite"] = os.path.join(d, "events.db")
        with Trapsink(config=config, mib_index=compiled_mib_index()) as ts:
            self.trap(ts, *self.link(LINK_DOWN), command="snmpinform")
            rec = ts.wait_records(1, timeout=60)[0]
            counters = ts.counters()
        self.assertEqual(rec["pdu"], "inform")
        self.assertEnriched(rec, "ifnames")
        self.assertEqual(counters.get('trapsink_durable_informs_total{outcome="confirmed"}'), 1,
                         counters)
        # The stored JSON carries the enrichment too.
        import sqlite3
        with sqlite3.connect(config["sqlite"]) as db:
            stored = [json.loads(row[0]) for row in db.execute("SELECT record FROM events")]
        self.assertEqual([r["enrichment"] for r in stored], [rec["enrichment"]])

    def test_shutdown_delivers_records_still_waiting(self):
        """SIGTERM while a query waits on a silent agent: the record is written, marked. The
        inform's acknowledgement (snmpinform exits 0) says the stage has taken it."""
        config = self.config()
        config["enrich"][2]["timeout"] = "60s"
        config["shutdown_deadline"] = "1s"
        with Trapsink(config=config, mib_index=compiled_mib_index()) as ts:
            self.trap(ts, SILENT_TRAP, command="snmpinform")
            self.assertEqual(ts.records(), [])
            ts.stop()
            recs = ts.records()
            counters = parse_summary(ts.log())
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["pdu"], "inform")
        self.assertEqual(recs[0]["enrichment"]["status"], "error")
        self.assertEqual(recs[0]["enrichment"]["error"], "shutdown before the answer")
        self.assertEqual(counters['trapsink_enrich_records_total{rule="silent",outcome="error"}'],
                         1, counters)


    def test_reload_replaces_the_rules(self):
        """SIGHUP with changed enrich rules: the next linkDown is asked what the new rule asks
        (ifName only); a rule whose name does not resolve refuses the reload, the running rules
        stay; a changed enrich_options is restart-only (warned)."""
        import signal
        import time
        with Trapsink(config=self.config(), mib_index=compiled_mib_index()) as ts:
            self.trap(ts, *self.link(LINK_DOWN))
            self.assertEnriched(ts.wait_records(1, timeout=60)[0], "ifnames")

            def rewrite(config):
                tmp = ts.config_path + ".tmp"
                with open(tmp, "w") as f:
                    f.write(json.dumps(config, indent=2) + "\n")
                os.rename(tmp, ts.config_path)

            def reload_and_wait(n):
                os.kill(ts.proc.pid, signal.SIGHUP)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    if len(re.findall(r"reload: configuration applied|reload refused",
                                      ts.log())) >= n:
                        return
                    time.sleep(0.05)
                self.fail("no reload outcome logged:\n" + ts.log()[-3000:])

            changed = self.config()
            changed["enrich"][0]["name"] = "ifname_only"
            changed["enrich"][0]["get"] = ["IF-MIB::ifName"]
            changed["enrich_options"]["max_in_flight_per_agent"] = 3
            rewrite(changed)
            reload_and_wait(1)
            self.assertIn("reload: 'enrich_options' changed; restart to apply", ts.log())
            self.trap(ts, *self.link(LINK_DOWN))
            rec = ts.wait_records(2, timeout=60)[1]
            en = rec["enrichment"]
            self.assertEqual((en["rule"], en["status"]), ("ifname_only", "ok"), en)
            self.assertEqual([(vb["oid"], vb["value"]) for vb in en["varbinds"]],
                             [(f"{IF_NAME}.{self.index}",
                               self.expected[f"{IF_NAME}.{self.index}"])])

            broken = self.config()
            broken["enrich"][0]["get"] = ["IF-MIB::ifNmae"]
            rewrite(broken)
            reload_and_wait(2)
            self.assertRegex(ts.log(), r"reload refused: .*'IF-MIB::ifNmae' does not resolve")
            self.trap(ts, *self.link(LINK_DOWN))
            self.assertEqual(ts.wait_records(3, timeout=60)[2]["enrichment"]["rule"],
                             "ifname_only")
            counters = ts.counters()
        self.assertEqual(counters.get('trapsink_config_reloads_total{result="ok"}'), 1, counters)
        self.assertEqual(counters.get('trapsink_config_reloads_total{result="refused"}'), 1,
                         counters)


class EnrichConfig(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-enrich-config-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.path = os.path.join(self.dir, "trapsink.yaml")

    def check(self, text):
        with open(self.path, "w") as f:
            f.write(text)
        return subprocess.run([TRAPSINK_BIN, "check-config", "--config", self.path,
                               "--mib-index", compiled_mib_index()],
                              capture_output=True, text=True, timeout=60)

    def test_name_that_does_not_resolve_is_refused_with_its_place(self):
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "enrich:\n"
                       "  - name: ifnames\n"
                       "    match: {trap: [IF-MIB::linkDown]}\n"
                       "    index_from: IF-MIB::ifIndex\n"
                       "    get: [IF-MIB::ifName, IF-MIB::ifNmae]\n")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertTrue(r.stderr.startswith(
            f"trapsink: {self.path}:6:27: enrich rule 'ifnames': 'IF-MIB::ifNmae' does not "
            "resolve"), r.stderr)

    def test_good_rules_pass(self):
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "enrich:\n"
                       "  - name: ifnames\n"
                       "    match: {trap: [IF-MIB::linkDown, 1.3.6.1.6.3.1.1.5.4]}\n"
                       "    index_from: IF-MIB::ifIndex\n"
                       "    get: [IF-MIB::ifName, 1.3.6.1.2.1.2.2.1.2]\n"
                       "    target: {version: 3, user: ops, auth_protocol: SHA,\n"
                       "             auth_passphrase: longenough}\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("enrich: 1 rule: ifnames (v3, port 161); cache_ttl 300s, "
                      "max_in_flight_per_agent 4, max_pending 100000\n", r.stdout)

    def test_short_passphrase_is_refused_without_showing_it(self):
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "enrich:\n"
                       "  - get: [1.3.6.1.2.1.1.5.0]\n"
                       "    target: {version: 3, user: ops, auth_protocol: SHA,\n"
                       "             auth_passphrase: short7!}\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr, f"trapsink: {self.path}:5:31: enrich rule 'enrich1': "
                                   "auth_passphrase is shorter than 8 characters\n")
        self.assertNotIn("short7!", r.stderr)


if __name__ == "__main__":
    unittest.main()
