"""The SNMPv3 test tooling checked against receivers that are not trapsink, so that when a
test_v3_* test fails we know it is trapsink and not the sender:

- What snmptrap and pysnmp_send.py emit, captured on a socket: the digest verifies with the
  right passphrase only; the ciphertext decrypts with v3_senders' reference keys, and with the
  key extension each protocol name stands for (Net-SNMP's AES-192/AES-256 and PySNMP's
  usmAesBlumenthalCfb*: Blumenthal; Net-SNMP's AES-192-C/AES-256-C and PySNMP's usmAesCfb*,
  3DES: Reeder).
- Net-SNMP's snmptrapd (Debian package snmptrapd; skipped when absent) receives the Net-SNMP and
  PySNMP traps and informs, refuses replays the way test_v3_refusals expects, and answers the
  raw discovery / time-sync exchange that test_v3_refusals and test_v3_config encode.
- A PySNMP notification receiver (v3_senders.py receive) gets what snmptrapd cannot: 3DES.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import v3_senders as V
from harness import send_udp

SNMPTRAPD = "/usr/sbin/snmptrapd"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Captured(V.V3Case):
    """Digests and ciphertexts of real senders against v3_senders' own USM code."""

    def check(self, raw, user):
        msg = V.parse_v3(raw)
        self.assertEqual(msg.user.decode(), user.name)
        if user.auth != "none":
            self.assertTrue(V.verify(raw, user.auth, user.auth_pass), "digest")
            self.assertFalse(V.verify(raw, user.auth, user.auth_pass + "x"), "digest (wrong key)")
        if user.priv != "none":
            V.parse_decrypted(msg, V.decrypt(msg, user.auth, user.priv, user.priv_pass))
        self.assertEqual(msg.pdu_tag, 0xA7)
        self.assertEqual([oid for oid, _, _ in msg.varbinds[2:]], [v[0] for v in V.VARBINDS])
        # the other key extension of the same size must not decrypt (where they differ)
        other = {"AES-192": "AES-192-C", "AES-192-C": "AES-192", "AES-256": "AES-256-C",
                 "AES-256-C": "AES-256"}.get(user.priv)
        if other and user.auth in ("MD5", "SHA"):
            m2 = V.parse_v3(raw)
            with self.assertRaises(Exception):
                V.parse_decrypted(m2, V.decrypt(m2, user.auth, other, user.priv_pass))
                if [oid for oid, _, _ in m2.varbinds[2:]] != [v[0] for v in V.VARBINDS]:
                    raise ValueError("garbage")
        return msg

    def test_netsnmp(self):
        users = [V.user_for(a, p) for a in V.AUTH_PROTOCOLS for p in ("none",) + V.NETSNMP_PRIV]
        users.append(V.User("u_noauth"))
        engines = [V.new_engine_id(0x50) for _ in users]
        raws = V.capture_all([
            (lambda u, e: lambda p: V.netsnmp_cmd(p, u, engine_id=e, boots_time=(3, 33),
                                                  context_engine_id=V.CONTEXT_ENGINE,
                                                  context="c1"))(u, e)
            for u, e in zip(users, engines)])
        for u, e, raw in zip(users, engines, raws):
            with self.subTest(user=u.name):
                msg = self.check(raw, u)
                self.assertEqual((msg.engine_id.hex(), msg.boots, msg.time), (e, 3, 33))
                self.assertEqual(msg.context_engine_id.hex(), V.CONTEXT_ENGINE)
                self.assertEqual(msg.context_name, b"c1")

    def test_pysnmp(self):
        users = ([V.user_for(a, p) for a in ("MD5", "SHA") for p in V.PYSNMP_PRIV]
                 + [V.user_for("SHA-512", "3DES"), V.user_for("SHA-224", "AES-256-C"),
                    V.user_for("SHA-256", "none"), V.User("u_noauth")])
        engines = [V.new_engine_id(0x51) for _ in users]
        raws = V.capture_all([
            (lambda u, e: lambda p: V.pysnmp_cmd(p, u, engine_id=e, uptime=5,
                                                 boots_time=(2, 22)))(u, e)
            for u, e in zip(users, engines)])
        for u, e, raw in zip(users, engines, raws):
            with self.subTest(user=u.name):
                msg = self.check(raw, u)
                # PySNMP sends a noAuthNoPriv message with boots/time 0 (RFC 3414 §3.1.6c)
                bt = (2, 22) if u.auth != "none" else (0, 0)
                self.assertEqual((msg.engine_id.hex(), msg.boots, msg.time), (e,) + bt)
                self.assertEqual(msg.context_engine_id.hex(), e)


