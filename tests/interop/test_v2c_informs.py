"""SNMPv2c informs: Net-SNMP's snmpinform exits 0 only when trapsink acknowledges; a
retransmitted inform is acknowledged again but recorded once; the Response is byte-exact."""
import socket
import time
import unittest

import packets as P
from harness import InteropCase, Trapsink, run_tool


class V2cInforms(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink("--community", "public")

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_snmpinform_is_acknowledged(self):
        before = len(self.ts.records())
        r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                      f"127.0.0.1:{self.ts.port}", "777", "1.3.6.1.6.3.1.1.5.4",
                      "1.3.6.1.2.1.2.2.1.1.2", "i", "2",
                      "1.3.6.1.2.1.2.2.1.7.2", "i", "1"])
        self.assertEqual(r.returncode, 0, "snmpinform not acknowledged: " + r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertRecordCommon(rec, "2c", "inform")
        self.assertEqual(rec["community"], "public")
        self.assertIsInstance(rec["request_id"], int)
        self.assertEqual(rec["uptime"], 777)
        self.assertEqual(rec["trap_oid"], "1.3.6.1.6.3.1.1.5.4")
        self.assertEqual(rec["varbinds"], [
            {"oid": "1.3.6.1.2.1.2.2.1.1.2", "type": "Integer32", "value": 2},
            {"oid": "1.3.6.1.2.1.2.2.1.7.2", "type": "Integer32", "value": 1},
        ])

    def test_several_informs(self):
        before = len(self.ts.records())
        for i in range(5):
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                          f"127.0.0.1:{self.ts.port}", str(i), "1.3.6.1.6.3.1.1.5.1"])
            self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.ts.wait_records(before + 5)[before:]
        self.assertEqual([r["uptime"] for r in recs], [0, 1, 2, 3, 4])

    def test_wrong_community_is_not_acknowledged(self):
        before = len(self.ts.records())
        r = run_tool(["snmpinform", "-v", "2c", "-c", "wrong", "-r", "0", "-t", "1",
                      f"127.0.0.1:{self.ts.port}", "1", "1.3.6.1.6.3.1.1.5.1"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Timeout", r.stderr)
        self.assertEqual(len(self.ts.records()), before)

    def test_retransmission_acknowledged_twice_recorded_once(self):
        vbs = [P.varbind(P.SYS_UPTIME_0, P.unsigned(4242, 0x43)),
               P.varbind(P.SNMP_TRAP_OID_0, P.oid("1.3.6.1.6.3.1.1.5.2")),
               P.varbind("1.3.6.1.2.1.1.5.0", P.octets("edge-7"))]
        inform = P.v2c_message("public", 0xA6, 987654321, vbs)
        # RFC 3416 §4.2.7: same request-id, error-status 0, same variable bindings.
        expected = P.v2c_message("public", 0xA2, 987654321, vbs)
        before = len(self.ts.records())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.bind(("127.0.0.1", 0))
            for _ in range(3):
                s.sendto(inform, ("127.0.0.1", self.ts.port))
                reply, _ = s.recvfrom(65535)
                self.assertEqual(reply.hex(), expected.hex())
        self.ts.wait_records(before + 1)
        time.sleep(0.3)  # time for a wrongly recorded duplicate to show up before counting
        recs = self.ts.records()[before:]
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["request_id"], 987654321)
        self.assertEqual(recs[0]["varbinds"], [
            {"oid": "1.3.6.1.2.1.1.5.0", "type": "OctetString", "value": "edge-7",
             "encoding": "text"}])


if __name__ == "__main__":
    unittest.main()
