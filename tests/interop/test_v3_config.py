"""SNMPv3 configuration: users from Net-SNMP createUser lines (users_from, --users-from), keys
given as master or localized keys, trapsink's engine ID (--engine-id, seen by a raw discovery
probe and by snmpinform), and --state-dir / state_dir (engine ID kept across restarts, boots
counted up: read from the Report to a raw discovery probe, RFC 3414 §4)."""
import os
import shutil
import tempfile
import unittest

import v3_senders as V
from harness import Trapsink, send_udp

NETSNMP_CONF = """\
# Net-SNMP style users (snmpd.conf(5) / snmptrapd.conf(5) createUser)
createUser nf_sha_aes SHA "nf pass with spaces" AES nf-sha-aes-priv-pass
createUser nf_md5_des MD5 nf-md5-des-auth-pass DES nf-md5-des-priv-pass
createUser nf_sha512 SHA-512 nf-sha512-auth-pass
createUser nf_md5_aes256c MD5 nf-md5-aes256c-auth-pass AES-256-C nf-md5-aes256c-priv-pass

createUser nf_noauth
createUser -e 0x80001f8805bb000001 nf_engine SHA-256 nf-engine-auth-pass AES nf-engine-priv-pass
"""
NF_USERS = [V.User("nf_sha_aes", "SHA", "nf pass with spaces", "AES", "nf-sha-aes-priv-pass"),
            V.User("nf_md5_des", "MD5", "nf-md5-des-auth-pass", "DES", "nf-md5-des-priv-pass"),
            V.User("nf_sha512", "SHA-512", "nf-sha512-auth-pass"),
            V.User("nf_md5_aes256c", "MD5", "nf-md5-aes256c-auth-pass", "AES-256-C",
                   "nf-md5-aes256c-priv-pass"),
            V.User("nf_noauth")]
NF_ENGINE_USER = V.User("nf_engine", "SHA-256", "nf-engine-auth-pass", "AES",
                        "nf-engine-priv-pass")
NF_ENGINE = "80001f8805bb000001"


def probe(ts):
    """Discovery: the Report's (engine ID hex, boots, time)."""
    reply = send_udp(ts.port, V.discovery_probe(), expect_reply=True)
    assert reply is not None, "no Report to a discovery probe:\n" + ts.log()
    rep = V.parse_v3(reply)
    assert rep.pdu_tag == 0xA8 and [n for n, _ in rep.report_counters()] == ["unknownEngineIDs"]
    return rep.engine_id.hex(), rep.boots, rep.time