@unittest.skipUnless(os.path.exists(SNMPTRAPD), "snmptrapd not installed (Debian: snmptrapd)")
class AgainstSnmptrapd(V.V3Case):
    TRAP_USERS = ([V.user_for(a, p) for a in V.AUTH_PROTOCOLS for p in ("none",) + V.NETSNMP_PRIV]
                  + [V.User("u_noauth"),
                     V.User("u_quoted", "SHA", "pass with spaces", "AES", "priv with spaces")])
    PYSNMP_USERS = ([V.user_for("MD5", p) for p in ("none",) + V.NETSNMP_PRIV]
                    + [V.user_for("SHA", "AES-256"), V.user_for("SHA-256", "AES-192-C"),
                       V.User("u_noauth")])
    INFORM_USERS = [V.user_for("SHA", "AES"), V.user_for("MD5", "DES"),
                    V.user_for("SHA-512", "AES-256"), V.user_for("MD5", "AES-192-C"),
                    V.User("u_noauth")]

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="snmptrapd-")
        cls.engines = {}  # (sender, user) -> engine ID
        lines = ["disableAuthorization yes", "doNotLogTraps no"]
        for sender, users in (("netsnmp", cls.TRAP_USERS), ("pysnmp", cls.PYSNMP_USERS)):
            for u in users:
                e = V.new_engine_id(0x52)
                cls.engines[sender, u.name] = e
                lines.append(u.create_user_line(e))
        for u in cls.INFORM_USERS:
            lines.append(u.create_user_line())  # snmptrapd's own engine ID: informs
        lines.append(V.User("tim", "SHA", "tim-auth-pass").create_user_line())
        lines.append("oldEngineID 0x" + V.TRAPSINK_ENGINE)
        conf = os.path.join(cls.dir, "snmptrapd.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        cls.port = free_port()
        env = dict(os.environ, SNMP_PERSISTENT_DIR=cls.dir, SNMPCONFPATH=cls.dir, MIBS="",
                   MIBDIRS=cls.dir, HOME=cls.dir)
        cls.out_path = os.path.join(cls.dir, "out.log")
        cls.out = open(cls.out_path, "w")
        cls.proc = subprocess.Popen(
            [SNMPTRAPD, "-f", "-Lo", "-C", "-c", conf, "-F", "TRAP %P | %v\n",
             f"udp:127.0.0.1:{cls.port}"], env=env, stdout=cls.out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while "NET-SNMP version" not in cls.output() and time.monotonic() < deadline:
            time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.out.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def output(cls):
        with open(cls.out_path) as f:
            return f.read()

    def wait_lines(self, uptimes, timeout=10):
        """{uptime: line} for the notifications snmptrapd printed with these uptimes."""
        deadline = time.monotonic() + timeout
        while True:
            found = {}
            for line in self.output().splitlines():
                m = re.search(r"Timeticks: \((\d+)\)", line)
                if m and int(m.group(1)) in uptimes:
                    found[int(m.group(1))] = line
            if len(found) == len(uptimes) or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def assertReceived(self, sends, pdu):
        lines = self.wait_lines({up for _, up in sends})
        for u, up in sends:
            with self.subTest(user=u.name):
                self.assertIn(up, lines, f"{u.name} not received:\n{self.output()}")
                self.assertIn(f"{pdu}, SNMP v3, user {u.name}, context", lines[up])
                self.assertIn("INTEGER: -42", lines[up])
                self.assertIn("Counter64: 18446744073709551615", lines[up])

    def test_netsnmp_traps(self):
        sends = [(u, 10000 + i) for i, u in enumerate(self.TRAP_USERS)]
        for (u, _), r in zip(sends, V.run_all([
                V.netsnmp_cmd(self.port, u, engine_id=self.engines["netsnmp", u.name],
                              uptime=up) for u, up in sends])):
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertReceived(sends, "TRAP2")

    def test_pysnmp_traps(self):
        sends = [(u, 20000 + i) for i, u in enumerate(self.PYSNMP_USERS)]
        for (u, _), r in zip(sends, V.run_all([
                V.pysnmp_cmd(self.port, u, engine_id=self.engines["pysnmp", u.name], uptime=up)
                for u, up in sends], parallel=3)):
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertReceived(sends, "TRAP2")

    def test_informs(self):
        sends = [(u, 30000 + i) for i, u in enumerate(self.INFORM_USERS)]
        cmds = [V.netsnmp_cmd(self.port, u, inform=True, uptime=up) for u, up in sends]
        sends2 = [(u, 31000 + i) for i, u in enumerate(self.INFORM_USERS)]
        cmds += [V.pysnmp_cmd(self.port, u, inform=True, uptime=up) for u, up in sends2]
        for cmd, r in zip(cmds, V.run_all(cmds, parallel=3)):
            self.assertEqual(r.returncode, 0, f"{cmd}: {r.stderr}")
        self.assertReceived(sends + sends2, "INFORM")

    def test_refused_informs(self):
        alice = V.user_for("SHA", "AES")
        r = V.run(V.netsnmp_cmd(self.port, alice, inform=True, auth_pass="not-the-pass"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Authentication failure", r.stderr)
        r = V.run(V.netsnmp_cmd(self.port, V.User("mallory", "SHA", "mallory-pass"), inform=True))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unknown user name", r.stderr)
        r = V.run(V.pysnmp_cmd(self.port, alice, inform=True, auth_pass="not-the-pass"))
        self.assertNotEqual(r.returncode, 0)

    def test_replay_refused(self):
        """The sequence test_v3_refusals.test_replay_outside_time_window uses, against
        Net-SNMP's receiver: baseline, +1000 s accepted, the old one refused, lower boots
        refused, then fine again."""
        user = self.TRAP_USERS[5]
        engine = self.engines["netsnmp", user.name]
        old = V.capture(lambda p: V.netsnmp_cmd(p, user, engine_id=engine, boots_time=(7, 100),
                                                uptime=40001))
        send_udp(self.port, old)
        self.assertEqual(len(self.wait_lines({40001})), 1)
        for bt, up in (((7, 1100), 40002), ((6, 5000), 40003), ((7, 1101), 40004)):
            r = V.run(V.netsnmp_cmd(self.port, user, engine_id=engine, boots_time=bt, uptime=up))
            self.assertEqual(r.returncode, 0, r.stderr)
            if up == 40002:
                self.assertEqual(len(self.wait_lines({40002})), 1)
                send_udp(self.port, old)
        time.sleep(0.3)
        lines = [l for l in self.output().splitlines() if "Timeticks: (4000" in l]
        self.assertEqual(sorted(re.search(r"\((\d+)\)", l).group(1) for l in lines),
                         ["40001", "40002", "40004"])

    def test_raw_discovery_and_time_sync(self):
        rep = V.parse_v3(send_udp(self.port, V.discovery_probe(1001, 2001), expect_reply=True))
        self.assertEqual((rep.msg_id, rep.request_id, rep.pdu_tag, rep.flags), (1001, 2001, 0xA8, 0))
        self.assertEqual(rep.engine_id.hex(), V.TRAPSINK_ENGINE)  # oldEngineID
        self.assertEqual([n for n, _ in rep.report_counters()], ["unknownEngineIDs"])
        inform = V.build_v3(V.notification_pdu(3001, uptime=41001, tag=0xA6), user="tim",
                            engine_id=V.TRAPSINK_ENGINE, auth="SHA", auth_pass="tim-auth-pass",
                            msg_id=1002, reportable=True)
        raw = send_udp(self.port, inform, expect_reply=True)
        rep2 = V.parse_v3(raw)
        self.assertEqual([n for n, _ in rep2.report_counters()], ["notInTimeWindows"])
        self.assertEqual(rep2.flags, 0x01)
        self.assertTrue(V.verify(raw, "SHA", "tim-auth-pass"))
        inform = V.build_v3(V.notification_pdu(3002, uptime=41002, tag=0xA6), user="tim",
                            engine_id=V.TRAPSINK_ENGINE, boots=rep2.boots, time_=rep2.time,
                            auth="SHA", auth_pass="tim-auth-pass", msg_id=1003, reportable=True)
        raw = send_udp(self.port, inform, expect_reply=True)
        resp = V.parse_v3(raw)
        self.assertEqual((resp.msg_id, resp.pdu_tag, resp.request_id, resp.error_status),
                         (1003, 0xA2, 3002, 0))
        self.assertTrue(V.verify(raw, "SHA", "tim-auth-pass"))
        self.assertEqual(len(self.wait_lines({41002})), 1)


class AgainstPySnmpReceiver(V.V3Case):
    """3DES (which Net-SNMP lacks) and Net-SNMP's Reeder AES into PySNMP's receiver."""
    USERS = [V.user_for(a, p) for a in ("MD5", "SHA", "SHA-512") for p in ("3DES", "AES-192-C",
                                                                           "AES-256-C")]

    def test_reeder_protocols(self):
        port = free_port()
        specs, sends = [], []
        for i, u in enumerate(self.USERS):
            e_py, e_ns = V.new_engine_id(0x53), V.new_engine_id(0x53)
            for e in (e_py, e_ns):
                specs.append(f"{u.name}:{u.auth}:{u.auth_pass}:{u.priv}:{u.priv_pass}:{e}")
            sends.append(V.pysnmp_cmd(port, u, engine_id=e_py, uptime=50000 + i))
            if u.priv != "3DES":
                sends.append(V.netsnmp_cmd(port, u, engine_id=e_ns, uptime=51000 + i))
        inform_user = self.USERS[0]
        specs.append(f"{inform_user.name}:{inform_user.auth}:{inform_user.auth_pass}:"
                     f"{inform_user.priv}:{inform_user.priv_pass}")
        env = dict(V.netsnmp_env(), PYSNMP_ENGINE_ID=V.TRAPSINK_ENGINE)
        recv = subprocess.Popen([V.PYTHON, os.path.join(V.HERE, "v3_senders.py"), "receive",
                                 str(port)] + specs, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            self.assertEqual(recv.stdout.readline().strip(), "ready")
            for cmd, r in zip(sends, V.run_all(sends, parallel=3)):
                self.assertEqual(r.returncode, 0, f"{cmd}: {r.stderr}")
            r = V.run(V.pysnmp_cmd(port, inform_user, inform=True, uptime=52000, timeout=2))
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            time.sleep(0.3)
            recv.terminate()
            out, _ = recv.communicate(timeout=10)
        got = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        uptimes = sorted(int(g["varbinds"][0][1]) for g in got)
        expected = sorted([50000 + i for i in range(len(self.USERS))]
                          + [51000 + i for i, u in enumerate(self.USERS) if u.priv != "3DES"]
                          + [52000])
        self.assertEqual(uptimes, expected, out)
        inform = [g for g in got if g["pdu"] == "inform"]
        self.assertEqual(inform[0]["engine_id"], V.TRAPSINK_ENGINE)


if __name__ == "__main__":
    unittest.main()
