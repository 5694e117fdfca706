"""`trapsink walk` / `bulkwalk` against Net-SNMP's snmpd, compared line for line with
snmpwalk / snmpbulkwalk on the same agent (numeric OIDs, no MIBs: -On with MIBS empty), in v1,
v2c and v3 with every authentication and privacy protocol Net-SNMP has. Subtrees whose values do
not change between two walks (no uptime, no traffic counters) so the outputs must be equal."""
import unittest

from harness import InteropCase
from netsnmp_peers import Snmpd, all_v3_users, netsnmp, trapsink

# Stable subtrees: sysORTable (OIDs, strings, TimeTicks), ifDescr/ifType/ifMtu/ifSpeed/
# ifPhysAddress (strings, INTEGER, Gauge32, Hex-STRING and ""), ipAdEntAddr/ipAdEntNetMask
# (IpAddress), the overridden test objects (Counter32, Gauge32, TimeTicks, OID, odd strings).
STABLE = [".1.3.6.1.2.1.1.9", ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.2.2.1.3",
          ".1.3.6.1.2.1.2.2.1.4", ".1.3.6.1.2.1.2.2.1.6", ".1.3.6.1.2.1.4.20.1.1",
          ".1.3.6.1.2.1.4.20.1.3", ".1.3.6.1.4.1.99999"]

# snmpd's "override" objects: the value types it can serve (not Counter64 nor IpAddress: those
# come from ipAddrTable here and from the notification tests), with awkward contents.
OVERRIDES = [
    'override .1.3.6.1.4.1.99999.1.0 integer -17',
    'override .1.3.6.1.4.1.99999.2.0 counter 4294967295',
    'override .1.3.6.1.4.1.99999.4.0 uinteger 7',
    'override .1.3.6.1.4.1.99999.5.0 timeticks 8640123',
    'override .1.3.6.1.4.1.99999.6.0 object_id .1.3.6.1.4.1.8072.3.2.10',
    'override .1.3.6.1.4.1.99999.8.0 octet_str "with \\"quotes\\" and \\\\ backslash"',
    'override .1.3.6.1.4.1.99999.9.0 octet_str ""',
    'override .1.3.6.1.4.1.99999.10.0 timeticks 17280000',
    'override .1.3.6.1.4.1.99999.11.0 timeticks 99',
]


def agent_conf(users=()):
    conf = ["rocommunity public 127.0.0.1", "rwcommunity private 127.0.0.1",
            "sysContact walk-test", "sysLocation loopback"] + OVERRIDES
    for u in users:
        conf.append(u.create_user())
        conf.append(f"rouser {u.name} {u.access_level}")
    return conf


class Walk(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.users = all_v3_users()
        cls.agent = Snmpd(agent_conf(cls.users))

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def compare(self, tool, command, args, expect_rc=0, min_lines=1):
        ours = trapsink([command, "-On"] + args)
        theirs = netsnmp(tool, ["-On"] + args)
        self.assertEqual(theirs.returncode, expect_rc, theirs.stderr)
        self.assertEqual(ours.returncode, theirs.returncode, ours.stderr)
        self.assertEqual(ours.stdout.splitlines(), theirs.stdout.splitlines())
        self.assertGreaterEqual(len(ours.stdout.splitlines()), min_lines, theirs.stdout)
        return ours

    def test_v2c_walk_equals_snmpwalk(self):
        for root in STABLE:
            with self.subTest(root=root):
                self.compare("snmpwalk", "walk", ["-v2c", "-c", "public", self.agent.address, root])

    def test_v1_walk_equals_snmpwalk(self):
        # v1 has no Counter64: snmpd skips those objects in a v1 walk, and so must the output.
        for root in STABLE:
            with self.subTest(root=root):
                self.compare("snmpwalk", "walk", ["-v1", "-c", "public", self.agent.address, root])

    def test_bulkwalk_equals_snmpbulkwalk(self):
        for reps in ("1", "3", "50"):
            for root in STABLE:
                with self.subTest(root=root, reps=reps):
                    self.compare("snmpbulkwalk", "bulkwalk",
                                 ["-v2c", "-c", "public", "-Cr" + reps, self.agent.address, root])

    def test_edges_equal_snmpwalk(self):
        """A single instance (GET fallback), an empty subtree (noSuchObject from the fallback;
        nothing in v1), past the end of the MIB (endOfMibView printed; "End of MIB" in v1)."""
        for version in ("1", "2c"):
            for root in (".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.99", ".1.3.6.1.9.9"):
                with self.subTest(version=version, root=root):
                    self.compare("snmpwalk", "walk",
                                 ["-v" + version, "-c", "public", self.agent.address, root],
                                 min_lines=0)
        end = self.compare("snmpwalk", "walk", ["-v1", "-c", "public", self.agent.address,
                                                ".1.3.6.1.9.9"])
        self.assertEqual(end.stdout, "End of MIB\n")

    def test_output_options_equal_netsnmp(self):
        for opts in ("-Oq", "-OQ", "-Ov", "-Oqv", "-Ot"):
            with self.subTest(opts=opts):
                self.compare("snmpwalk", "walk",
                             ["-v2c", "-c", "public", opts, self.agent.address, ".1.3.6.1.4.1.99999"],
                             min_lines=len(OVERRIDES))

    def test_v3_every_auth_and_priv(self):
        for user in self.users:
            with self.subTest(user=user.name):
                out = self.compare("snmpwalk", "walk",
                                   user.flags() + [self.agent.address, ".1.3.6.1.2.1.1.9"],
                                   min_lines=10)
                self.assertEqual(out.stderr, "")

    def test_v3_bulkwalk(self):
        user = next(u for u in self.users if u.auth == "SHA-256" and u.priv == "AES-256")
        self.compare("snmpbulkwalk", "bulkwalk",
                     user.flags() + ["-Cr5", self.agent.address, ".1.3.6.1.4.1.99999"],
                     min_lines=len(OVERRIDES))

    def test_json_output(self):
        r = trapsink(["walk", "--json", "-v2c", "-c", "public", self.agent.address,
                      ".1.3.6.1.4.1.99999.2"])
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        rows = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0], {"oid": "1.3.6.1.4.1.99999.2.0", "type": "Counter32",
                                   "value": 4294967295})


if __name__ == "__main__":
    unittest.main()
