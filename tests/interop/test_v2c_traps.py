"""SNMPv2c traps from Net-SNMP's snmptrap carrying every SMI type Net-SNMP can send."""
import unittest

from harness import InteropCase, Trapsink, run_tool

TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"


class V2cTraps(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink("--community", "public", "--community", "s3cret")

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_every_type(self):
        before = len(self.ts.records())
        r = run_tool([
            "snmptrap", "-v", "2c", "-c", "s3cret", f"127.0.0.1:{self.ts.port}", "123456", TRAP_OID,
            "1.3.6.1.4.1.99.1", "i", "-2147483648",
            "1.3.6.1.4.1.99.2", "s", "Zürich link down",
            "1.3.6.1.4.1.99.3", "x", "00 01 fe ff",
            "1.3.6.1.4.1.99.4", "o", "1.3.6.1.4.1.4294967295.0",
            "1.3.6.1.4.1.99.5", "a", "10.20.30.40",
            "1.3.6.1.4.1.99.6", "c", "4294967295",
            "1.3.6.1.4.1.99.7", "u", "3000000000",
            "1.3.6.1.4.1.99.8", "t", "8640000",
            "1.3.6.1.4.1.99.9", "F", "1.5",
            "1.3.6.1.4.1.99.10", "C", "18446744073709551615",
            "1.3.6.1.4.1.99.11", "i", "2147483647",
            "1.3.6.1.4.1.99.12", "s", "",
            "1.3.6.1.6.3.18.1.3.0", "a", "198.51.100.9",
        ])
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertRecordCommon(rec, "2c", "trap")
        self.assertEqual(rec["community"], "s3cret")
        self.assertIsInstance(rec["request_id"], int)
        self.assertEqual(rec["uptime"], 123456)
        self.assertEqual(rec["trap_oid"], TRAP_OID)
        self.assertNotIn("v1", rec)
        # snmpTrapAddress.0 present -> it is the agent address.
        self.assertEqual(rec["agent_address"], "198.51.100.9")
        self.assertEqual(rec["varbinds"], [
            {"oid": "1.3.6.1.4.1.99.1", "type": "Integer32", "value": -2147483648},
            {"oid": "1.3.6.1.4.1.99.2", "type": "OctetString", "value": "Zürich link down",
             "encoding": "text"},
            {"oid": "1.3.6.1.4.1.99.3", "type": "OctetString", "value": "0001feff",
             "encoding": "hex"},
            {"oid": "1.3.6.1.4.1.99.4", "type": "ObjectIdentifier",
             "value": "1.3.6.1.4.1.4294967295.0"},
            {"oid": "1.3.6.1.4.1.99.5", "type": "IpAddress", "value": "10.20.30.40"},
            {"oid": "1.3.6.1.4.1.99.6", "type": "Counter32", "value": 4294967295},
            {"oid": "1.3.6.1.4.1.99.7", "type": "Gauge32", "value": 3000000000},
            {"oid": "1.3.6.1.4.1.99.8", "type": "TimeTicks", "value": 8640000},
            # Net-SNMP wraps a float in Opaque: 9f 78 04 3f c0 00 00 (RFC draft opaque types)
            {"oid": "1.3.6.1.4.1.99.9", "type": "Opaque", "value": "9f78043fc00000",
             "encoding": "hex"},
            {"oid": "1.3.6.1.4.1.99.10", "type": "Counter64", "value": "18446744073709551615"},
            {"oid": "1.3.6.1.4.1.99.11", "type": "Integer32", "value": 2147483647},
            {"oid": "1.3.6.1.4.1.99.12", "type": "OctetString", "value": "", "encoding": "text"},
            {"oid": "1.3.6.1.6.3.18.1.3.0", "type": "IpAddress", "value": "198.51.100.9"},
        ])

    def test_source_address_is_agent_without_snmp_trap_address(self):
        before = len(self.ts.records())
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "",
                      "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.3", "i", "3"])
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertEqual(rec["trap_oid"], "1.3.6.1.6.3.1.1.5.3")
        self.assertEqual(rec["agent_address"], "127.0.0.1")
        self.assertIsInstance(rec["uptime"], int)
        self.assertEqual(rec["varbinds"],
                         [{"oid": "1.3.6.1.2.1.2.2.1.1.3", "type": "Integer32", "value": 3}])


if __name__ == "__main__":
    unittest.main()
