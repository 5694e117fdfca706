"""SNMPv3 refusals (RFC 3414 §3.2): each bad message produces no record, is counted under the
right usmStats counter (read from the shutdown summary), gets a Report only where RFC 3414 says
(reportable messages: informs and discovery; never traps), and the receiver keeps receiving:
a good trap afterwards is recorded.

One trapsink per test, so every test sees its own counters. Bad messages come from Net-SNMP
(wrong keys, unknown user, wrong level), or are real snmptrap datagrams captured on a local
socket and then replayed, tampered with, or re-signed with v3_senders' own HMAC."""
import re
import time
import unittest

import v3_senders as V
from harness import Trapsink, send_udp

ALICE = V.User("alice", "SHA-256", "alice-auth-pass", "AES", "alice-priv-pass")
TIM = V.User("tim", "SHA", "tim-auth-pass")  # authNoPriv only
BOB = V.User("bob", "SHA-256", "bob-auth-pass", "AES", "bob-priv-pass", min_level="authNoPriv")
DORA = V.User("dora", "MD5", "dora-auth-pass", "DES", "dora-priv-pass")
PIN_ENGINE = "80001f8805aa000000000001"
PINNED = V.User("pinned", "SHA", "pinned-auth-pass", "AES", "pinned-priv-pass",
                engine_ids=(PIN_ENGINE,))
REMOTE = V.User("remote", "SHA", "remote-auth-pass", allow_from=("192.0.2.0/24", "2001:db8::/32"))
LOCAL = V.User("local", "SHA", "local-auth-pass", allow_from=("127.0.0.0/8",))
MALLORY = V.User("mallory", "SHA", "mallory-auth-pass")  # not configured
USERS = [ALICE, TIM, BOB, DORA, PINNED, REMOTE, LOCAL]

# snmpinform's own exchanges (discovery, time synchronization) count here; tests that use it
# do not pin these two.
INFORM_NOISE = ("usm_stats_unknown_engine_ids_total", "usm_stats_not_in_time_windows_total")
NO_REPLY_WAIT = 0.4


