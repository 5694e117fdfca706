"""SIGINT and SIGTERM: stop listening, write out everything received, exit 0 with a summary."""
import signal
import time
import unittest

import packets as P
from harness import Trapsink, send_udp
from test_malformed import parse_summary


class Shutdown(unittest.TestCase):
    def burst_then_stop(self, sig):
        ts = Trapsink("--community", "public")
        try:
            n = 500
            for i in range(n):
                send_udp(ts.port, P.v2c_trap(request_id=i, uptime=i))
                if i % 50 == 49:
                    time.sleep(0.01)  # stay well inside a small kernel receive buffer
            time.sleep(1.0)  # let the kernel hand every datagram to the listener
            self.assertEqual(ts.stop(sig), 0)
            recs = ts.records()
            counters = parse_summary(ts.log())
        finally:
            ts.close()
        received = counters["snmp_in_pkts_total"]
        # Everything received was recorded and written; nothing left the process uncounted.
        self.assertEqual(len(recs), received)
        self.assertEqual(counters['trapsink_sink_sent_total{sink="jsonl"}'], received)
        self.assertEqual(received, n)
        self.assertEqual(sorted(r["uptime"] for r in recs), list(range(n)))

    def test_sigterm(self):
        self.burst_then_stop(signal.SIGTERM)

    def test_sigint(self):
        self.burst_then_stop(signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