class V3Config(V.V3Case):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trapsink-v3-config-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def send_and_check_traps(self, ts, users, base):
        sends = [(u, V.new_engine_id(0x40), base + i) for i, u in enumerate(users)]
        for (u, *_), r in zip(sends, V.run_all([
                V.netsnmp_cmd(ts.port, u, engine_id=e, context_engine_id=V.CONTEXT_ENGINE,
                              uptime=up) for u, e, up in sends])):
            self.assertEqual(r.returncode, 0, f"{u.name}: {r.stderr}")
        recs = self.recordsBy(ts.wait_records(len(sends)), lambda r: r["uptime"])
        for u, e, up in sends:
            with self.subTest(user=u.name):
                self.assertV3Record(recs[up], u, "trap", e, context_engine_id=V.CONTEXT_ENGINE,
                                    uptime=up)

    def test_users_from_config(self):
        path = self.write("netsnmp.conf", NETSNMP_CONF)
        with Trapsink(config={"users_from": [path]}) as ts:
            self.send_and_check_traps(ts, NF_USERS, 100)
            # createUser -e: the user is for that engine ID
            r = V.run(V.netsnmp_cmd(ts.port, NF_ENGINE_USER, engine_id=NF_ENGINE,
                                    context_engine_id=V.CONTEXT_ENGINE, uptime=199))
            self.assertEqual(r.returncode, 0, r.stderr)
            rec = ts.wait_records(len(NF_USERS) + 1)[-1]
            self.assertV3Record(rec, NF_ENGINE_USER, "trap", NF_ENGINE,
                                context_engine_id=V.CONTEXT_ENGINE, uptime=199)
            self.assertCounters(ts.counters(), {})

    def test_users_from_flag_and_yaml_users_together(self):
        path = self.write("netsnmp.conf", NETSNMP_CONF)
        yaml_user = V.user_for("SHA-384", "AES-192")
        with Trapsink("--users-from", path, config={"users": [yaml_user.config()]}) as ts:
            self.send_and_check_traps(ts, [NF_USERS[0], NF_USERS[3], yaml_user], 200)

    def test_master_and_localized_keys(self):
        """auth/priv keys as hex master keys (Ku, localized per sender engine) and as localized
        keys (Kul, for the one pinned engine ID), as Net-SNMP's -3m / -3k would take them."""
        engine = V.new_engine_id(0x41)
        ku = lambda auth, p: V.password_to_key(auth, p)
        master = V.User("km", "SHA-256", "km-auth-pass", "AES", "km-priv-pass")
        local = V.User("kl", "SHA", "kl-auth-pass", "AES", "kl-priv-pass")
        config = {"users": [
            {"name": "km", "auth_protocol": "SHA-256",
             "auth_master_key": ku("SHA-256", master.auth_pass).hex(),
             "priv_protocol": "AES", "priv_master_key": ku("SHA-256", master.priv_pass).hex()},
            {"name": "kl", "auth_protocol": "SHA",
             "auth_localized_key": V.localize("SHA", ku("SHA", local.auth_pass),
                                              bytes.fromhex(engine)).hex(),
             "priv_protocol": "AES",
             "priv_localized_key": V.localize("SHA", ku("SHA", local.priv_pass),
                                              bytes.fromhex(engine)).hex(),
             "engine_ids": [engine]},
        ]}
        with Trapsink(config=config) as ts:
            e1, e2 = V.new_engine_id(0x41), V.new_engine_id(0x41)
            for u, e, up in ((master, e1, 301), (master, e2, 302), (local, engine, 303)):
                r = V.run(V.netsnmp_cmd(ts.port, u, engine_id=e,
                                        context_engine_id=V.CONTEXT_ENGINE, uptime=up))
                self.assertEqual(r.returncode, 0, r.stderr)
            recs = self.recordsBy(ts.wait_records(3), lambda r: r["uptime"])
            self.assertV3Record(recs[301], master, "trap", e1, context_engine_id=V.CONTEXT_ENGINE,
                                uptime=301)
            self.assertV3Record(recs[302], master, "trap", e2, context_engine_id=V.CONTEXT_ENGINE,
                                uptime=302)
            self.assertV3Record(recs[303], local, "trap", engine,
                                context_engine_id=V.CONTEXT_ENGINE, uptime=303)

    def test_engine_id_flag(self):
        engine = "80001f8804666c61672d656e67696e65"  # "flag-engine"
        user = V.user_for("SHA-256", "AES")
        with Trapsink("--engine-id", engine, config={"users": [user.config()]}) as ts:
            self.assertEqual(probe(ts)[0], engine)
            r = V.run(V.netsnmp_cmd(ts.port, user, inform=True, context_engine_id=V.CONTEXT_ENGINE,
                                    uptime=401, timeout=2))
            self.assertEqual(r.returncode, 0, r.stderr)
            r = V.run(V.pysnmp_cmd(ts.port, user, inform=True, uptime=402, timeout=2))
            self.assertEqual(r.returncode, 0, r.stderr)
            recs = self.recordsBy(ts.wait_records(2), lambda r: r["uptime"])
            self.assertV3Record(recs[401], user, "inform", engine,
                                context_engine_id=V.CONTEXT_ENGINE, uptime=401)
            self.assertV3Record(recs[402], user, "inform", engine, context_engine_id=engine,
                                uptime=402)

    def test_engine_id_in_config(self):
        engine = "8000000001020304"
        with Trapsink(config={"engine_id": engine, "users": [V.User("x").config()]}) as ts:
            self.assertEqual(probe(ts)[0], engine)

    def test_state_dir_keeps_engine_id_and_counts_boots(self):
        state = os.path.join(self.tmp, "state")
        os.mkdir(state)
        user = V.user_for("SHA", "AES-256-C")
        config = {"users": [user.config()]}
        with Trapsink("--state-dir", state, config=config) as ts:
            engine1, boots1, _ = probe(ts)
        self.assertTrue(os.listdir(state), "nothing kept in the state directory")
        with Trapsink("--state-dir", state, config=config) as ts:
            engine2, boots2, _ = probe(ts)
            # informs work against the kept engine ID
            r = V.run(V.netsnmp_cmd(ts.port, user, inform=True, context_engine_id=V.CONTEXT_ENGINE,
                                    uptime=501, timeout=2))
            self.assertEqual(r.returncode, 0, r.stderr)
            rec = ts.wait_records(1)[0]
            self.assertV3Record(rec, user, "inform", engine1, context_engine_id=V.CONTEXT_ENGINE,
                                uptime=501)
        # the configuration key does the same as the flag
        with Trapsink(config=dict(config, state_dir=state)) as ts:
            engine3, boots3, _ = probe(ts)
        self.assertEqual(engine2, engine1)
        self.assertEqual(engine3, engine1)
        self.assertGreaterEqual(boots1, 1)
        self.assertEqual(boots2, boots1 + 1)
        self.assertEqual(boots3, boots1 + 2)

    def test_without_state_dir_engine_id_is_valid(self):
        with Trapsink(config={"users": [V.User("x").config()]}) as ts:
            engine, boots, _ = probe(ts)
        # RFC 3411 SnmpEngineID: 5..32 octets, not all zero / all ff
        self.assertTrue(5 <= len(engine) // 2 <= 32, engine)
        self.assertNotIn(engine, ("00" * (len(engine) // 2), "ff" * (len(engine) // 2)))
        self.assertGreaterEqual(boots, 1)


if __name__ == "__main__":
    unittest.main()
