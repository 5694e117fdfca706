"""serve --mib-index: a compiled index names records; SIGHUP reloads it and swaps it whole; a
bad new index is refused and the loaded one stays; a missing or corrupt index is a clear
startup error."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import TRAPSINK_BIN, InteropCase, Trapsink, compiled_mib_index, run_tool

# A module of our own, compiled inline: the notification a reloaded index must name.
TEST_MIB = """TRAPSINK-TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, NOTIFICATION-TYPE, enterprises FROM SNMPv2-SMI;
trapsinkTest MODULE-IDENTITY
    LAST-UPDATED "202611210000Z"
    ORGANIZATION "trapsink"
    CONTACT-INFO "tests"
    DESCRIPTION "A module for the reload test."
    ::= { enterprises 99999 }
trapsinkTestEvent NOTIFICATION-TYPE
    STATUS current
    DESCRIPTION "Something happened."
    ::= { trapsinkTest 0 1 }
END
"""
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
TEST_EVENT = "1.3.6.1.4.1.99999.0.1"


class MibIndexReload(InteropCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-mibidx-")
        self.index = os.path.join(self.dir, "mibs.idx")
        shutil.copy(compiled_mib_index(), self.index)
        mib_dir = os.path.join(self.dir, "mibs")
        os.mkdir(mib_dir)
        with open(os.path.join(mib_dir, "TRAPSINK-TEST-MIB.txt"), "w") as f:
            f.write(TEST_MIB)
        self.small = os.path.join(self.dir, "small.idx")
        r = subprocess.run([TRAPSINK_BIN, "mib", "compile", "--quiet", mib_dir, "-o", self.small],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def trap(self, ts, trap_oid):
        before = len(ts.records())
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{ts.port}", "",
                      trap_oid])
        self.assertEqual(r.returncode, 0, r.stderr)
        return ts.wait_records(before + 1)[before]

    def hangup(self, ts, expect):
        n = ts.log().count(expect)
        ts.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while ts.log().count(expect) == n:
            self.assertLess(time.monotonic(), deadline, "no '" + expect + "' in:\n" + ts.log())
            time.sleep(0.02)

    def test_sighup_swaps_the_index_and_refuses_a_bad_one(self):
        with Trapsink("--community", "public", mib_index=self.index) as ts:
            self.assertIn(f"MIB index {self.index}:", ts.log())
            self.assertEqual(self.trap(ts, LINK_DOWN)["trap_name"], "IF-MIB::linkDown")
            self.assertEqual(self.trap(ts, TEST_EVENT)["trap_name"],
                             "SNMPv2-SMI::enterprises.99999.0.1")

            # A truncated file: refused, the loaded index stays.
            with open(self.index, "r+b") as f:
                f.truncate(100)
            self.hangup(ts, "the MIB index is refused, the loaded one stays")
            self.assertEqual(self.trap(ts, LINK_DOWN)["trap_name"], "IF-MIB::linkDown")

            # A good new index: swapped whole (IF-MIB is not in it any more).
            shutil.copy(self.small, self.index)
            self.hangup(ts, "SIGHUP: reloaded MIB index")
            self.assertEqual(self.trap(ts, TEST_EVENT)["trap_name"],
                             "TRAPSINK-TEST-MIB::trapsinkTestEvent")
            rec = self.trap(ts, LINK_DOWN)
            self.assertEqual(rec["trap_name"], "SNMPv2-SMI::snmpModules.1.1.5.3")
        self.assertEqual(ts.proc.returncode, 0)

    def test_missing_or_corrupt_index_is_a_startup_error(self):
        for path, reason in ((os.path.join(self.dir, "missing.idx"), "No such file"),
                             (self.small + ".bad", "truncated")):
            if not path.endswith("missing.idx"):
                with open(self.small, "rb") as src, open(path, "wb") as dst:
                    dst.write(src.read()[:100])
            r = subprocess.run([TRAPSINK_BIN, "serve", "--listen", "udp:127.0.0.1:0",
                                "--mib-index", path], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(f"cannot load the MIB index: {path}: ", r.stderr)
            self.assertIn(reason, r.stderr)

    def test_none_turns_names_off(self):
        with Trapsink("--community", "public", mib_index="none") as ts:
            rec = self.trap(ts, LINK_DOWN)
            self.assertNotIn("trap_name", rec)
            self.assertIn("MIB names off", ts.log())


if __name__ == "__main__":
    unittest.main()
