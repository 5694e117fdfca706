"""IPv6: traps and informs from Net-SNMP over udp6 to a udp6:[::1] listener, next to an IPv4
listener on the same process."""
import unittest

from harness import InteropCase, Trapsink, run_tool


class Ipv6(InteropCase):
    def test_trap_and_inform_over_ipv6(self):
        with Trapsink(listen=("udp:127.0.0.1:0", "udp6:[::1]:0")) as ts:
            self.assertIn("udp6", ts.ports)
            r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"udp6:[::1]:{ts.ports['udp6']}",
                          "55", "1.3.6.1.6.3.1.1.5.1"])
            self.assertEqual(r.returncode, 0, r.stderr)
            r = run_tool(["snmpinform", "-v", "2c", "-c", "public", "-r", "0", "-t", "5",
                          f"udp6:[::1]:{ts.ports['udp6']}", "56", "1.3.6.1.6.3.1.1.5.2"])
            self.assertEqual(r.returncode, 0, "inform over IPv6 not acknowledged: " + r.stderr)
            r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.ports['udp']}",
                          "57", "1.3.6.1.6.3.1.1.5.3"])
            self.assertEqual(r.returncode, 0, r.stderr)
            recs = ts.wait_records(3)
            by_uptime = {r["uptime"]: r for r in recs}
            self.assertRecordCommon(by_uptime[55], "2c", "trap", transport="udp6", address="::1")
            self.assertEqual(by_uptime[55]["agent_address"], "::1")
            self.assertRecordCommon(by_uptime[56], "2c", "inform", transport="udp6", address="::1")
            self.assertRecordCommon(by_uptime[57], "2c", "trap", transport="udp",
                                    address="127.0.0.1")


if __name__ == "__main__":
    unittest.main()
