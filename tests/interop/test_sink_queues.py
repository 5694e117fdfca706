"""Per-sink queue settings from the configuration are what the running sinks use. A Kafka sink
whose broker never answers (127.0.0.1:1) holds its first batch, retrying, so its queue fills:
with `queue_capacity: 4` exactly four more records are queued and the rest refused
(drop_newest: at once; block: each after block_timeout, pausing reception meanwhile), while the
JSON-lines sink, with the global capacity, writes every record."""
import socket
import time
import unittest

import packets
from harness import Trapsink


def kafka_config(overflow, block_timeout="1s"):
    return {"kafka": {"brokers": "127.0.0.1:1", "delivery_wait": "200ms",
                      "flush_timeout": "100ms", "queue_capacity": 4, "overflow": overflow,
                      "block_timeout": block_timeout},
            "shutdown_deadline": "500ms"}


class SinkQueues(unittest.TestCase):
    def send(self, ts, sock, first, count):
        for rid in range(first, first + count):
            sock.sendto(packets.v2c_trap(request_id=rid), ("127.0.0.1", ts.port))

    def stuck_kafka(self, ts, sock):
        """Send request id 1 and wait until the Kafka runner holds it (in its retried batch)."""
        self.send(ts, sock, 1, 1)
        ts.wait_records(1)
        # The runner took it off the queue and, after delivery_wait, retries it.
        deadline = time.monotonic() + 10
        while "sink kafka: write failed, retrying" not in ts.log():
            self.assertLess(time.monotonic(), deadline, ts.log())
            time.sleep(0.02)

    def test_drop_newest_with_a_per_sink_capacity(self):
        with Trapsink(config=kafka_config("drop_newest")) as ts, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            self.assertIn("sink kafka: queue_capacity 4, overflow drop_newest, durable", ts.log())
            self.assertIn("sink jsonl: queue_capacity 65536, overflow drop_newest", ts.log())
            self.stuck_kafka(ts, sock)
            self.send(ts, sock, 2, 10)
            self.assertEqual([r["request_id"] for r in ts.wait_records(11)], list(range(1, 12)))
            counters = ts.counters()
        self.assertEqual(counters.get('trapsink_sink_received_total{sink="kafka"}'), 11, counters)
        self.assertIsNone(counters.get('trapsink_sink_sent_total{sink="kafka"}'), counters)
        # 1 in the batch being retried, 4 queued: 6 refused; the 5 are given up at shutdown.
        self.assertEqual(
            counters.get('trapsink_sink_discarded_total{sink="kafka",reason="queue_full"}'), 6,
            counters)
        self.assertEqual(
            counters.get('trapsink_sink_discarded_total{sink="kafka",reason="shutdown"}'), 5,
            counters)
        self.assertEqual(counters.get('trapsink_sink_sent_total{sink="jsonl"}'), 11, counters)

    def test_block_waits_block_timeout_before_refusing(self):
        with Trapsink(config=kafka_config("block", "400ms")) as ts, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            self.assertIn("sink kafka: queue_capacity 4, overflow block (block_timeout 400ms), "
                          "durable", ts.log())
            self.stuck_kafka(ts, sock)
            self.send(ts, sock, 2, 4)  # fills the queue
            ts.wait_records(5)
            started = time.monotonic()
            self.send(ts, sock, 6, 3)  # each waits 400 ms for space, then is refused
            ts.wait_records(8)
            # Reception pauses while a trap waits: the JSON line of trap 8 comes after the
            # waits for traps 6 and 7.
            elapsed = time.monotonic() - started
            self.assertGreaterEqual(elapsed, 0.75, elapsed)
            counters = ts.counters()
        self.assertEqual(counters.get('trapsink_sink_received_total{sink="kafka"}'), 8, counters)
        self.assertEqual(
            counters.get('trapsink_sink_discarded_total{sink="kafka",reason="queue_full"}'), 3,
            counters)
        self.assertEqual(
            counters.get('trapsink_sink_discarded_total{sink="kafka",reason="shutdown"}'), 5,
            counters)
        self.assertEqual(counters.get('trapsink_sink_sent_total{sink="jsonl"}'), 8, counters)


if __name__ == "__main__":
    unittest.main()
