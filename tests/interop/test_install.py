"""`cmake --install BUILD --prefix TMP` (docs/operations.md, "Install"): the installed tree holds
bin/trapsink, share/trapsink/mibs.idx, lib/systemd/system/trapsink.service (ExecStart pointing at
the installed binary) and the example configuration and logrotate file under
share/doc/trapsink/examples; the installed binary runs --version, and `mib info` uses the index
installed beside it (share/trapsink/mibs.idx relative to bin/), not the build tree's."""
import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import REPO, TRAPSINK_BIN, InteropCase

BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(TRAPSINK_BIN)))

# A module only the replaced installed index knows.
TINY_MIB = """TRAPSINK-INSTALL-TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
trapsinkInstallTest MODULE-IDENTITY
    LAST-UPDATED "202611220000Z"
    ORGANIZATION "trapsink"
    CONTACT-INFO "tests"
    DESCRIPTION "Only in the index the install test puts into the installed tree."
    ::= { enterprises 99999 }
installProbe OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "A probe."
    ::= { trapsinkInstallTest 1 }
END
"""


@unittest.skipUnless(os.path.isfile(os.path.join(BUILD_DIR, "CMakeCache.txt")),
                     f"{BUILD_DIR} is not a CMake build directory")
class CmakeInstall(InteropCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.mkdtemp(prefix="trapsink-install-")
        r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            shutil.rmtree(cls.prefix, ignore_errors=True)
            raise AssertionError(f"cmake --install failed:\n{r.stdout}{r.stderr}")
        cls.bin = os.path.join(cls.prefix, "bin", "trapsink")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def env(self):
        e = dict(os.environ)
        e.pop("TRAPSINK_MIB_INDEX", None)
        return e

    def run_installed(self, *args):
        return subprocess.run([self.bin, *args], capture_output=True, text=True, timeout=120,
                              env=self.env())

    def test_tree(self):
        p = self.prefix
        self.assertTrue(os.access(self.bin, os.X_OK))
        self.assertTrue(os.path.isfile(os.path.join(p, "share", "trapsink", "mibs.idx")))
        examples = os.path.join(p, "share", "doc", "trapsink", "examples")
        self.assertTrue(filecmp.cmp(os.path.join(examples, "trapsink.example.yaml"),
                                    os.path.join(REPO, "deploy", "trapsink.example.yaml"),
                                    shallow=False))
        self.assertTrue(filecmp.cmp(os.path.join(examples, "logrotate.d", "trapsink"),
                                    os.path.join(REPO, "deploy", "logrotate.d", "trapsink"),
                                    shallow=False))
        with open(os.path.join(p, "lib", "systemd", "system", "trapsink.service")) as f:
            unit = f.read()
        with open(os.path.join(REPO, "deploy", "trapsink.service")) as f:
            source = f.read()
        self.assertIn(f"ExecStart={self.bin} serve --config /etc/trapsink/trapsink.yaml", unit)
        self.assertEqual(unit.replace(self.bin, "/usr/local/bin/trapsink"), source)

    def test_installed_binary_runs(self):
        r = self.run_installed("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        built = subprocess.run([TRAPSINK_BIN, "--version"], capture_output=True, text=True)
        self.assertEqual(r.stdout, built.stdout)
        self.assertRegex(r.stdout, r"^trapsink \d+\.\d+\.\d+")

    def test_mib_info_uses_the_index_installed_beside_the_binary(self):
        r = self.run_installed("mib", "info", "IF-MIB::ifDescr")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ifDescr", r.stdout)
        # Replace the installed index with one of a single module: the installed binary must
        # now know that module's node and not IF-MIB's (the build tree's index has IF-MIB).
        d = tempfile.mkdtemp(prefix="trapsink-install-mib-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "TRAPSINK-INSTALL-TEST-MIB.txt"), "w") as f:
            f.write(TINY_MIB)
        installed_idx = os.path.join(self.prefix, "share", "trapsink", "mibs.idx")
        saved = installed_idx + ".orig"
        shutil.copy(installed_idx, saved)
        self.addCleanup(shutil.move, saved, installed_idx)
        r = subprocess.run([self.bin, "mib", "compile", "--quiet", d, "-o", installed_idx],
                           capture_output=True, text=True, timeout=120, env=self.env())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.run_installed("mib", "info", "TRAPSINK-INSTALL-TEST-MIB::installProbe")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("installProbe", r.stdout)
        self.assertIn("-- FROM\tTRAPSINK-INSTALL-TEST-MIB\n", r.stdout)
        self.assertRegex(r.stdout, r"::= \{ (.* )?trapsinkInstallTest\(99999\) 1 \}")
        r = self.run_installed("mib", "info", "IF-MIB::ifDescr")
        self.assertNotEqual(r.returncode, 0, r.stdout)


if __name__ == "__main__":
    unittest.main()
