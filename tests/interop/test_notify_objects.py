"""`trapsink trap | inform --objects INDEX NOTIFICATION`: the notification's OBJECTS (TRAP-TYPE
VARIABLES for v1) come first, as OBJECT.INDEX with the values given or NULL, then the other
varbinds given. Net-SNMP's snmptrapd logs each one exactly as it logs snmptrap / snmpinform
sending the expanded varbinds spelled out numerically (v1, v2c, v3; traps and an inform), and
trapsink's own receiver records the exact OIDs, types and values."""
import os
import subprocess
import unittest

from harness import TRAPSINK_BIN, InteropCase, Trapsink, netsnmp_env
from netsnmp_peers import Snmptrapd, V3User, netsnmp

IF_INDEX = ".1.3.6.1.2.1.2.2.1.1"
IF_ADMIN = ".1.3.6.1.2.1.2.2.1.7"
IF_OPER = ".1.3.6.1.2.1.2.2.1.8"
LINK_DOWN = ".1.3.6.1.6.3.1.1.5.3"
SENDER_ENGINE = "0x80001f8880" + os.urandom(6).hex()


def with_mibs(args):
    """`trapsink ARGS...` with the bundled MIB index (MIBS set and empty would turn it off)."""
    env = netsnmp_env()
    del env["MIBS"]
    return subprocess.run([TRAPSINK_BIN] + list(args), env=env, capture_output=True, text=True,
                          timeout=60)


