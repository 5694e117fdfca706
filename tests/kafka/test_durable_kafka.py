"""inform_ack: durable through Kafka, against the real broker, while the broker goes away.

`trapsink serve` runs with `inform_ack: durable`, a Kafka sink (a new topic per test, durable by
default) and the JSON-lines file (not durable); no SQLite. Then:

  a. broker up: Net-SNMP's `snmpinform -v 2c` is acknowledged (exits 0) and its record is on the
     topic exactly once;
  b. the broker is stopped (deploy/kafka-dev.sh stop): an inform sent over raw UDP and
     retransmitted every second, as a sender does, gets no Response at all, while a trap sent
     meanwhile is accepted (written to the JSON lines, as is the inform, once);
  c. the broker is started again (same port, same data): the pending inform gets its Response
     (one, to the retransmissions), the topic holds every record exactly once (the
     retransmissions were not recorded again), and the counters say so: two durable informs
     confirmed, none unconfirmed, nothing discarded.
  d. the same with `spool_dir`: with the broker down the inform is acknowledged once the batch
     holding it is in the spool (after `delivery_wait`), and after the restart the spool is
     replayed: the topic holds it exactly once.

The broker is shared by the other `kafka` tests: every test starts it again when it ends
(`start` is idempotent), whatever happened.

Environment (set by ctest, tests/kafka/CMakeLists.txt): as test_e2e_routes.py.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

import packets as P  # noqa: E402
from harness import InteropCase, Trapsink, run_tool  # noqa: E402
from test_e2e_routes import KAFKA_DIR, KAFKA_SCRIPT, broker_bootstrap, consume  # noqa: E402

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
IFINDEX = "1.3.6.1.2.1.2.2.1.1.7"
CONFIRMED = 'trapsink_durable_informs_total{outcome="confirmed"}'
UNCONFIRMED = 'trapsink_durable_informs_total{outcome="unconfirmed"}'
# A sender retransmits about every second; no Response may come for this long while the broker
# is down (without a spool).
SILENCE = 5.0
# How long to wait for things that depend on the broker coming back (its start, librdkafka's
# reconnect backoff, a replay round): generous, the machine is shared.
BROKER_BACK = 120.0


def broker(cmd):
    """deploy/kafka-dev.sh CMD --dir KAFKA_DIR: its standard output, stripped; fails on error."""
    r = subprocess.run(["bash", KAFKA_SCRIPT, cmd, "--dir", KAFKA_DIR],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"kafka-dev.sh {cmd} exited {r.returncode}: {r.stderr}")
    return r.stdout.strip()


def total(counters, name):
    """The sum of a counter over its labels (the listener counters carry one per listener)."""
    return sum(v for k, v in counters.items() if k == name or k.startswith(name + "{"))


class RawInformer:
    """One SNMPv2c inform over raw UDP from one socket, retransmitted like a sender does (same
    request-id, same source port), and the Responses that come back."""

    def __init__(self, port, request_id, uptime):
        self.target = ("127.0.0.1", port)
        vbs = [P.varbind(P.SYS_UPTIME_0, P.unsigned(uptime, 0x43)),
               P.varbind(P.SNMP_TRAP_OID_0, P.oid(LINK_UP)),
               P.varbind(IFINDEX, P.integer(7))]
        self.inform = P.v2c_message("public", 0xA6, request_id, vbs)
        # RFC 3416 §4.2.7: the Response repeats the request-id and the variable bindings.
        self.expected = P.v2c_message("public", 0xA2, request_id, vbs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sends = 0
        self.first_sent = None

    def close(self):
        self.sock.close()

    def send(self):
        self.sock.sendto(self.inform, self.target)
        self.sends += 1
        if self.first_sent is None:
            self.first_sent = time.monotonic()

    def replies(self, wait):
        """Every datagram that arrives within `wait` seconds."""
        out = []
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                break
            out.append((data, peer))
        return out

    def until_answered(self, timeout, interval=1.0):
        """Send, then retransmit every `interval` until a Response arrives; returns it and when it
        arrived (time.monotonic()), or (None, None) after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.send()
            self.sock.settimeout(interval)
            try:
                data, _ = self.sock.recvfrom(65535)
                return data, time.monotonic()
            except socket.timeout:
                continue
        return None, None