class Refusals(V.V3Case):
    def setUp(self):
        self.ts = Trapsink(config={"engine_id": V.TRAPSINK_ENGINE,
                                   "users": [u.config() for u in USERS]})
        self.good = 0

    def tearDown(self):
        self.ts.close()

    def trap(self, user, **kw):
        kw.setdefault("engine_id", V.new_engine_id(0x30))
        kw.setdefault("context_engine_id", V.CONTEXT_ENGINE)
        r = V.run(V.netsnmp_cmd(self.ts.port, user, **kw))
        self.assertEqual(r.returncode, 0, r.stderr)
        return kw["engine_id"]

    def inform(self, user, **kw):
        kw.setdefault("context_engine_id", V.CONTEXT_ENGINE)
        return V.run(V.netsnmp_cmd(self.ts.port, user, inform=True, **kw))

    def assertStillReceiving(self, expected_records):
        """A good trap is recorded after the refused ones, and nothing else was."""
        uptime = 700000 + self.good
        self.good += 1
        engine = self.trap(ALICE, uptime=uptime)
        recs = self.ts.wait_records(expected_records + 1)
        time.sleep(0.2)  # time for a wrongly recorded bad message to show up
        recs = self.ts.records()
        self.assertEqual(len(recs), expected_records + 1, recs)
        self.assertV3Record(recs[-1], ALICE, "trap", engine, context_engine_id=V.CONTEXT_ENGINE,
                            uptime=uptime)
        self.assertIsNone(self.ts.proc.poll(), "trapsink exited")

    def assertNoReply(self, datagram):
        self.assertIsNone(send_udp(self.ts.port, datagram, expect_reply=True,
                                   timeout=NO_REPLY_WAIT), "a Report to a trap")

    # --- wrong keys --------------------------------------------------------------------------

    def test_wrong_auth_passphrase_trap(self):
        self.trap(ALICE, auth_pass="not-alices-auth-pass")
        self.assertStillReceiving(0)
        self.assertCounters(self.ts.counters(), {"usm_stats_wrong_digests_total": 1})

    def test_wrong_auth_passphrase_inform_gets_report(self):
        r = self.inform(ALICE, auth_pass="not-alices-auth-pass")
        self.assertNotEqual(r.returncode, 0)
        # Net-SNMP's text for a usmStatsWrongDigests Report
        self.assertIn("Authentication failure", r.stderr)
        self.assertStillReceiving(0)
        c = self.ts.counters()
        self.assertGreaterEqual(c.get("usm_stats_wrong_digests_total", 0), 1, c)
        self.assertCounters(c, {"usm_stats_wrong_digests_total": c.get(
            "usm_stats_wrong_digests_total", 0)}, ignore=INFORM_NOISE)

    def test_wrong_priv_passphrase_trap(self):
        self.trap(ALICE, priv_pass="not-alices-priv-pass")
        self.assertStillReceiving(0)
        c = self.ts.counters()
        # RFC 3414 §3.2.8 (decryption failed) or RFC 3412 §7.2 (the decrypted ScopedPDU does
        # not parse: what Net-SNMP's snmptrapd counts): one of the two, exactly once.
        dec = c.get("usm_stats_decryption_errors_total", 0)
        asn = c.get("snmp_in_asn_parse_errs_total", 0)
        self.assertEqual((dec, asn) in ((1, 0), (0, 1)), True, c)
        self.assertCounters(c, {"usm_stats_decryption_errors_total": dec})

    def test_wrong_priv_passphrase_inform_fails(self):
        r = self.inform(ALICE, priv_pass="not-alices-priv-pass")
        self.assertNotEqual(r.returncode, 0, "an inform that cannot be decrypted was acknowledged")
        self.assertStillReceiving(0)

    def test_decryption_errors(self):
        """Authenticated (re-signed) messages whose ciphertext cannot be decrypted: DES with a
        length not a multiple of 8 (RFC 3414 §8.3.2), AES with 7-octet privParameters
        (RFC 3826 §3.3.2)."""
        des = V.parse_v3(V.capture(lambda p: V.netsnmp_cmd(
            p, DORA, engine_id=V.new_engine_id(0x31), boots_time=(2, 20),
            context_engine_id=V.CONTEXT_ENGINE, uptime=31)))
        bad_des = V.sign(V.rebuild(des, encrypted=des.encrypted[:-1]), "MD5", DORA.auth_pass)
        aes = V.parse_v3(V.capture(lambda p: V.netsnmp_cmd(
            p, ALICE, engine_id=V.new_engine_id(0x31), boots_time=(2, 20),
            context_engine_id=V.CONTEXT_ENGINE, uptime=32)))
        bad_aes = V.sign(V.rebuild(aes, priv_params=aes.priv_params[:7]), "SHA-256",
                         ALICE.auth_pass)
        self.assertNoReply(bad_des)
        self.assertNoReply(bad_aes)
        # the untouched originals are fine
        send_udp(self.ts.port, des.raw)
        send_udp(self.ts.port, aes.raw)
        recs = self.recordsBy(self.ts.wait_records(2), lambda r: r["uptime"])
        self.assertV3Record(recs[31], DORA, "trap", des.engine_id.hex(),
                            context_engine_id=V.CONTEXT_ENGINE, uptime=31)
        self.assertV3Record(recs[32], ALICE, "trap", aes.engine_id.hex(),
                            context_engine_id=V.CONTEXT_ENGINE, uptime=32)
        self.assertStillReceiving(2)
        self.assertCounters(self.ts.counters(), {"usm_stats_decryption_errors_total": 2})

    # --- unknown user, wrong level -----------------------------------------------------------

    def test_unknown_user_trap_gets_no_report(self):
        datagram = V.capture(lambda p: V.netsnmp_cmd(p, MALLORY, engine_id=V.new_engine_id(0x32)))
        self.assertNoReply(datagram)
        self.trap(V.User("nobody"))  # noAuthNoPriv, unknown too
        self.assertStillReceiving(0)
        self.assertCounters(self.ts.counters(), {"usm_stats_unknown_user_names_total": 2})

    def test_unknown_user_inform_gets_report(self):
        r = self.inform(MALLORY)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unknown user name", r.stderr)
        self.assertStillReceiving(0)
        c = self.ts.counters()
        self.assertGreaterEqual(c.get("usm_stats_unknown_user_names_total", 0), 1, c)
        self.assertCounters(c, {"usm_stats_unknown_user_names_total": c.get(
            "usm_stats_unknown_user_names_total", 0)}, ignore=INFORM_NOISE)

    def test_level_below_min_level(self):
        self.trap(ALICE, level="authNoPriv")      # min_level defaults to what the keys allow
        self.trap(ALICE, level="noAuthNoPriv")
        self.trap(BOB, level="noAuthNoPriv")      # min_level: authNoPriv
        self.trap(TIM, level="authPriv", priv_pass="tim-has-no-priv")  # above what tim has
        # bob at or above his min_level is fine
        e1 = self.trap(BOB, level="authNoPriv", uptime=41)
        e2 = self.trap(BOB, uptime=42)
        recs = self.recordsBy(self.ts.wait_records(2), lambda r: r["uptime"])
        self.assertV3Record(recs[41], BOB, "trap", e1, context_engine_id=V.CONTEXT_ENGINE,
                            uptime=41, level="authNoPriv")
        self.assertEqual(recs[41]["security"]["priv_protocol"], "none")
        self.assertV3Record(recs[42], BOB, "trap", e2, context_engine_id=V.CONTEXT_ENGINE,
                            uptime=42, level="authPriv")
        self.assertStillReceiving(2)
        self.assertCounters(self.ts.counters(), {"usm_stats_unsupported_sec_levels_total": 4})

    def test_level_below_min_level_inform_gets_report(self):
        r = self.inform(ALICE, level="authNoPriv")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unsupported security level", r.stderr)
        self.assertStillReceiving(0)
        c = self.ts.counters()
        self.assertGreaterEqual(c.get("usm_stats_unsupported_sec_levels_total", 0), 1, c)

    # --- tampering and replay ----------------------------------------------------------------

    def test_tampered_bytes(self):
        raw = V.capture(lambda p: V.netsnmp_cmd(p, ALICE, engine_id=V.new_engine_id(0x33),
                                                boots_time=(4, 400),
                                                context_engine_id=V.CONTEXT_ENGINE, uptime=51))
        msg = V.parse_v3(raw)
        self.assertIsNotNone(msg.encrypted)
        tampered = [
            V.flip(raw, msg.encrypted_offset + len(msg.encrypted) // 2),  # inside the ciphertext
            V.flip(raw, msg.encrypted_offset + len(msg.encrypted) - 1, 0x80),  # its last byte
            V.flip(raw, msg.auth_params_offset + 3),  # inside the digest
        ]
        for t in tampered:
            self.assertNoReply(t)
        send_udp(self.ts.port, raw)  # the original still authenticates
        rec = self.ts.wait_records(1)[0]
        self.assertV3Record(rec, ALICE, "trap", msg.engine_id.hex(),
                            context_engine_id=V.CONTEXT_ENGINE, uptime=51)
        self.assertStillReceiving(1)
        self.assertCounters(self.ts.counters(), {"usm_stats_wrong_digests_total": 3})

    def test_replay_outside_time_window(self):
        engine = V.new_engine_id(0x34)
        old = V.capture(lambda p: V.netsnmp_cmd(p, ALICE, engine_id=engine, boots_time=(7, 100),
                                                context_engine_id=V.CONTEXT_ENGINE, uptime=61))
        send_udp(self.ts.port, old)  # first sight of this engine: sets the baseline
        self.ts.wait_records(1)
        # the sender's clock moves on 1000 s: newer, accepted (RFC 3414 §3.2.7b)
        self.trap(ALICE, engine_id=engine, boots_time=(7, 1100), uptime=62)
        self.ts.wait_records(2)
        self.assertNoReply(old)  # 100 < 1100 - 150: replayed
        self.trap(ALICE, engine_id=engine, boots_time=(6, 5000), uptime=63)  # older boots
        self.trap(ALICE, engine_id=engine, boots_time=(7, 1101), uptime=64)  # still fine
        recs = self.recordsBy(self.ts.wait_records(3), lambda r: r["uptime"])
        self.assertEqual(sorted(recs), [61, 62, 64])
        for up in (61, 62, 64):
            self.assertV3Record(recs[up], ALICE, "trap", engine,
                                context_engine_id=V.CONTEXT_ENGINE, uptime=up)
        self.assertStillReceiving(3)
        self.assertCounters(self.ts.counters(), {"usm_stats_not_in_time_windows_total": 2})

    # --- Reports to raw reportable messages ----------------------------------------------

    def test_discovery_and_time_sync_reports(self):
        """A raw RFC 3414 §4 exchange: discovery probe -> Report usmStatsUnknownEngineIDs with
        trapsink's engine ID; an authNoPriv inform with boots/time 0 -> an authenticated Report
        usmStatsNotInTimeWindows carrying trapsink's boots/time; the inform again with those ->
        an authenticated Response, and a record."""
        reply = send_udp(self.ts.port, V.discovery_probe(msg_id=1001, request_id=2001),
                         expect_reply=True)
        self.assertIsNotNone(reply, "no Report to a discovery probe")
        rep = V.parse_v3(reply)
        self.assertEqual(rep.msg_id, 1001)
        self.assertEqual(rep.pdu_tag, 0xA8)
        self.assertEqual(rep.request_id, 2001)
        self.assertEqual(rep.flags & 0x07, 0)  # noAuthNoPriv, not reportable
        self.assertEqual(rep.engine_id.hex(), V.TRAPSINK_ENGINE)
        self.assertEqual(rep.context_engine_id.hex(), V.TRAPSINK_ENGINE)
        self.assertEqual([n for n, _ in rep.report_counters()], ["unknownEngineIDs"])
        self.assertGreaterEqual(rep.report_counters()[0][1], 1)
        self.assertGreaterEqual(rep.boots, 1)

        inform = V.build_v3(V.notification_pdu(3001, uptime=71, tag=0xA6), user="tim",
                            engine_id=V.TRAPSINK_ENGINE, auth="SHA", auth_pass=TIM.auth_pass,
                            msg_id=1002, reportable=True)
        reply = send_udp(self.ts.port, inform, expect_reply=True)
        self.assertIsNotNone(reply, "no Report to an inform outside the time window")
        rep2 = V.parse_v3(reply)
        self.assertEqual(rep2.msg_id, 1002)
        self.assertEqual(rep2.pdu_tag, 0xA8)
        self.assertEqual(rep2.flags & 0x07, 0x01)  # authNoPriv (RFC 3414 §3.2.7a), not reportable
        self.assertEqual(rep2.user, b"tim")
        self.assertTrue(V.verify(reply, "SHA", TIM.auth_pass), "Report not signed with tim's key")
        self.assertEqual([n for n, _ in rep2.report_counters()], ["notInTimeWindows"])
        self.assertEqual(rep2.boots, rep.boots)
        self.assertGreaterEqual(rep2.time, rep.time)

        inform = V.build_v3(V.notification_pdu(3002, uptime=72, tag=0xA6), user="tim",
                            engine_id=V.TRAPSINK_ENGINE, boots=rep2.boots, time_=rep2.time,
                            auth="SHA", auth_pass=TIM.auth_pass, msg_id=1003, reportable=True)
        reply = send_udp(self.ts.port, inform, expect_reply=True)
        self.assertIsNotNone(reply, "no Response to a timely inform")
        resp = V.parse_v3(reply)
        self.assertEqual(resp.msg_id, 1003)
        self.assertEqual(resp.pdu_tag, 0xA2)
        self.assertEqual(resp.request_id, 3002)
        self.assertEqual(resp.error_status, 0)
        self.assertEqual(resp.flags & 0x07, 0x01)
        self.assertTrue(V.verify(reply, "SHA", TIM.auth_pass), "Response not signed")
        rec = self.ts.wait_records(1)[0]
        self.assertV3Record(rec, TIM, "inform", V.TRAPSINK_ENGINE,
                            context_engine_id=V.TRAPSINK_ENGINE, uptime=72, varbinds=[])
        self.assertEqual(rec["request_id"], 3002)
        self.assertStillReceiving(1)
        self.assertCounters(self.ts.counters(), {"usm_stats_unknown_engine_ids_total": 1,
                                                 "usm_stats_not_in_time_windows_total": 1})

    def test_unauthenticated_inform_for_wrong_engine_gets_report(self):
        """An inform with a right digest but addressed to another engine ID than trapsink's
        (trapsink is authoritative for informs): Report usmStatsUnknownEngineIDs."""
        other = V.new_engine_id(0x35)
        inform = V.build_v3(V.notification_pdu(3101, tag=0xA6), user="tim", engine_id=other,
                            boots=1, time_=1, auth="SHA", auth_pass=TIM.auth_pass, msg_id=1101,
                            reportable=True)
        reply = send_udp(self.ts.port, inform, expect_reply=True)
        self.assertIsNotNone(reply)
        rep = V.parse_v3(reply)
        self.assertEqual([n for n, _ in rep.report_counters()], ["unknownEngineIDs"])
        self.assertEqual(rep.engine_id.hex(), V.TRAPSINK_ENGINE)
        self.assertStillReceiving(0)
        self.assertCounters(self.ts.counters(), {"usm_stats_unknown_engine_ids_total": 1})

    # --- authorization: pinned engine IDs, source addresses ----------------------------------

    def test_pinned_engine_ids(self):
        self.trap(PINNED, engine_id=PIN_ENGINE, boots_time=(1, 10), uptime=81)
        self.trap(PINNED, uptime=82)  # some other engine ID
        rec = self.ts.wait_records(1)[0]
        self.assertV3Record(rec, PINNED, "trap", PIN_ENGINE, context_engine_id=V.CONTEXT_ENGINE,
                            uptime=81)
        self.assertStillReceiving(1)
        self.assertCounters(self.ts.counters(), {"usm_stats_unknown_engine_ids_total": 1})

    def test_allow_from(self):
        self.trap(REMOTE, uptime=91)  # from 127.0.0.1, allowed only from 192.0.2.0/24
        e = self.trap(LOCAL, uptime=92)
        rec = self.ts.wait_records(1)[0]
        self.assertV3Record(rec, LOCAL, "trap", e, context_engine_id=V.CONTEXT_ENGINE, uptime=92)
        self.assertStillReceiving(1)
        c = self.ts.counters()
        dropped = {k: v for k, v in c.items()
                   if re.fullmatch(r'trapsink_listener_dropped_total\{listener="[^"]+",'
                                   r'reason="source_not_allowed"\}', k)}
        self.assertEqual(list(dropped.values()), [1], c)
        self.assertCounters(c, {})


class SpoofedFlood(V.V3Case):
    """300 sender engine IDs trapsink has never seen, half of them spoofed (wrong key), against a
    key cache of 50 and a remote engine table of 50: no crash, evictions counted, every genuine
    trap recorded, and a genuine trap afterwards too."""

    def test_flood_of_new_engine_ids(self):
        with Trapsink(config={"engine_id": V.TRAPSINK_ENGINE, "key_cache_size": 50,
                              "remote_engine_limit": 50,
                              "users": [u.config() for u in USERS]}) as ts:
            cmds, genuine = [], []
            for i in range(300):
                engine = V.new_engine_id(0x36)
                if i % 2:
                    genuine.append((engine, 100000 + i))
                    cmds.append(V.netsnmp_cmd(ts.port, TIM, engine_id=engine, uptime=100000 + i,
                                              context_engine_id=V.CONTEXT_ENGINE, varbinds=()))
                else:
                    cmds.append(V.netsnmp_cmd(ts.port, TIM, engine_id=engine, uptime=100000 + i,
                                              auth_pass="spoofed-key-" + str(i), varbinds=()))
            for r in V.run_all(cmds, parallel=4, timeout=120):
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIsNone(ts.proc.poll(), "trapsink exited during the flood")
            engine = V.new_engine_id(0x36)
            r = V.run(V.netsnmp_cmd(ts.port, ALICE, engine_id=engine, uptime=999999,
                                    context_engine_id=V.CONTEXT_ENGINE))
            self.assertEqual(r.returncode, 0, r.stderr)
            recs = ts.wait_records(len(genuine) + 1, timeout=20)
            time.sleep(0.2)
            recs = self.recordsBy(ts.records(), lambda r: r["uptime"])
            self.assertEqual(len(recs), len(genuine) + 1)
            for e, up in genuine:
                self.assertEqual(recs[up]["security"]["engine_id"], e)
                self.assertEqual(recs[up]["security"]["user"], "tim")
            self.assertV3Record(recs[999999], ALICE, "trap", engine,
                                context_engine_id=V.CONTEXT_ENGINE, uptime=999999)
            self.assertEqual(ts.stop(), 0)
            c = ts.counters()
        self.assertCounters(c, {"usm_stats_wrong_digests_total": 150})
        # 151 authenticated (user, engine) pairs overflow 50 slots by exactly 101; the 150
        # spoofed engines never take a slot (keys are cached only once they authenticate).
        self.assertEqual(c.get("trapsink_usm_key_cache_evictions_total", 0), 101, c)
        self.assertEqual(c.get("trapsink_usm_remote_engine_evictions_total", 0), 101, c)
        self.assertEqual(c.get("trapsink_usm_key_localizations_total", 0), 301, c)


if __name__ == "__main__":
    unittest.main()
