"""End to end, issue 4's "done when": notifications sent by Net-SNMP's snmptrap (v2c, v1 and
SNMPv3 authPriv SHA/AES) reach `trapsink serve`, whose routes send each to its sinks: Kafka
(a real broker, read back with tests/kafka/kafka_consume), SQLite (found with `trapsink query`)
and a JSON-lines file. Every sink holds exactly the records routed to it, each identical to the
JSON-lines record with the same id; the dropped trap is nowhere and counted.

Environment (set by ctest, tests/kafka/CMakeLists.txt):
  TRAPSINK_BIN            the trapsink binary
  TRAPSINK_KAFKA_CONSUME  the kafka_consume binary
  TRAPSINK_KAFKA_DIR      the state directory of the running broker (deploy/kafka-dev.sh --dir)
  TRAPSINK_KAFKA_SCRIPT   deploy/kafka-dev.sh
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

from harness import InteropCase, Trapsink, run_tool  # noqa: E402
from sqlite_util import micros, query, wait_rows  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
CONSUME = os.environ.get("TRAPSINK_KAFKA_CONSUME", "kafka_consume")
KAFKA_SCRIPT = os.environ.get("TRAPSINK_KAFKA_SCRIPT", os.path.join(ROOT, "deploy", "kafka-dev.sh"))
KAFKA_DIR = os.environ.get("TRAPSINK_KAFKA_DIR", os.path.join(ROOT, "build", "kafka-dev"))

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
ENTERPRISE = "1.3.6.1.4.1.8072.2.3"  # NET-SNMP-EXAMPLES-MIB's netSnmpExampleNotifications
TEMPERATURE = ENTERPRISE + ".2.5.0"
KEY_TEMPLATE = "{source}|{version}|{trap_oid}"
USER = {"name": "e2e-ops", "auth_protocol": "SHA", "auth_passphrase": "e2e-ops-auth-pass",
        "priv_protocol": "AES", "priv_passphrase": "e2e-ops-priv-pass", "min_level": "authPriv"}

ALL = {"kafka", "sqlite", "jsonl"}
# Each trap: (uptime, the sinks it must reach); the uptime (v1: the time-stamp) tells the
# records apart. 1004 is the dropped one.
EXPECTED = {1001: ALL, 1002: ALL, 1003: ALL, 1005: {"kafka", "jsonl"}, 1006: {"jsonl"},
            1007: {"jsonl"}, 1008: {"sqlite", "jsonl"}}
DROPPED = 1004


def ifmib(column, index, kind, value):
    return (f"1.3.6.1.2.1.2.2.1.{column}.{index}", kind, value)


def vb(oid, type_, value, encoding=None):
    v = {"oid": oid, "type": type_, "value": value}
    if encoding:
        v["encoding"] = encoding
    return v


def v1_tail(agent, enterprise):
    """What trapsink appends to a v1 trap's varbinds (RFC 3584 §3.1 (4))."""
    return [vb("1.3.6.1.6.3.18.1.3.0", "IpAddress", agent),
            vb("1.3.6.1.6.3.18.1.4.0", "OctetString", "public", "text"),
            vb("1.3.6.1.6.3.1.1.4.3.0", "ObjectIdentifier", enterprise)]


