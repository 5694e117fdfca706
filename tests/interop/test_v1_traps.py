"""SNMPv1 traps from Net-SNMP's snmptrap: the six generic traps and an enterprise-specific one,
translated per RFC 3584 §3.1 while the record keeps the original v1 fields."""
import unittest

from harness import InteropCase, Trapsink, compiled_mib_index, run_tool, snmptranslate

ENTERPRISE = "1.3.6.1.4.1.8072.2.3"
AGENT = "192.0.2.7"


class V1Traps(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink("--community", "public")

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def send(self, generic, specific, uptime, *varbinds):
        r = run_tool(["snmptrap", "-v", "1", "-c", "public", f"127.0.0.1:{self.ts.port}",
                      ENTERPRISE, AGENT, str(generic), str(specific), str(uptime), *varbinds])
        self.assertEqual(r.returncode, 0, r.stderr)

    def expected_tail(self):
        # RFC 3584 §3.1 (4): snmpTrapAddress.0, snmpTrapCommunity.0, snmpTrapEnterprise.0 appended.
        return [
            {"oid": "1.3.6.1.6.3.18.1.3.0", "type": "IpAddress", "value": AGENT},
            {"oid": "1.3.6.1.6.3.18.1.4.0", "type": "OctetString", "value": "public",
             "encoding": "text"},
            {"oid": "1.3.6.1.6.3.1.1.4.3.0", "type": "ObjectIdentifier", "value": ENTERPRISE},
        ]

    def test_generic_and_specific_traps(self):
        before = len(self.ts.records())
        for generic in range(6):
            self.send(generic, 0, 1000 + generic)
        self.send(6, 42, 4242, "1.3.6.1.2.1.1.5.0", "s", "core-sw-01",
                  "1.3.6.1.2.1.2.2.1.1.7", "i", "7")
        recs = self.ts.wait_records(before + 7)[before:]
        self.assertEqual(len(recs), 7)
        for generic in range(6):
            rec = recs[generic]
            self.assertRecordCommon(rec, "1", "trap")
            self.assertEqual(rec["community"], "public")
            self.assertNotIn("request_id", rec)
            self.assertEqual(rec["uptime"], 1000 + generic)
            # RFC 3584 §3.1 (3): coldStart(0) .. egpNeighborLoss(5) -> snmpTraps.1 .. .6
            self.assertEqual(rec["trap_oid"], f"1.3.6.1.6.3.1.1.5.{generic + 1}")
            self.assertEqual(rec["agent_address"], AGENT)
            self.assertEqual(rec["v1"], {"enterprise": ENTERPRISE, "agent_address": AGENT,
                                         "generic_trap": generic, "specific_trap": 0,
                                         "timestamp": 1000 + generic})
            self.assertEqual(rec["varbinds"], self.expected_tail())
        rec = recs[6]
        self.assertRecordCommon(rec, "1", "trap")
        # RFC 3584 §3.1 (2): enterprise-specific -> enterprise.0.specific
        self.assertEqual(rec["trap_oid"], ENTERPRISE + ".0.42")
        self.assertEqual(rec["uptime"], 4242)
        self.assertEqual(rec["v1"]["generic_trap"], 6)
        self.assertEqual(rec["v1"]["specific_trap"], 42)
        self.assertEqual(rec["varbinds"], [
            {"oid": "1.3.6.1.2.1.1.5.0", "type": "OctetString", "value": "core-sw-01",
             "encoding": "text"},
            {"oid": "1.3.6.1.2.1.2.2.1.1.7", "type": "Integer32", "value": 7},
        ] + self.expected_tail())


class V1TrapNames(InteropCase):
    """v1 traps named with a compiled index: the generic traps by their SNMPv2-MIB/IF-MIB names
    (RFC 3584 §3.1), an enterprise-specific one by enterprise.0.specific (where TRAP-TYPE
    definitions live), and the RFC 3584 varbinds appended to every v1 record."""

    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink("--community", "public", mib_index=compiled_mib_index())

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_generic_and_specific_names(self):
        before = len(self.ts.records())
        for generic in range(6):
            r = run_tool(["snmptrap", "-v", "1", "-c", "public", f"127.0.0.1:{self.ts.port}",
                          ENTERPRISE, AGENT, str(generic), "0", "1"])
            self.assertEqual(r.returncode, 0, r.stderr)
        r = run_tool(["snmptrap", "-v", "1", "-c", "public", f"127.0.0.1:{self.ts.port}",
                      ENTERPRISE, AGENT, "6", "1", "1", "1.3.6.1.2.1.2.2.1.8.7", "i", "7"])
        self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.ts.wait_records(before + 7)[before:]
        names = [rec["trap_name"] for rec in recs]
        self.assertEqual(names, snmptranslate([rec["trap_oid"] for rec in recs]))
        self.assertEqual(names[0], "SNMPv2-MIB::coldStart")
        self.assertEqual(names[2], "IF-MIB::linkDown")
        for rec in recs:
            vbs = rec["varbinds"]
            self.assertEqual([vb["name"] for vb in vbs], snmptranslate([vb["oid"] for vb in vbs]))
            tail = vbs[-3:]
            self.assertEqual(tail[0]["display"], AGENT)
            self.assertEqual(tail[1]["display"], "public")
            # snmpTrapEnterprise.0: an OBJECT IDENTIFIER, displayed by its name.
            self.assertEqual(tail[2]["display"], snmptranslate([ENTERPRISE])[0])
        specific = recs[6]["varbinds"][0]
        self.assertEqual(specific["label"], "lowerLayerDown")
        self.assertEqual(specific["display"], "lowerLayerDown(7)")
        self.assertEqual(specific["index"], [{"name": "ifIndex", "value": "7"}])


if __name__ == "__main__":
    unittest.main()
