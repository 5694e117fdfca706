"""SNMPv3 traps and informs from Net-SNMP 5.9.3's snmptrap/snmpinform for every authentication
protocol (MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512) and every privacy protocol it has (none DES
AES AES-192 AES-256, plus AES-192-C AES-256-C: the Reeder key extension), and noAuthNoPriv.

One user per combination (u_sha256_aes192 ...), all in one trapsink. Traps: no user is tied to
an engine ID; each trap comes from a sender engine ID trapsink has never seen (-e), so keys are
localized on first sight. Informs: trapsink is authoritative; snmpinform discovers its engine ID
and exits 0 only when acknowledged. Each record is checked field by field."""
import unittest

import v3_senders as V
from harness import Trapsink

USERS = [V.User("u_noauth")] + [V.user_for(a, p) for a in V.AUTH_PROTOCOLS
                                 for p in ("none",) + V.NETSNMP_PRIV]


class NetSnmpMatrix(V.V3Case):
    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink(config={"engine_id": V.TRAPSINK_ENGINE,
                                  "users": [u.config() for u in USERS]})

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_traps_every_combination(self):
        before = len(self.ts.records())
        sends = []
        for i, user in enumerate(USERS):
            engine = V.new_engine_id(0x10)
            context = f"ctx-{user.name}" if i % 3 == 0 else ""
            sends.append((user, engine, context, 1000 + i))
        results = V.run_all([
            V.netsnmp_cmd(self.ts.port, u, engine_id=e, context_engine_id=V.CONTEXT_ENGINE,
                          context=c, uptime=up)
            for u, e, c, up in sends])
        self.assertSent(results, [u.name for u, *_ in sends])
        recs = self.collect(self.ts, before, len(sends))
        for user, engine, context, uptime in sends:
            with self.subTest(user=user.name):
                self.assertIn(uptime, recs, "no record")
                self.assertV3Record(recs[uptime], user, "trap", engine,
                                    context_engine_id=V.CONTEXT_ENGINE, context_name=context,
                                    uptime=uptime)

    def test_one_user_many_sender_engines(self):
        """One user, keys localized for five engine IDs, two traps each (time moving on)."""
        user = V.user_for("SHA-256", "AES-192")
        engines = [V.new_engine_id(0x11) for _ in range(5)]
        before = len(self.ts.records())
        cmds = []
        for round_ in range(2):
            for j, e in enumerate(engines):
                cmds.append(V.netsnmp_cmd(self.ts.port, user, engine_id=e,
                                          boots_time=(3, 500 + round_ * 10),
                                          context_engine_id=e, uptime=2000 + 10 * round_ + j))
            for r in V.run_all(cmds[-len(engines):]):
                self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.recordsBy(self.ts.wait_records(before + 10)[before:], lambda r: r["uptime"])
        self.assertEqual(len(recs), 10)
        for round_ in range(2):
            for j, e in enumerate(engines):
                self.assertV3Record(recs[2000 + 10 * round_ + j], user, "trap", e,
                                    context_engine_id=e, uptime=2000 + 10 * round_ + j)

    def test_default_context_engine_id(self):
        """Without -E, snmptrap puts its own local engine ID (kept in its persistent state; not
        the -e one) in contextEngineID: the record carries what was sent."""
        user = V.user_for("SHA", "AES")
        engine = V.new_engine_id(0x12)
        sender = V.state_dir()  # both runs are one sender: same local engine ID
        sent = V.parse_v3(V.capture(lambda p: V.netsnmp_cmd(p, user, engine_id=engine,
                                                            boots_time=(1, 1), uptime=3001),
                                    state=sender))
        ctx = V.parse_decrypted(sent, V.decrypt(sent, "SHA", "AES", user.priv_pass))
        ctx = ctx.context_engine_id.hex()
        self.assertNotEqual(ctx, engine)
        before = len(self.ts.records())
        r = V.run(V.netsnmp_cmd(self.ts.port, user, engine_id=engine, boots_time=(1, 2),
                                uptime=3002), state=sender)
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertV3Record(rec, user, "trap", engine, context_engine_id=ctx, uptime=3002)

    def test_informs_every_combination(self):
        before = len(self.ts.records())
        sends = [(u, 4000 + i, f"ictx-{i}" if i % 4 == 1 else "") for i, u in enumerate(USERS)]
        results = V.run_all([
            V.netsnmp_cmd(self.ts.port, u, inform=True, context_engine_id=V.CONTEXT_ENGINE,
                          context=c, uptime=up, timeout=2)
            for u, up, c in sends])
        self.assertSent(results, [u.name for u, *_ in sends])  # acknowledged
        recs = self.collect(self.ts, before, len(sends))
        for user, uptime, context in sends:
            with self.subTest(user=user.name):
                self.assertIn(uptime, recs, "no record")
                # an inform's authoritative engine is trapsink's own
                self.assertV3Record(recs[uptime], user, "inform", V.TRAPSINK_ENGINE,
                                    context_engine_id=V.CONTEXT_ENGINE, context_name=context,
                                    uptime=uptime)


if __name__ == "__main__":
    unittest.main()