class AgainstSnmptrapd(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.user = V3User("SHA-256", "AES")
        cls.trapd = Snmptrapd([cls.user.create_user(SENDER_ENGINE), cls.user.create_user(),
                               f"authUser log {cls.user.name} noauth"])

    @classmethod
    def tearDownClass(cls):
        cls.trapd.close()

    def logged_after(self, before, run):
        """Run run() (which must exit 0) and return the one line snmptrapd logs for it."""
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.trapd.notifications(before + 1)
        self.assertEqual(len(lines), before + 1, self.trapd.log())
        return lines[before]

    def pair(self, cmd, flags, ours, theirs_tool, theirs):
        """ours: trapsink's arguments after the agent; theirs: the Net-SNMP tool's, spelled
        out. Returns both logged lines."""
        before = len(self.trapd.notifications(0, timeout=0))
        mine = self.logged_after(
            before, lambda: with_mibs([cmd] + flags[0] + [self.trapd.address] + ours))
        other = self.logged_after(
            before + 1, lambda: netsnmp(theirs_tool, flags[1] + [self.trapd.address] + theirs))
        return mine, other

    def test_v2c_trap_objects_null_where_no_value(self):
        v2c = ["-v2c", "-c", "public"]
        mine, theirs = self.pair(
            "trap", (v2c + ["--objects", "3"], v2c),
            ["4242", "IF-MIB::linkDown", "ifAdminStatus", "=", "down",
             ".1.3.6.1.4.1.99.1", "s", "not an object"],
            "snmptrap",
            ["4242", LINK_DOWN, IF_INDEX + ".3", "n", "", IF_ADMIN + ".3", "i", "2",
             IF_OPER + ".3", "n", "", ".1.3.6.1.4.1.99.1", "s", "not an object"])
        self.assertEqual(mine, theirs)
        self.assertEqual(mine.split("\t")[1:], [
            f".1.3.6.1.6.3.1.1.4.1.0 = OID: {LINK_DOWN}",
            f"{IF_INDEX}.3 = NULL",
            f"{IF_ADMIN}.3 = INTEGER: 2",
            f"{IF_OPER}.3 = NULL",
            '.1.3.6.1.4.1.99.1 = STRING: "not an object"'])

    def test_v2c_trap_every_object_given(self):
        v2c = ["-v2c", "-c", "public"]
        # Values named bare, with the index, and numerically; one with another instance.
        mine, theirs = self.pair(
            "trap", (v2c + ["--objects=3"], v2c),
            ["99", "IF-MIB::linkDown", f"{IF_OPER}.3", "i", "7", "ifIndex", "i", "3",
             "ifAdminStatus.4", "i", "1"],
            "snmptrap",
            ["99", LINK_DOWN, IF_INDEX + ".3", "i", "3", IF_ADMIN + ".4", "i", "1",
             IF_OPER + ".3", "i", "7"])
        self.assertEqual(mine, theirs)
        self.assertEqual(mine.split("\t")[2:], [
            f"{IF_INDEX}.3 = INTEGER: 3", f"{IF_ADMIN}.4 = INTEGER: 1",
            f"{IF_OPER}.3 = INTEGER: 7"])

    def test_v2c_inform_with_objects_acknowledged(self):
        v2c = ["-v2c", "-c", "public"]
        mine, theirs = self.pair(
            "inform", (v2c + ["--objects", "12"], v2c),
            ["77", "IF-MIB::linkUp", "ifOperStatus", "=", "up"],
            "snmpinform",
            ["77", ".1.3.6.1.6.3.1.1.5.4", IF_INDEX + ".12", "n", "", IF_ADMIN + ".12", "n", "",
             IF_OPER + ".12", "i", "1"])
        self.assertEqual(mine, theirs)
        self.assertIn(f"{IF_OPER}.12 = INTEGER: 1", mine)

    def test_v3_trap_and_inform_with_objects(self):
        u = self.user
        sender = ["-e", SENDER_ENGINE, "-Z", "2,100"]
        ours = ["5", "IF-MIB::linkDown", "ifAdminStatus", "i", "2"]
        theirs = ["5", LINK_DOWN, IF_INDEX + ".9", "n", "", IF_ADMIN + ".9", "i", "2",
                  IF_OPER + ".9", "n", ""]
        mine, other = self.pair("trap", (["--objects", "9"] + sender + u.flags(),
                                         sender + u.flags()), ours, "snmptrap", theirs)
        self.assertEqual(mine, other)
        mine, other = self.pair("inform", (["--objects", "9"] + u.flags(), u.flags()), ours,
                                "snmpinform", theirs)
        self.assertEqual(mine, other)
        self.assertIn(f"{IF_INDEX}.9 = NULL", mine)

    def test_v1_notification_type_mapped_as_rfc3584(self):
        v1 = ["-v1", "-c", "public"]
        mine, theirs = self.pair(
            "trap", (v1 + ["--objects", "3"], v1),
            ["IF-MIB::linkDown", "192.0.2.7", "", "", "555", "ifOperStatus", "i", "2"],
            "snmptrap",
            [".1.3.6.1.6.3.1.1.5", "192.0.2.7", "2", "0", "555", IF_INDEX + ".3", "n", "",
             IF_ADMIN + ".3", "n", "", IF_OPER + ".3", "i", "2"])
        self.assertEqual(mine, theirs)
        self.assertTrue(mine.startswith("NOTIFICATION .1.3.6.1.6.3.1.1.5 2 0 "), mine)

    def test_v1_trap_type_variables(self):
        # RFC1382-MIB x25Reset: ENTERPRISE x25, VARIABLES { x25CircuitIndex, x25CircuitChannel },
        # a two-part INDEX; GENERIC and SPECIFIC given as the MIB's numbers.
        v1 = ["-v1", "-c", "public"]
        circuit = ".1.3.6.1.2.1.10.5.5.1"
        mine, theirs = self.pair(
            "trap", (v1 + ["--objects", "3.17"], v1),
            ["RFC1382-MIB::x25Reset", "192.0.2.7", "6", "2", "1", "x25CircuitChannel", "=", "17"],
            "snmptrap",
            [".1.3.6.1.2.1.10.5", "192.0.2.7", "6", "2", "1", circuit + ".1.3.17", "n", "",
             circuit + ".2.3.17", "i", "17"])
        self.assertEqual(mine, theirs)
        self.assertTrue(mine.startswith("NOTIFICATION .1.3.6.1.2.1.10.5 6 .2 "), mine)

    def test_errors_exit_2_and_send_nothing(self):
        before = len(self.trapd.notifications(0, timeout=0))
        v2c = ["-v2c", "-c", "public"]
        cases = [
            (v2c + ["--objects", "3", self.trapd.address, "1", "IF-MIB::ifIndex"],
             "trapsink: --objects: IF-MIB::ifIndex (IF-MIB::ifIndex) is not a notification "
             "(NOTIFICATION-TYPE or TRAP-TYPE) in the MIBs\n"),
            (v2c + ["--objects", "3", self.trapd.address, "1", ".1.3.6.1.4.1.99.0.1"],
             "trapsink: --objects: .1.3.6.1.4.1.99.0.1 (SNMPv2-SMI::enterprises.99.0.1) is not "
             "a notification (NOTIFICATION-TYPE or TRAP-TYPE) in the MIBs\n"),
            (["-v1", "-c", "public", "--objects", "3", self.trapd.address, "IF-MIB::linkDown",
              "192.0.2.7", "6", "", "1"],
             "trapsink: GENERIC '6' is not IF-MIB::linkDown's (2); give '' to take it from the "
             "MIB\n"),
            (v2c + ["--objects", "3", self.trapd.address, "1", "IF-MIB::linkDown",
                    "ifAdminStatus", "=", "sideways"],
             "trapsink: value 'sideways' for type '=': not a number or a label of "
             "ifAdminStatus (up, down, testing)\n"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = with_mibs(["trap"] + args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.endswith(message), r.stderr)
        # MIBs off: no notification to expand.
        r = subprocess.run([TRAPSINK_BIN, "trap"] + v2c + ["--objects", "3", self.trapd.address,
                                                           "1", LINK_DOWN],
                           env=netsnmp_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--objects needs MIBs", r.stderr)
        r = with_mibs(["get", "--objects", "3", "-v2c", "-c", "public", self.trapd.address,
                       "1.3.6.1.2.1.1.3.0"])
        self.assertEqual((r.returncode, r.stderr),
                         (2, "trapsink: --objects is for trap and inform\n"))
        # None of them sent anything: the next line logged is the next trap's.
        line = self.logged_after(before, lambda: with_mibs(
            ["trap"] + v2c + ["--objects", "1", self.trapd.address, "1", "IF-MIB::linkUp"]))
        self.assertIn(".1.3.6.1.6.3.1.1.5.4", line)


class OwnReceiver(InteropCase):
    """trapsink serve records the expanded trap and inform: exact OIDs, types and values."""

    def test_trap_and_inform_with_objects_recorded(self):
        with Trapsink() as ts:
            addr = f"127.0.0.1:{ts.port}"
            for cmd in ("trap", "inform"):
                r = with_mibs([cmd, "-v2c", "-c", "public", "--objects", "3", addr, "1234",
                               "IF-MIB::linkDown", "ifOperStatus", "=", "lowerLayerDown",
                               "1.3.6.1.4.1.99.5", "s", "after", "ifIndex", "i", "3"])
                self.assertEqual(r.returncode, 0, r.stderr)
            recs = ts.wait_records(2)
        self.assertEqual(len(recs), 2)
        for rec, pdu in zip(recs, ("trap", "inform")):
            with self.subTest(pdu=pdu):
                self.assertEqual(rec["pdu"], pdu)
                self.assertEqual(rec["uptime"], 1234)
                self.assertEqual(rec["trap_oid"], LINK_DOWN[1:])
                self.assertEqual(rec["varbinds"], [
                    {"oid": IF_INDEX[1:] + ".3", "type": "Integer32", "value": 3},
                    {"oid": IF_ADMIN[1:] + ".3", "type": "Null", "value": None},
                    {"oid": IF_OPER[1:] + ".3", "type": "Integer32", "value": 7},
                    {"oid": "1.3.6.1.4.1.99.5", "type": "OctetString", "value": "after",
                     "encoding": "text"}])


if __name__ == "__main__":
    unittest.main()