def broker_bootstrap():
    r = subprocess.run(["bash", KAFKA_SCRIPT, "bootstrap", "--dir", KAFKA_DIR],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError(f"no Kafka broker running in {KAFKA_DIR} (start one with "
                           f"deploy/kafka-dev.sh start --dir {KAFKA_DIR}; ctest's "
                           f"kafka_broker_start fixture does): {r.stderr.strip()}")
    return r.stdout.strip()


def consume(brokers, topic, count, *extra, timeout=60):
    """kafka_consume --from-beginning --count N: the messages, parsed; fails on its error."""
    r = subprocess.run([CONSUME, "--brokers", brokers, "--topic", topic, "--from-beginning",
                        "--count", str(count), "--timeout", str(timeout), *extra],
                       capture_output=True, text=True, timeout=timeout + 30)
    assert r.returncode == 0, f"kafka_consume exited {r.returncode}: {r.stderr}\n{r.stdout}"
    return [json.loads(line) for line in r.stdout.splitlines()]


class EndToEndRoutes(InteropCase):
    def setUp(self):
        self.brokers = broker_bootstrap()
        self.topic = "trapsink-e2e-" + uuid.uuid4().hex[:16]
        self.tmp = tempfile.mkdtemp(prefix="trapsink-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = os.path.join(self.tmp, "events.db")
        self.engine_id = "80001f8805e2" + uuid.uuid4().hex[:12]

    def config(self):
        return {
            "communities": ["public", "noise"],
            "users": [USER],
            "sqlite": {"path": self.db},
            "kafka": {"brokers": self.brokers, "topic": self.topic, "key": KEY_TEMPLATE},
            "routes": [
                # First match decides: a noisy linkDown is dropped before the links route.
                {"name": "noise", "match": {"community": ["noise"]}, "drop": True},
                {"name": "links", "match": {"trap": [LINK_DOWN]},
                 "sinks": ["kafka", "sqlite", "jsonl"]},
                {"name": "hot", "match": {"trap": [ENTERPRISE + ".0.*"], "varbinds": [
                    {"oid": TEMPERATURE, "range": [80, 1000]}]}, "sinks": ["kafka", "jsonl"]},
                {"name": "enterprise", "match": {"trap": ["1.3.6.1.4.1.8072.*"]},
                 "sinks": ["jsonl"]},
            ],
            "default_sinks": ["sqlite", "jsonl"],
        }

    def snmptrap(self, *args):
        r = run_tool(["snmptrap", *args])
        self.assertEqual(r.returncode, 0, f"snmptrap {' '.join(args)}: {r.stderr}")

    def send_all(self, port):
        target = f"127.0.0.1:{port}"
        v2c = ["-v", "2c", "-c", "public", target]
        # 1001: v2c linkDown -> links
        self.snmptrap(*v2c, "1001", LINK_DOWN,
                      *ifmib(1, 17, "i", "17"), *ifmib(7, 17, "i", "1"), *ifmib(8, 17, "i", "2"),
                      *ifmib(2, 17, "s", "Gi1/0/17"),
                      "1.3.6.1.2.1.31.1.1.1.18.17", "s", "Zürich uplink",
                      "1.3.6.1.2.1.31.1.1.1.6.17", "C", "18446744073709551615")
        # 1002: v1 generic linkDown (RFC 3584: trap OID linkDown) from another enterprise
        self.snmptrap("-v", "1", "-c", "public", target, "1.3.6.1.4.1.8072.3.2.10",
                      "192.0.2.7", "2", "0", "1002", *ifmib(1, 7, "i", "7"))
        # 1003: v3 authPriv SHA/AES linkDown
        self.snmptrap("-v3", "-u", USER["name"], "-l", "authPriv", "-a", "SHA",
                      "-A", USER["auth_passphrase"], "-x", "AES", "-X", USER["priv_passphrase"],
                      "-e", self.engine_id, target, "1003", LINK_DOWN, *ifmib(1, 3, "i", "3"))
        # 1004: linkDown in community "noise" -> dropped
        self.snmptrap("-v", "2c", "-c", "noise", target, "1004", LINK_DOWN,
                      *ifmib(1, 4, "i", "4"))
        # 1005 / 1006: the enterprise notification, hot (-> kafka, jsonl) and not (-> jsonl)
        for uptime, temp in (("1005", "95"), ("1006", "40")):
            self.snmptrap(*v2c, uptime, ENTERPRISE + ".0.5", TEMPERATURE, "u", temp,
                          ENTERPRISE + ".2.1.0", "s", "sensor A")
        # 1007: v1 enterpriseSpecific under the enterprise subtree -> jsonl
        self.snmptrap("-v", "1", "-c", "public", target, ENTERPRISE, "192.0.2.8", "6", "17",
                      "1007", ENTERPRISE + ".2.1.0", "s", "disk /var at 95%")
        # 1008: linkUp, no route -> default_sinks
        self.snmptrap(*v2c, "1008", LINK_UP, *ifmib(1, 8, "i", "8"))

    def expected_content(self, rec):
        """The record's fields as each trap was sent."""
        up = rec["uptime"]
        self.assertRecordCommon(rec, {1002: "1", 1007: "1", 1003: "3"}.get(up, "2c"), "trap")
        if up == 1001:
            self.assertEqual(rec["community"], "public")
            self.assertEqual(rec["trap_oid"], LINK_DOWN)
            self.assertEqual(rec["agent_address"], "127.0.0.1")
            self.assertEqual(rec["varbinds"], [
                vb("1.3.6.1.2.1.2.2.1.1.17", "Integer32", 17),
                vb("1.3.6.1.2.1.2.2.1.7.17", "Integer32", 1),
                vb("1.3.6.1.2.1.2.2.1.8.17", "Integer32", 2),
                vb("1.3.6.1.2.1.2.2.1.2.17", "OctetString", "Gi1/0/17", "text"),
                vb("1.3.6.1.2.1.31.1.1.1.18.17", "OctetString", "Zürich uplink", "text"),
                vb("1.3.6.1.2.1.31.1.1.1.6.17", "Counter64", "18446744073709551615")])
        elif up == 1002:
            self.assertEqual(rec["community"], "public")
            self.assertEqual(rec["trap_oid"], LINK_DOWN)
            self.assertEqual(rec["agent_address"], "192.0.2.7")
            self.assertEqual(rec["v1"], {"enterprise": "1.3.6.1.4.1.8072.3.2.10",
                                         "agent_address": "192.0.2.7", "generic_trap": 2,
                                         "specific_trap": 0, "timestamp": 1002})
            self.assertEqual(rec["varbinds"], [vb("1.3.6.1.2.1.2.2.1.1.7", "Integer32", 7),
                                               *v1_tail("192.0.2.7", "1.3.6.1.4.1.8072.3.2.10")])
        elif up == 1003:
            self.assertNotIn("community", rec)
            self.assertEqual(rec["trap_oid"], LINK_DOWN)
            sec = rec["security"]
            self.assertEqual((sec["model"], sec["user"], sec["level"], sec["engine_id"],
                              sec["auth_protocol"], sec["priv_protocol"]),
                             ("usm", USER["name"], "authPriv", self.engine_id, "SHA", "AES"))
            self.assertEqual(rec["varbinds"], [vb("1.3.6.1.2.1.2.2.1.1.3", "Integer32", 3)])
        elif up in (1005, 1006):
            self.assertEqual(rec["community"], "public")
            self.assertEqual(rec["trap_oid"], ENTERPRISE + ".0.5")
            self.assertEqual(rec["varbinds"], [
                vb(TEMPERATURE, "Gauge32", 95 if up == 1005 else 40),
                vb(ENTERPRISE + ".2.1.0", "OctetString", "sensor A", "text")])
        elif up == 1007:
            self.assertEqual(rec["trap_oid"], ENTERPRISE + ".0.17")
            self.assertEqual(rec["agent_address"], "192.0.2.8")
            self.assertEqual(rec["varbinds"], [
                vb(ENTERPRISE + ".2.1.0", "OctetString", "disk /var at 95%", "text"),
                *v1_tail("192.0.2.8", ENTERPRISE)])
        elif up == 1008:
            self.assertEqual(rec["trap_oid"], LINK_UP)
            self.assertEqual(rec["varbinds"], [vb("1.3.6.1.2.1.2.2.1.1.8", "Integer32", 8)])
        else:
            self.fail(f"unexpected record: {rec}")

    def by_uptime(self, records, sink):
        out = {}
        for rec in records:
            self.assertNotIn(rec["uptime"], out, f"{sink}: two records of one trap: {rec}")
            out[rec["uptime"]] = rec
        want = sorted(u for u, sinks in EXPECTED.items() if sink in sinks)
        self.assertEqual(sorted(out), want, f"{sink}: the records of the wrong traps")
        return out

    def test_routes_to_kafka_sqlite_and_jsonl(self):
        started = time.monotonic()
        kafka_want = sorted(u for u, s in EXPECTED.items() if "kafka" in s)
        sqlite_want = sorted(u for u, s in EXPECTED.items() if "sqlite" in s)
        with Trapsink(config=self.config()) as ts:
            self.send_all(ts.port)
            # Wait (polling) for each sink while trapsink runs: live delivery, not only the
            # flush at shutdown.
            ts.wait_records(len(EXPECTED), timeout=60)
            wait_rows(self.db, len(sqlite_want), timeout=60)
            live = consume(self.brokers, self.topic, len(kafka_want))
            self.assertEqual(ts.stop(), 0, ts.log())
            jsonl = self.by_uptime(ts.records(), "jsonl")
            counters = ts.counters()
            log = ts.log()

        # JSON lines: exactly the routed records, each as sent.
        for rec in jsonl.values():
            with self.subTest(sink="jsonl", uptime=rec["uptime"]):
                self.expected_content(rec)
        self.assertEqual(len({r["id"] for r in jsonl.values()}), len(jsonl))

        # Kafka: after the stop, the topic holds exactly those messages (no duplicate from the
        # shutdown flush), and they are the ones read live.
        messages = consume(self.brokers, self.topic, len(kafka_want), "--exact")
        key = lambda m: (m["partition"], m["offset"])  # noqa: E731
        self.assertEqual(sorted(messages, key=key), sorted(live, key=key))
        kafka = self.by_uptime([m["value"] for m in messages], "kafka")
        for m in messages:
            rec = m["value"]
            with self.subTest(sink="kafka", uptime=rec["uptime"]):
                self.assertEqual(rec, jsonl[rec["uptime"]])  # field by field, nested included
                self.assertEqual(m["topic"], self.topic)
                self.assertEqual(m["key"], f"{rec['source']['address']}|{rec['version']}|"
                                           f"{rec['trap_oid']}")
                self.assertEqual(m["headers"], {"trapsink-version": "0.1.0",
                                                "trapsink-id": rec["id"],
                                                "trapsink-trap-oid": rec["trap_oid"],
                                                "trapsink-snmp-version": rec["version"]})
                self.assertEqual(m["timestamp"], micros(rec["time"]) // 1000)
        self.assertEqual(sorted(kafka), kafka_want)

        # SQLite: `trapsink query` finds exactly the routed records, equal to the JSON lines,
        # and finds them by their varbind values; the others are not there.
        stored = self.by_uptime(query(self.db, "--limit", "0"), "sqlite")
        for up, rec in stored.items():
            self.assertEqual(rec, jsonl[up], f"sqlite record {up}")
        for up in sqlite_want:
            first = jsonl[up]["varbinds"][0]
            got = query(self.db, "--varbind", f"{first['oid']}={first['value']}")
            self.assertEqual([r["id"] for r in got], [jsonl[up]["id"]], up)
        self.assertEqual(
            [r["uptime"] for r in query(self.db, "--varbind",
                                        "1.3.6.1.2.1.31.1.1.1.18.17=Zürich uplink")], [1001])
        self.assertEqual(sorted(r["uptime"] for r in query(self.db, "--trap", "linkDown")),
                         [1001, 1002, 1003])
        self.assertEqual(query(self.db, "--varbind", f"{TEMPERATURE}=95"), [])  # kafka, jsonl
        self.assertEqual(query(self.db, "--varbind", "1.3.6.1.2.1.2.2.1.1.4=4"), [])  # dropped

        # The dropped trap: nowhere, and counted; every route counted what it matched.
        self.assertNotIn(DROPPED, jsonl)
        expected_counters = {
            "trapsink_route_dropped_total": 1,
            'trapsink_route_matched_total{route="noise"}': 1,
            'trapsink_route_matched_total{route="links"}': 3,
            'trapsink_route_matched_total{route="hot"}': 1,
            'trapsink_route_matched_total{route="enterprise"}': 2,
            'trapsink_route_matched_total{route="(default)"}': 1,
            'trapsink_sink_sent_total{sink="kafka"}': len(kafka_want),
            'trapsink_sink_sent_total{sink="sqlite"}': len(sqlite_want),
            'trapsink_sink_sent_total{sink="jsonl"}': len(EXPECTED),
            'trapsink_kafka_delivered_total{sink="kafka"}': len(kafka_want),
        }
        self.assertEqual({k: counters.get(k) for k in expected_counters}, expected_counters,
                         log)
        for name in counters:
            self.assertFalse(name.startswith(("trapsink_kafka_dropped", "trapsink_kafka_possible",
                                              "trapsink_sink_discarded")),
                             f"{name}={counters[name]}\n{log}")
        print(f"\nend to end: {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
