"""A running listener survives a corpus of malformed datagrams: each is counted under the right
RFC 3418 counter, none crashes or stalls it, and valid traffic after them is still recorded and
acknowledged."""
import re
import unittest

import malformed
import packets as P
from harness import InteropCase, Trapsink, run_tool, send_udp

SUMMARY_RE = re.compile(r"(\w+)(?:\{([^}]*)\})?=(\d+)")


def parse_summary(log):
    line = [l for l in log.splitlines() if "stopped; counters:" in l]
    assert line, "no shutdown summary in the log:\n" + log
    counters = {}
    for name, labels, value in SUMMARY_RE.findall(line[-1].split("counters:", 1)[1]):
        key = name if not labels else f"{name}{{{labels}}}"
        counters[key] = int(value)
    return counters


class Malformed(InteropCase):
    def test_corpus(self):
        items = list(malformed.corpus())
        expected = {}
        for _, _, counter in items:
            if counter:
                expected[counter] = expected.get(counter, 0) + 1
        ts = Trapsink("--community", "public")
        try:
            for _name, data, _counter in items:
                send_udp(ts.port, data)
            # The listener still works: a trap is recorded and an inform acknowledged.
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                          f"127.0.0.1:{ts.port}", "31337", "1.3.6.1.6.3.1.1.5.1"])
            self.assertEqual(r.returncode, 0, "inform after the corpus not acknowledged")
            send_udp(ts.port, P.v2c_trap(uptime=31338))
            recs = ts.wait_records(1)
            self.assertEqual(ts.stop(), 0)
            recs = ts.records()
            uptimes = [r["uptime"] for r in recs]
            self.assertIn(31337, uptimes)
            self.assertIn(31338, uptimes)
            counters = parse_summary(ts.log())
        finally:
            ts.close()
        # Every datagram (corpus + the valid trap + the inform) was counted as received.
        self.assertEqual(counters["snmp_in_pkts_total"], len(items) + 2)
        # Targeted cases land in their own counter; random mutations may add to them, so the
        # targeted count is a lower bound and the sum of drops + records accounts for everything.
        for counter, n in expected.items():
            self.assertGreaterEqual(counters.get(counter, 0), n, counter)
        drops = sum(v for k, v in counters.items() if k.startswith("trapsink_listener_dropped_total"))
        recorded = sum(v for k, v in counters.items()
                       if k.startswith("trapsink_listener_recorded_total"))
        self.assertEqual(drops + recorded, len(items) + 2)
        self.assertEqual(recorded, len(recs))

    def test_targeted_cases_exact(self):
        """Without random mutations, every counter is exact."""
        items = [i for i in malformed.corpus() if i[2] is not None]
        ts = Trapsink("--community", "public")
        try:
            for _name, data, _counter in items:
                send_udp(ts.port, data)
            send_udp(ts.port, P.v2c_trap(uptime=5))
            ts.wait_records(1)
            self.assertEqual(ts.stop(), 0)
            counters = parse_summary(ts.log())
            self.assertEqual(len(ts.records()), 1)
        finally:
            ts.close()
        for counter in (malformed.PARSE, malformed.BAD_VERSION, malformed.BAD_COMMUNITY):
            want = sum(1 for i in items if i[2] == counter)
            self.assertEqual(counters.get(counter, 0), want, counter)


if __name__ == "__main__":
    unittest.main()
