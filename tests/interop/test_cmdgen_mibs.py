"""`trapsink walk` and `get` with the bundled MIB index (names, enumeration labels,
DISPLAY-HINTs) against Net-SNMP's snmpwalk/snmpget loading the same MIB modules (-M the bundled
mibs/modules, -m the modules used), line for line; names accepted as arguments."""
import os
import subprocess
import unittest

from harness import TRAPSINK_BIN, InteropCase, netsnmp_env
from netsnmp_peers import Snmpd

MODULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "mibs",
                           "modules")
MODULES = "SNMPv2-MIB:IF-MIB:IP-MIB:SNMP-FRAMEWORK-MIB:SNMP-MPD-MIB:SNMP-USER-BASED-SM-MIB:" \
          "SNMP-VIEW-BASED-ACM-MIB:SNMP-NOTIFICATION-MIB:TCP-MIB:UDP-MIB:NOTIFICATION-LOG-MIB"


def with_mibs(tool, args):
    env = netsnmp_env()
    env["MIBDIRS"] = MODULES_DIR
    env["MIBS"] = MODULES
    return subprocess.run([tool] + args, env=env, capture_output=True, text=True, timeout=60)


def ours(args):
    env = netsnmp_env()
    del env["MIBS"]  # MIBS set and empty turns names off, as for Net-SNMP
    return subprocess.run([TRAPSINK_BIN] + args, env=env, capture_output=True, text=True,
                          timeout=60)


class WithMibs(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Snmpd(["rocommunity public 127.0.0.1", "rwcommunity private 127.0.0.1",
                           "sysContact mibs-test"])

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def test_walk_names_and_values_equal_snmpwalk(self):
        for root in (".1.3.6.1.2.1.1.9", ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.2.2.1.3",
                     ".1.3.6.1.2.1.2.2.1.6", ".1.3.6.1.2.1.2.2.1.7", ".1.3.6.1.2.1.4.20.1.2"):
            for opts in ([], ["-Os"], ["-On"]):
                with self.subTest(root=root, opts=opts):
                    args = ["-v2c", "-c", "public"] + opts + [self.agent.address, root]
                    theirs = with_mibs("snmpwalk", args)
                    self.assertEqual(theirs.returncode, 0, theirs.stderr)
                    mine = ours(["walk"] + args)
                    self.assertEqual(mine.returncode, 0, mine.stderr)
                    self.assertEqual(mine.stdout.splitlines(), theirs.stdout.splitlines())
                    self.assertGreater(len(mine.stdout.splitlines()), 0)

    def test_names_as_arguments(self):
        mine = ours(["get", "-v2c", "-c", "public", self.agent.address, "SNMPv2-MIB::sysContact.0",
                     "ifDescr.1", "IF-MIB::ifType[1]"])
        self.assertEqual(mine.returncode, 0, mine.stderr)
        self.assertEqual(mine.stdout.splitlines(), [
            "SNMPv2-MIB::sysContact.0 = STRING: mibs-test",
            "IF-MIB::ifDescr.1 = STRING: lo",
            "IF-MIB::ifType.1 = INTEGER: softwareLoopback(24)"])
        off = ours(["get", "-m", "", "-v2c", "-c", "public", self.agent.address,
                    ".1.3.6.1.2.1.1.4.0"])
        self.assertEqual(off.stdout, '.1.3.6.1.2.1.1.4.0 = STRING: "mibs-test"\n')

    def test_set_type_from_mib(self):
        # TYPE '=': the type comes from the object's SYNTAX, as snmpset does with MIBs loaded.
        args = ["-v2c", "-c", "private", self.agent.address]
        for name, value in (("SNMPv2-MIB::sysLocation.0", "rack 7, row 2"),
                            ("sysName.0", "set-with-equals")):
            with self.subTest(name=name):
                mine = ours(["set"] + args + [name, "=", value])
                self.assertEqual(mine.returncode, 0, mine.stderr)
                back = with_mibs("snmpget", ["-v2c", "-c", "public", self.agent.address, name])
                self.assertEqual(back.returncode, 0, back.stderr)
                self.assertEqual(mine.stdout, back.stdout)
                self.assertTrue(mine.stdout.endswith(f" = STRING: {value}\n"), mine.stdout)
                theirs = with_mibs("snmpset", args + [name, "=", value])
                self.assertEqual(theirs.stdout, mine.stdout)
        # An object without a SYNTAX: a bad value, exit 2, nothing sent.
        mine = ours(["set"] + args + ["SNMPv2-MIB::system", "=", "x"])
        self.assertEqual(mine.returncode, 2)
        self.assertIn("has no SYNTAX in the MIBs; give a type letter", mine.stderr)


if __name__ == "__main__":
    unittest.main()
