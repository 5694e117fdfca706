"""`trapsink get | getnext | getbulk | set` against Net-SNMP's snmpd: outputs equal snmpget's,
snmpgetnext's and snmpbulkget's (numeric, no MIBs), SET round trips on writable objects
(sysContact, sysLocation, an override -rw object) read back with snmpget, error-status
answers (notWritable, wrongType, v1 noSuchName) with Net-SNMP's messages and exit codes, GETBULK
edge cases, v3 authentication failures, IPv6, and timeouts against a silent port."""
import socket
import threading
import unittest

from harness import InteropCase
from netsnmp_peers import Snmpd, V3User, free_udp_port, netsnmp, trapsink

RW = V3User("SHA-512", "AES")


def agent_conf():
    return ["rocommunity public 127.0.0.1", "rwcommunity private 127.0.0.1",
            "rocommunity6 public ::1",
            # sysContact/sysLocation are writable only when snmpd.conf does not set them.
            "override -rw .1.3.6.1.4.1.99999.20.0 integer 5",
            "override .1.3.6.1.4.1.99999.21.0 octet_str \"read only\"",
            RW.create_user(), f"rwuser {RW.name} priv",
            "createUser roonly SHA roonly-pass", "rouser roonly auth"]


class GetSet(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Snmpd(agent_conf())

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def same(self, tool, command, args, expect_rc=0):
        ours = trapsink([command, "-On"] + args)
        theirs = netsnmp(tool, ["-On"] + args)
        self.assertEqual(theirs.returncode, expect_rc, theirs.stderr)
        self.assertEqual((ours.returncode, ours.stdout, ours.stderr),
                         (theirs.returncode, theirs.stdout, theirs.stderr))
        return ours

    OIDS = [".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.1",
            ".1.3.6.1.2.1.1.9.1.2.1", ".1.3.6.1.4.1.99999.21.0", ".1.3.6.1.2.1.2.2.1.6.1"]

    def test_get_equals_snmpget(self):
        self.same("snmpget", "get", ["-v2c", "-c", "public", self.agent.address] + self.OIDS)

    def test_v1_get_nosuchname_fixup_equals_snmpget(self):
        """v1: noSuchName is printed, the failed varbind dropped and the rest asked again."""
        r = self.same("snmpget", "get", ["-v1", "-c", "public", self.agent.address,
                                         ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.1.0"], expect_rc=2)
        self.assertIn("Reason: (noSuchName) There is no such variable name in this MIB.", r.stderr)
        self.assertIn(".1.3.6.1.2.1.1.1.0 = STRING:", r.stdout)

    def test_getnext_equals_snmpgetnext(self):
        for v in ("-v1", "-v2c"):
            with self.subTest(version=v):
                self.same("snmpgetnext", "getnext",
                          [v, "-c", "public", self.agent.address, ".1.3.6.1.2.1.1.9",
                           ".1.3.6.1.4.1.99999.20", ".1.3.6.1.2.1.2.2.1.2.1"])

    def test_getbulk_edges_equal_snmpbulkget(self):
        cases = [
            ["-Cn1", "-Cr3", ".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.9.1.2", ".1.3.6.1.2.1.2.2.1.2"],
            ["-Cn0", "-Cr0", ".1.3.6.1.2.1.1.9.1.2"],  # max-repetitions 0: nothing repeats
            ["-Cn2", "-Cr5", ".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.9.1.3.1"],  # all non-repeaters
            ["-Cn0", "-Cr4", ".1.3.6.1.4.1.99999.21"],  # runs into endOfMibView
            ["-Cn1", "-Cr2", ".1.3.6.1.9", ".1.3.6.1.2.1.1.9.1.4"],  # endOfMibView non-repeater
        ]
        for c in cases:
            with self.subTest(args=c):
                r = self.same("snmpbulkget", "getbulk",
                              ["-v2c", "-c", "public", self.agent.address] + c)
        self.assertIn("No more variables left in this MIB View", r.stdout)

    def test_set_round_trips(self):
        values = [(".1.3.6.1.2.1.1.4.0", "s", 'ops "team" \\ on-call'),
                  (".1.3.6.1.2.1.1.6.0", "x", "01 02 FF 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F 50"),
                  (".1.3.6.1.4.1.99999.20.0", "i", "-12345")]
        for oid, t, v in values:
            with self.subTest(oid=oid, type=t):
                ours = trapsink(["set", "-On", "-v2c", "-c", "private", self.agent.address,
                                 oid, t, v])
                self.assertEqual(ours.returncode, 0, ours.stderr)
                back = netsnmp("snmpget", ["-On", "-v2c", "-c", "public", self.agent.address, oid])
                self.assertEqual(back.returncode, 0, back.stderr)
                # What set printed (the agent's answer) is what a later GET returns.
                self.assertEqual(ours.stdout, back.stdout)
                ours_get = trapsink(["get", "-On", "-v2c", "-c", "public", self.agent.address, oid])
                self.assertEqual(ours_get.stdout, back.stdout)
        self.assertEqual(back.stdout, ".1.3.6.1.4.1.99999.20.0 = INTEGER: -12345\n")

    def test_set_v3_authpriv_round_trip(self):
        ours = trapsink(["set", "-On"] + RW.flags() + [self.agent.address,
                                                       ".1.3.6.1.2.1.1.5.0", "s", "set-by-v3"])
        self.assertEqual(ours.returncode, 0, ours.stderr)
        self.assertEqual(ours.stdout, '.1.3.6.1.2.1.1.5.0 = STRING: "set-by-v3"\n')
        back = netsnmp("snmpget", ["-On", "-v2c", "-c", "public", self.agent.address,
                                   ".1.3.6.1.2.1.1.5.0"])
        self.assertEqual(back.stdout, ours.stdout)

    def test_set_errors_equal_snmpset(self):
        self.same("snmpset", "set", ["-v2c", "-c", "private", self.agent.address,
                                     ".1.3.6.1.2.1.1.1.0", "s", "x"], expect_rc=2)
        self.same("snmpset", "set", ["-v2c", "-c", "private", self.agent.address,
                                     ".1.3.6.1.4.1.99999.20.0", "s", "not an integer"],
                  expect_rc=2)
        self.same("snmpset", "set", ["-v1", "-c", "private", self.agent.address,
                                     ".1.3.6.1.2.1.1.1.0", "s", "x"], expect_rc=2)
        # Read-only community: v2c says noAccess / notWritable as snmpd decides; same text.
        self.same("snmpset", "set", ["-v2c", "-c", "public", self.agent.address,
                                     ".1.3.6.1.2.1.1.4.0", "s", "x"], expect_rc=2)

    def test_set_bad_arguments(self):
        r = trapsink(["set", "-v2c", "-c", "private", self.agent.address,
                      ".1.3.6.1.2.1.1.4.0", "i", "twelve"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("value 'twelve' for type 'i'", r.stderr)
        r = trapsink(["set", "-v2c", "-c", "private", self.agent.address, ".1.3.6.1.2.1.1.4.0",
                      "s"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("triplets", r.stderr)

    def test_v3_failures(self):
        r = trapsink(["get", "-v3", "-u", "nosuchuser", "-l", "noAuthNoPriv", self.agent.address,
                      ".1.3.6.1.2.1.1.5.0"])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "trapsink get: Unknown user name\n")
        r = trapsink(["get", "-v3", "-u", "roonly", "-l", "authNoPriv", "-a", "SHA", "-A",
                      "wrong-password", self.agent.address, ".1.3.6.1.2.1.1.5.0"])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr,
                         "trapsink get: Authentication failure (incorrect password, community or key)\n")
        r = trapsink(["get", "-v3", "-u", "roonly", "-l", "authPriv", "-a", "SHA", "-A",
                      "roonly-pass", "-x", "AES", "-X", "roonly-pass", self.agent.address,
                      ".1.3.6.1.2.1.1.5.0"])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "trapsink get: Unsupported security level\n")
        r = trapsink(["get", "-On", "-v3", "-u", "roonly", "-l", "authNoPriv", "-a", "SHA", "-A",
                      "roonly-pass", self.agent.address, ".1.3.6.1.2.1.1.9.1.2.1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, ".1.3.6.1.2.1.1.9.1.2.1 = OID: .1.3.6.1.6.3.10.3.1.1\n")

    def test_v3_engine_id_given_skips_discovery(self):
        """-e with the agent's engine ID: no probe; boots/time come from a notInTimeWindow
        Report (one resynchronisation)."""
        r = netsnmp("snmpget", ["-Oqv", "-v2c", "-c", "public", self.agent.address,
                                ".1.3.6.1.6.3.10.2.1.1.0"])
        engine = "".join(r.stdout.strip().strip('"').split())
        self.assertRegex(engine, r"^[0-9A-F]{10,64}$")
        ours = trapsink(["get", "-On", "-e", engine] + RW.flags() +
                        [self.agent.address, ".1.3.6.1.6.3.10.2.1.1.0"])
        self.assertEqual(ours.returncode, 0, ours.stderr)
        self.assertIn("Hex-STRING: ", ours.stdout)

    def test_timeout_against_a_silent_port(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
            silent.bind(("127.0.0.1", 0))
            silent.settimeout(0.1)
            port = silent.getsockname()[1]
            got = []

            def drain():
                for _ in range(60):
                    try:
                        got.append(silent.recvfrom(65535)[0])
                    except socket.timeout:
                        pass
            t = threading.Thread(target=drain)
            t.start()
            r = trapsink(["get", "-v2c", "-c", "public", "-t", "0.2", "-r", "2",
                          f"127.0.0.1:{port}", ".1.3.6.1.2.1.1.5.0"])
            w = trapsink(["walk", "-v2c", "-c", "public", "-t", "0.2", "-r", "0",
                          f"udp:127.0.0.1:{port}", ".1.3.6.1.2.1.1"])
            t.join()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, f"Timeout: No Response from 127.0.0.1:{port}.\n")
        self.assertEqual(w.returncode, 1)
        self.assertEqual(w.stderr, f"Timeout: No Response from udp:127.0.0.1:{port}\n")
        # One try and two retries, then one try for the walk: the same request-id each time.
        self.assertEqual(len(got), 4)
        self.assertEqual(got[0], got[1])
        self.assertEqual(got[1], got[2])

    def test_ipv6(self):
        try:
            agent6 = Snmpd(["rocommunity6 public ::1"], ipv6=True)
        except (RuntimeError, OSError) as e:
            self.skipTest(f"no IPv6 loopback: {e}")
        with agent6:
            self.same("snmpwalk", "walk", ["-v2c", "-c", "public", agent6.address,
                                           ".1.3.6.1.2.1.1.9.1.2"])
            r = trapsink(["get", "-On", "-v2c", "-c", "public", f"[::1]:{agent6.port}",
                          ".1.3.6.1.2.1.1.9.1.2.1"])
            self.assertEqual(r.stdout, ".1.3.6.1.2.1.1.9.1.2.1 = OID: .1.3.6.1.6.3.10.3.1.1\n")

    def test_bad_agent_and_arguments(self):
        for args, text in [(["get", "-v", "4", "127.0.0.1", ".1.3"], "-v: '4'"),
                           (["get", "-v2c", "tcp:127.0.0.1:1", ".1.3.6"], "only UDP"),
                           (["get", "-v2c", "127.0.0.1:99999", ".1.3.6"], "port '99999'"),
                           (["get", "-v2c", "127.0.0.1", "not.an.oid"], "Unknown Object"),
                           (["get", "-v3", "127.0.0.1", ".1.3.6"], "user name"),
                           (["getbulk", "-v1", "127.0.0.1", ".1.3.6"], "SNMPv2c")]:
            with self.subTest(args=args):
                r = trapsink(args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(text, r.stderr)


if __name__ == "__main__":
    unittest.main()
