"""`trapsink trap` and `trapsink inform` against Net-SNMP's snmptrapd and trapsink's own
receiver: what snmptrapd logs for trapsink's notification equals what it logs for snmptrap's /
snmpinform's with the same arguments (v1, v2c, v3 with every auth x priv), informs are
acknowledged (exit 0) and time out (exit 1) when nothing answers, and `trapsink serve` records
the same varbinds for both senders."""
import os
import unittest

from harness import InteropCase, Trapsink
from netsnmp_peers import Snmptrapd, all_v3_users, free_udp_port, netsnmp, trapsink

TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"
VARBINDS = ["1.3.6.1.4.1.99.1", "i", "-2147483648",
            "1.3.6.1.4.1.99.2", "s", "link \"down\" on eth0",
            "1.3.6.1.4.1.99.3", "x", "00 01 fe ff",
            "1.3.6.1.4.1.99.4", "o", "1.3.6.1.4.1.4294967295.0",
            "1.3.6.1.4.1.99.5", "a", "10.20.30.40",
            "1.3.6.1.4.1.99.6", "c", "4294967295",
            "1.3.6.1.4.1.99.7", "u", "3000000000",
            "1.3.6.1.4.1.99.8", "t", "8640000",
            "1.3.6.1.4.1.99.9", "F", "1.5",
            "1.3.6.1.4.1.99.10", "C", "18446744073709551615",
            "1.3.6.1.4.1.99.12", "s", "",
            "1.3.6.1.4.1.99.13", "d", "1.2.3.250",
            "1.3.6.1.4.1.99.14", "b", "0 9 15",
            "1.3.6.1.4.1.99.15", "U", "42",
            "1.3.6.1.4.1.99.16", "D", "-2.25"]
SENDER_PREFIX = "0x80001f8880" + os.urandom(6).hex()
# snmptrapd checks timeliness per sender engine: both tools send the same boots and time.
BOOTS_TIME = ["-Z", "3,1000"]


def sender_engine(i):
    """A v3 trap sender engine ID per user (snmptrapd needs createUser -e for each)."""
    return f"{SENDER_PREFIX}{i:04x}"


class Notify(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.users = all_v3_users()
        conf = []
        for i, u in enumerate(cls.users):
            conf.append(u.create_user(sender_engine(i)))  # traps: the sender is authoritative
            conf.append(u.create_user())  # informs: snmptrapd is authoritative
            conf.append(f"authUser log {u.name} noauth")
        cls.trapd = Snmptrapd(conf)

    @classmethod
    def tearDownClass(cls):
        cls.trapd.close()

    def pair(self, ours_args, theirs_tool, theirs_args):
        """Send with trapsink then with the Net-SNMP tool; return both logged lines."""
        before = len(self.trapd.notifications(0, timeout=0))
        r = trapsink(ours_args)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.trapd.notifications(before + 1)
        self.assertEqual(len(lines), before + 1, self.trapd.log())
        t = netsnmp(theirs_tool, theirs_args)
        self.assertEqual(t.returncode, 0, t.stderr)
        lines = self.trapd.notifications(before + 2)
        self.assertEqual(len(lines), before + 2, self.trapd.log())
        return lines[before], lines[before + 1]

    def test_v2c_trap_logged_like_snmptrap(self):
        args = ["-v2c", "-c", "public", self.trapd.address, "4242", TRAP_OID] + VARBINDS
        ours, theirs = self.pair(["trap"] + args, "snmptrap", args)
        self.assertEqual(ours, theirs)
        self.assertIn('.1.3.6.1.4.1.99.2 = STRING: "link \\"down\\" on eth0"', ours)

    def test_v1_trap_logged_like_snmptrap(self):
        args = ["-v1", "-c", "public", self.trapd.address, "1.3.6.1.4.1.8072.4", "192.0.2.7",
                "6", "17", "555"] + VARBINDS[:24]
        ours, theirs = self.pair(["trap"] + args, "snmptrap", args)
        self.assertEqual(ours, theirs)
        self.assertTrue(ours.startswith("NOTIFICATION .1.3.6.1.4.1.8072.4 6 .17 "), ours)

    def test_v2c_inform_acknowledged(self):
        args = ["-v2c", "-c", "public", self.trapd.address, "77", TRAP_OID] + VARBINDS[:6]
        ours, theirs = self.pair(["inform"] + args, "snmpinform", args)
        self.assertEqual(ours, theirs)

    def test_v3_traps_and_informs_every_auth_and_priv(self):
        for i, u in enumerate(self.users):
            with self.subTest(user=u.name):
                args = u.flags() + [self.trapd.address, "99", TRAP_OID] + VARBINDS[:6]
                sender = ["-e", sender_engine(i)] + BOOTS_TIME
                ours, theirs = self.pair(["trap"] + sender + args, "snmptrap", sender + args)
                self.assertEqual(ours, theirs)
                # inform: trapsink discovers snmptrapd's engine and waits for the Response.
                ours, theirs = self.pair(["inform"] + args, "snmpinform", args)
                self.assertEqual(ours, theirs)

    def test_inform_without_answer_fails(self):
        port = free_udp_port()
        r = trapsink(["inform", "-v2c", "-c", "public", "-t", "0.2", "-r", "1",
                      f"127.0.0.1:{port}", "", TRAP_OID])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "trapsink inform: Timeout\n")  # as snmpinform's
        u = self.users[-1]
        r = trapsink(["inform", "-t", "0.2", "-r", "0"] + u.flags() +
                     [f"127.0.0.1:{port}", "", TRAP_OID])
        self.assertEqual(r.returncode, 1)
        self.assertIn("Timeout", r.stderr)

    def test_inform_wrong_password_fails(self):
        u = self.users[-1]
        flags = u.flags()
        flags[flags.index("-A") + 1] = "not-the-password"
        r = trapsink(["inform", "-t", "1", "-r", "0"] + flags + [self.trapd.address, "1",
                                                                 TRAP_OID])
        self.assertEqual(r.returncode, 1)
        self.assertIn("Authentication failure", r.stderr)


