"""Routes and dedup configured in YAML, end to end with Net-SNMP's snmptrap: a drop route
keeps v1 traps out, identical v2c traps within the dedup window are folded, and the summary
record that accounts for them is written when trapsink stops."""
import os
import subprocess
import unittest

from harness import Trapsink

ENV = dict(os.environ, MIBS="", SNMPCONFPATH="/nonexistent")


def snmptrap(port, *args):
    subprocess.run(["snmptrap", *args[:1], "-c", "public", f"127.0.0.1:{port}", *args[1:]],
                   env=ENV, check=True, timeout=10)


class PipelineStages(unittest.TestCase):
    def test_drop_route_and_dedup_summary(self):
        config = {"routes": [{"name": "no-v1", "match": {"version": ["1"]}, "drop": True}],
                  "dedup": {"window": "60s", "key": ["source", "trap_oid"]}}
        with Trapsink(config=config) as ts:
            snmptrap(ts.port, "-v1", "1.3.6.1.4.1.8072.2.3.1", "127.0.0.1", "6", "17", "100")
            for _ in range(3):
                snmptrap(ts.port, "-v2c", "", "1.3.6.1.6.3.1.1.5.3",
                         "1.3.6.1.2.1.2.2.1.1.3", "i", "3")
            ts.wait_records(1)
            self.assertEqual(ts.stop(), 0)
            records = ts.records()
            counters = ts.counters()
        self.assertEqual([r["version"] for r in records], ["2c", "2c"])
        self.assertNotIn("summary", records[0])
        summary = records[1]["summary"]
        self.assertEqual(summary["kind"], "dedup")
        self.assertEqual(summary["count"], 2)
        self.assertEqual(records[1]["trap_oid"], "1.3.6.1.6.3.1.1.5.3")
        self.assertEqual(counters.get("trapsink_route_dropped_total"), 1, counters)
        self.assertEqual(counters.get('trapsink_dedup_folded_total{stage="dedup"}'), 2, counters)


if __name__ == "__main__":
    unittest.main()
