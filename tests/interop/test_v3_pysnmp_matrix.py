"""SNMPv3 traps and informs from PySNMP 4.4 (pysnmp_send.py) for the privacy protocols Net-SNMP
lacks or that need a second implementation: 3DES (Reeder key extension), AES-192-C/AES-256-C
(PySNMP's usmAesCfb192/256Protocol: Reeder, "Cisco"), AES-192/AES-256 (Blumenthal), plus DES,
AES, authNoPriv and noAuthNoPriv.

The two AES key extensions differ only when the hash is shorter than the key: MD5 and SHA for
both sizes, SHA-224 for 256-bit keys. So those are crossed with every long-key protocol; a
receiver that mixes the two extensions up fails exactly there.
PySNMP puts its own engine ID in a trap's contextEngineID, and the receiver's in an inform's."""
import unittest

import v3_senders as V
from harness import Trapsink

LONG_KEY_PRIV = ("3DES", "AES-192", "AES-256", "AES-192-C", "AES-256-C")
USERS = ([V.user_for(a, p, "p") for a in ("MD5", "SHA", "SHA-224") for p in LONG_KEY_PRIV]
         + [V.user_for("SHA-512", p, "p") for p in ("3DES", "AES-256-C", "AES-192")]
         + [V.user_for("SHA-256", "DES", "p"), V.user_for("SHA-384", "AES", "p"),
            V.user_for("SHA-256", "none", "p"), V.User("p_noauth")])
INFORM_USERS = ([V.user_for(a, p, "p") for a in ("MD5", "SHA") for p in LONG_KEY_PRIV]
                + [V.user_for("SHA-512", "AES-256-C", "p"), V.user_for("SHA-256", "none", "p"),
                   V.User("p_noauth")])


class PySnmpMatrix(V.V3Case):
    @classmethod
    def setUpClass(cls):
        cls.ts = Trapsink(config={"engine_id": V.TRAPSINK_ENGINE,
                                  "users": [u.config() for u in USERS]})

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()

    def test_traps(self):
        before = len(self.ts.records())
        sends = [(u, V.new_engine_id(0x20), 5000 + i) for i, u in enumerate(USERS)]
        results = V.run_all([V.pysnmp_cmd(self.ts.port, u, engine_id=e, uptime=up)
                             for u, e, up in sends], parallel=3)
        self.assertSent(results, [u.name for u, *_ in sends])
        recs = self.collect(self.ts, before, len(sends))
        for user, engine, uptime in sends:
            with self.subTest(user=user.name):
                self.assertIn(uptime, recs, "no record")
                self.assertV3Record(recs[uptime], user, "trap", engine,
                                    context_engine_id=engine, uptime=uptime)

    def test_trap_context_and_boots_time(self):
        user = V.user_for("SHA", "AES-256-C", "p")
        engine = V.new_engine_id(0x21)
        before = len(self.ts.records())
        r = V.run(V.pysnmp_cmd(self.ts.port, user, engine_id=engine, boots_time=(9, 77777),
                               context_engine_id=V.CONTEXT_ENGINE, context="pysnmp-ctx",
                               uptime=5900))
        self.assertEqual(r.returncode, 0, r.stderr)
        rec = self.ts.wait_records(before + 1)[before]
        self.assertV3Record(rec, user, "trap", engine, context_engine_id=V.CONTEXT_ENGINE,
                            context_name="pysnmp-ctx", uptime=5900)

    def test_informs(self):
        before = len(self.ts.records())
        sends = [(u, 6000 + i) for i, u in enumerate(INFORM_USERS)]
        results = V.run_all([V.pysnmp_cmd(self.ts.port, u, inform=True, uptime=up, timeout=2,
                                          engine_id=V.new_engine_id(0x22))
                             for u, up in sends], parallel=3)
        self.assertSent(results, [u.name for u, _ in sends])  # acknowledged
        recs = self.collect(self.ts, before, len(sends))
        for user, uptime in sends:
            with self.subTest(user=user.name):
                self.assertIn(uptime, recs, "no record")
                self.assertV3Record(recs[uptime], user, "inform", V.TRAPSINK_ENGINE,
                                    context_engine_id=V.TRAPSINK_ENGINE, uptime=uptime)


if __name__ == "__main__":
    unittest.main()
