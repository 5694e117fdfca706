"""SNMPv2c traps from Net-SNMP's snmptrap carrying every SMI type Net-SNMP can send."""
import unittest

from harness import InteropCase, Trapsink, compiled_mib_index, run_tool, snmptranslate

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


class V2cTrapNames(InteropCase):
    """With a compiled index (serve --mib-index), records carry trap_name and, per varbind,
    name, label, display and index. Names are checked against Net-SNMP's snmptranslate over the
    same MIB modules; display and index values are known answers (RFC 2579 hints, RFC 2578 §7.7
    index encodings) in the form Net-SNMP prints them."""

    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink("--community", "public", mib_index=compiled_mib_index())

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_link_down_is_named(self):
        before = len(self.ts.records())
        r = run_tool([
            "snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "123456",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.7", "i", "7",
            "1.3.6.1.2.1.2.2.1.7.7", "i", "1",
            "1.3.6.1.2.1.2.2.1.8.7", "i", "2",
            "1.3.6.1.2.1.2.2.1.2.7", "s", "GigabitEthernet1/0/7",
            "1.3.6.1.2.1.2.2.1.6.7", "x", "00 1b 21 aa bb cc",
            "1.3.6.1.2.1.31.1.1.1.6.7", "C", "98765432109876",
            "1.3.6.1.2.1.6.19.1.7.1.4.10.0.0.1.22.1.4.10.0.0.2.5000", "i", "5",
            "1.3.6.1.2.1.25.1.2.0", "x", "07 ea 0b 15 11 1d 03 01 2b 01 00",
            "1.3.6.1.4.1.99999.77.1", "i", "3",
        ])
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertEqual(rec["trap_name"], snmptranslate(["1.3.6.1.6.3.1.1.5.3"])[0])
        self.assertEqual(rec["trap_name"], "IF-MIB::linkDown")
        vbs = rec["varbinds"]
        # Names: line for line what snmptranslate prints for the same OIDs.
        self.assertEqual([vb["name"] for vb in vbs], snmptranslate([vb["oid"] for vb in vbs]))
        if_index = [{"name": "ifIndex", "value": "7"}]
        want = [
            {"label": None, "display": "7", "index": if_index},
            {"label": "up", "display": "up(1)", "index": if_index},
            {"label": "down", "display": "down(2)", "index": if_index},
            {"label": None, "display": "GigabitEthernet1/0/7", "index": if_index},
            {"label": None, "display": "0:1b:21:aa:bb:cc", "index": if_index},  # "1x:"
            {"label": None, "display": "98765432109876", "index": if_index},
            {"label": "established", "display": "established(5)", "index": [
                {"name": "tcpConnectionLocalAddressType", "value": "ipv4"},
                {"name": "tcpConnectionLocalAddress", "value": "10.0.0.1"},
                {"name": "tcpConnectionLocalPort", "value": "22"},
                {"name": "tcpConnectionRemAddressType", "value": "ipv4"},
                {"name": "tcpConnectionRemAddress", "value": "10.0.0.2"},
                {"name": "tcpConnectionRemPort", "value": "5000"}]},
            # DateAndTime, "2d-1d-1d,1d:1d:1d.1d,1a1d:1d" (RFC 2579)
            {"label": None, "display": "2026-11-21,17:29:3.1,+1:0", "index": None},
            # Under enterprises but defined nowhere: the numeric rest stays, no syntax applies.
            {"label": None, "display": "3", "index": None},
        ]
        got = [{"label": vb.get("label"), "display": vb.get("display"), "index": vb.get("index")}
               for vb in vbs]
        self.assertEqual(got, want)
        self.assertEqual(vbs[8]["name"], "SNMPv2-SMI::enterprises.99999.77.1")
        # The raw value stays as it was.
        self.assertEqual(vbs[4]["value"], "001b21aabbcc")

    def test_unresolved_oid_stays_numeric(self):
        before = len(self.ts.records())
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{self.ts.port}", "",
                      "1.3.6.1.4.1.99999.0.1", "2.999.1", "i", "1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertEqual(rec["trap_name"], "SNMPv2-SMI::enterprises.99999.0.1")
        self.assertEqual(rec["varbinds"], [{"oid": "2.999.1", "type": "Integer32", "value": 1,
                                            "name": snmptranslate(["2.999.1"])[0],
                                            "display": "1"}])


if __name__ == "__main__":
    unittest.main()