class DurableKafka(InteropCase):
    def setUp(self):
        self.brokers = broker_bootstrap()
        # Whatever happens, the broker runs again afterwards: the other kafka tests share it.
        self.addCleanup(self.restore_broker)
        self.topic = "trapsink-durable-" + uuid.uuid4().hex[:16]
        self.tmp = tempfile.mkdtemp(prefix="trapsink-durable-kafka-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def restore_broker(self):
        got = broker("start")
        self.assertEqual(got, self.brokers, "the broker came back on another address")

    def config(self, **kafka):
        return {
            "communities": ["public"],
            "inform_ack": "durable",
            # The broker is away for some seconds, a restart included, on a shared machine: keep
            # every pending inform well within the window in which retransmissions are known.
            "inform_dedup_window": "300s",
            "kafka": {"brokers": self.brokers, "topic": self.topic, **kafka},
        }

    def snmpinform_up(self, ts, uptime):
        """(a) broker up: snmpinform is acknowledged and its record is on the topic once."""
        r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-t", "10", "-r", "1",
                      f"127.0.0.1:{ts.port}", str(uptime), LINK_UP, IFINDEX, "i", "1"],
                     timeout=60)
        self.assertEqual(r.returncode, 0, f"snmpinform: {r.stderr}\n{ts.log()}")
        (m,) = consume(self.brokers, self.topic, 1, "--exact")
        self.assertEqual((m["value"]["pdu"], m["value"]["uptime"]), ("inform", uptime))

    def stop_broker(self):
        broker("stop")
        self.assertNotEqual(subprocess.run(["bash", KAFKA_SCRIPT, "status", "--dir", KAFKA_DIR],
                                           capture_output=True).returncode, 0,
                            "the broker still runs after stop")

    def send_trap(self, ts, uptime):
        P_trap = P.v2c_trap(request_id=uptime, uptime=uptime, trap_oid=LINK_DOWN,
                            extra=[P.varbind(IFINDEX, P.integer(7))])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(P_trap, ("127.0.0.1", ts.port))

    def jsonl_uptimes(self, ts, n):
        """The uptimes of the JSON-lines records once there are n (each record once)."""
        recs = ts.wait_records(n, timeout=30)
        return sorted(r["uptime"] for r in recs)

    def check_topic(self, jsonl, uptimes):
        """After the stop: the topic holds exactly one message per uptime, each equal to the
        JSON-lines record of the same id."""
        messages = consume(self.brokers, self.topic, len(uptimes), "--exact")
        self.assertEqual(sorted(m["value"]["uptime"] for m in messages), sorted(uptimes))
        by_id = {r["id"]: r for r in jsonl}
        for m in messages:
            self.assertEqual(m["value"], by_id.get(m["value"]["id"]))
        return messages

    def assert_acknowledged_again(self, informer, ts, n_records):
        """An acknowledged inform retransmitted once more is answered at once, not recorded."""
        informer.send()
        got = informer.replies(3.0)
        self.assertEqual([d for d, _ in got], [informer.expected], ts.log())
        time.sleep(0.3)
        self.assertEqual(len(ts.records()), n_records)

    def test_broker_down_holds_the_acknowledgement_until_it_is_back(self):
        started = time.monotonic()
        with Trapsink(config=self.config()) as ts:
            try:
                # a. broker up
                self.snmpinform_up(ts, 2001)
                self.assertEqual(self.jsonl_uptimes(ts, 1), [2001])

                # b. broker down: the inform is recorded (JSON lines) but not acknowledged, however
                # often it is retransmitted; a trap meanwhile is accepted.
                self.stop_broker()
                down = time.monotonic()
                informer = RawInformer(ts.port, 0x5EED0002, 2002)
                self.addCleanup(informer.close)
                informer.send()
                self.send_trap(ts, 2003)
                answers = []
                while time.monotonic() - down < SILENCE:
                    answers += informer.replies(1.0)
                    informer.send()
                self.assertEqual(answers, [], f"a Response while the broker was down\n{ts.log()}")
                self.assertEqual(self.jsonl_uptimes(ts, 3), [2001, 2002, 2003])
                retransmitted_while_down = informer.sends - 1
                self.assertGreaterEqual(retransmitted_while_down, 4)

                # c. broker back (same address): the pending inform gets its Response, once.
                self.assertEqual(broker("start"), self.brokers)
                back = time.monotonic()
                reply, at = informer.until_answered(BROKER_BACK)
                self.assertIsNotNone(reply, f"no Response after the broker came back\n{ts.log()}")
                self.assertEqual(reply, informer.expected)
                extra = informer.replies(1.5)  # the earlier retransmissions are not answered each
                self.assertEqual(extra, [], "more than one Response to one inform")
                print(f"\nno spool: broker down {back - down:.1f} s; {informer.sends} "
                      f"transmissions; Response {at - back:.1f} s after the broker's start "
                      f"returned", file=sys.stderr)
                self.assert_acknowledged_again(informer, ts, 3)
                live = consume(self.brokers, self.topic, 3, timeout=BROKER_BACK)
                self.assertEqual(sorted(m["value"]["uptime"] for m in live), [2001, 2002, 2003])
            finally:
                broker("start")
            self.assertEqual(ts.stop(), 0, ts.log())
            counters = ts.counters()
            jsonl = ts.records()
            log = ts.log()

        self.assertEqual(sorted(r["uptime"] for r in jsonl), [2001, 2002, 2003])
        self.check_topic(jsonl, [2001, 2002, 2003])
        self.assertEqual(counters.get(CONFIRMED), 2, log)
        self.assertIsNone(counters.get(UNCONFIRMED), log)
        # Every retransmission reached the receiver and was recognised, none recorded again.
        self.assertGreaterEqual(total(counters, "trapsink_listener_inform_retransmissions_total"),
                                retransmitted_while_down, log)
        self.assertEqual(total(counters, "trapsink_listener_recorded_total"), 3, log)
        self.assertEqual(counters.get('trapsink_sink_sent_total{sink="kafka"}'), 3, log)
        self.assertEqual(counters.get('trapsink_kafka_delivered_total{sink="kafka"}'), 3, log)
        self.assertEqual(counters.get('trapsink_sink_sent_total{sink="jsonl"}'), 3, log)
        for name in counters:
            self.assertFalse(name.startswith(("trapsink_kafka_dropped", "trapsink_kafka_possible",
                                              "trapsink_sink_discarded", "trapsink_kafka_spool")),
                             f"{name}={counters[name]}\n{log}")
        print(f"no spool: {time.monotonic() - started:.1f} s in all", file=sys.stderr)

    def test_broker_down_with_a_spool_acknowledges_once_spooled(self):
        started = time.monotonic()
        spool = os.path.join(self.tmp, "spool")
        delivery_wait = 2.0
        config = self.config(spool_dir=spool, delivery_wait=f"{delivery_wait:g}s")
        with Trapsink(config=config) as ts:
            try:
                # a. broker up
                self.snmpinform_up(ts, 3001)
                self.assertEqual(self.jsonl_uptimes(ts, 1), [3001])

                # d. broker down: the inform is acknowledged once its batch is in the spool, which
                # takes delivery_wait (the sink first waits that long for the broker).
                self.stop_broker()
                down = time.monotonic()
                informer = RawInformer(ts.port, 0x5EED0003, 3002)
                self.addCleanup(informer.close)
                reply, at = informer.until_answered(60)
                self.assertIsNotNone(reply, f"not acknowledged with the broker down\n{ts.log()}")
                self.assertEqual(reply, informer.expected)
                waited = at - informer.first_sent
                self.assertGreaterEqual(waited, 0.75 * delivery_wait,
                                        "acknowledged before the sink could have spooled it")
                self.assertEqual(informer.replies(1.5), [], "more than one Response")
                self.send_trap(ts, 3003)  # goes straight to the spool now
                self.assertEqual(self.jsonl_uptimes(ts, 3), [3001, 3002, 3003])
                self.assertTrue([f for f in os.listdir(spool) if f.endswith(".seg")],
                                f"nothing in the spool: {os.listdir(spool)}")
                self.assert_acknowledged_again(informer, ts, 3)
                print(f"\nspool: acknowledged {waited:.1f} s after the first transmission "
                      f"({informer.sends} transmissions, delivery_wait {delivery_wait:g} s)",
                      file=sys.stderr)

                # After the restart the spool is replayed: the topic holds everything once.
                self.assertEqual(broker("start"), self.brokers)
                back = time.monotonic()
                live = consume(self.brokers, self.topic, 3, timeout=BROKER_BACK)
                self.assertEqual(sorted(m["value"]["uptime"] for m in live), [3001, 3002, 3003])
                print(f"spool: broker down {back - down:.1f} s; replayed "
                      f"{time.monotonic() - back:.1f} s after its start returned",
                      file=sys.stderr)
            finally:
                broker("start")
            self.assertEqual(ts.stop(), 0, ts.log())
            counters = ts.counters()
            jsonl = ts.records()
            log = ts.log()

        self.assertEqual(sorted(r["uptime"] for r in jsonl), [3001, 3002, 3003])
        self.check_topic(jsonl, [3001, 3002, 3003])
        self.assertEqual([f for f in os.listdir(spool) if f.endswith(".seg")], [],
                         "the spool was not drained")
        self.assertEqual(counters.get(CONFIRMED), 2, log)
        self.assertIsNone(counters.get(UNCONFIRMED), log)
        self.assertEqual(total(counters, "trapsink_listener_recorded_total"), 3, log)
        spooled = counters.get('trapsink_kafka_spooled_total{sink="kafka"}')
        self.assertEqual(spooled, 2, log)  # the inform and the trap
        self.assertEqual(counters.get('trapsink_kafka_replayed_total{sink="kafka"}'), spooled, log)
        self.assertEqual(counters.get('trapsink_sink_sent_total{sink="kafka"}'), 3, log)
        for name in counters:
            self.assertFalse(name.startswith(("trapsink_kafka_dropped", "trapsink_kafka_possible",
                                              "trapsink_sink_discarded",
                                              "trapsink_kafka_spool_full")),
                             f"{name}={counters[name]}\n{log}")
        print(f"spool: {time.monotonic() - started:.1f} s in all", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