class OwnReceiver(InteropCase):
    """trapsink serve records trapsink's trap and inform exactly as Net-SNMP's."""

    def test_trap_and_inform_recorded_like_netsnmp(self):
        user = {"name": "cg_user", "auth_protocol": "SHA-256", "auth_passphrase": "cg-auth-pass",
                "priv_protocol": "AES-256", "priv_passphrase": "cg-priv-pass"}
        v3 = ["-v3", "-u", "cg_user", "-l", "authPriv", "-a", "SHA-256", "-A", "cg-auth-pass",
              "-x", "AES-256", "-X", "cg-priv-pass"]
        with Trapsink(config={"users": [user]}) as ts:
            addr = f"127.0.0.1:{ts.port}"
            sends = [("trap", "snmptrap", ["-v2c", "-c", "public"]),
                     ("inform", "snmpinform", ["-v2c", "-c", "public"]),
                     ("trap", "snmptrap",
                      ["-e", "0x80001f8880" + os.urandom(6).hex()] + BOOTS_TIME + v3),
                     ("inform", "snmpinform", v3)]
            n = 0
            for i, (cmd, tool, flags) in enumerate(sends):
                args = flags + [addr, str(1000 + i), TRAP_OID] + VARBINDS
                r = trapsink([cmd] + args)
                self.assertEqual(r.returncode, 0, r.stderr)
                t = netsnmp(tool, args)
                self.assertEqual(t.returncode, 0, t.stderr)
                n += 2
            recs = ts.wait_records(n)
        for i, (cmd, _tool, _flags) in enumerate(sends):
            ours, theirs = recs[2 * i], recs[2 * i + 1]
            with self.subTest(send=i):
                self.assertEqual(ours["pdu"], cmd)
                self.assertEqual(ours["uptime"], 1000 + i)
                self.assertEqual(ours["trap_oid"], TRAP_OID)
                self.assertEqual(ours["varbinds"], theirs["varbinds"])
                self.assertEqual(ours["version"], theirs["version"])
        self.assertEqual(recs[0]["varbinds"][1],
                         {"oid": "1.3.6.1.4.1.99.2", "type": "OctetString",
                          "value": 'link "down" on eth0', "encoding": "text"})
        self.assertEqual(len(recs[0]["varbinds"]), len(VARBINDS) // 3)


if __name__ == "__main__":
    unittest.main()
