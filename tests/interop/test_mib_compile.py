"""`trapsink mib compile` against real MIBs and against Net-SNMP.

- The corpus (../shared/mib-corpus beside the project: 730 real-world modules) compiles: every
  module Net-SNMP's snmptranslate loads without an error compiles here, and every module that
  does not compile is reported with file:line:col diagnostics. Skipped, saying so, when the
  corpus is absent (a user's own clone).
- A directory with good modules and broken files (a syntax error, a missing import, a duplicate
  module) still compiles every good module and reports each bad one precisely; Net-SNMP reports
  the same files.
- Exit codes: 0 (failures reported, not fatal), 1 with --strict or on an I/O error, 2 on bad
  arguments.
- The bundled modules' scalars and columns carry the textual convention and DISPLAY-HINT that
  Net-SNMP shows (snmptranslate -Td), with a short list of reasoned exceptions. The index is read
  by mib_index.py, written from the documented file format.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import TRAPSINK_BIN, netsnmp_env

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.normpath(os.path.join(PROJECT, "..", "shared", "mib-corpus"))
CORPUS_DIRS = ["rfc", "net-snmp", "juniper", "arista", "aruba", "cisco", "hp", "huawei"]
SUMMARY_RE = re.compile(r"^(\S+): (compiled|failed|missing import)(?: \(([^)]*)\))?, "
                        r"(\d+) nodes, (.*)$")
TOTALS_RE = re.compile(r"^(\d+) modules \((\d+) compiled, (\d+) failed, (\d+) missing imports\) "
                       r"from (\d+) files, (\d+) nodes, written to (.*) in (\d+) ms$")
DIAG_RE = re.compile(r"^(.*):(\d+):(\d+): (warning|error): (.*)$")


def compile_mibs(*args):
    return subprocess.run([TRAPSINK_BIN, "mib", "compile", *args], capture_output=True,
                          text=True, timeout=120)


def summary(stdout):
    """{module: (outcome, missing, nodes, file)} and the totals line's numbers."""
    modules, totals = {}, None
    for line in stdout.splitlines():
        m = SUMMARY_RE.match(line)
        if m:
            modules.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3) or "", int(m.group(4)), m.group(5)))
            continue
        t = TOTALS_RE.match(line)
        if t:
            totals = t.groups()
    return modules, totals


def diagnostics(stderr):
    out = []
    for line in stderr.splitlines():
        m = DIAG_RE.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)))
    return out


def netsnmp_error_files(dirs):
    """Files Net-SNMP reports an error in when it loads every module of dirs (-m ALL)."""
    r = subprocess.run(["snmptranslate", "-M", ":".join(dirs), "-m", "ALL", "-On", ".1.3"],
                       env=netsnmp_env(), capture_output=True, text=True, timeout=120)
    files = set()
    for line in r.stderr.splitlines():
        m = re.search(r"At line \d+ in (\S+)$", line) or re.search(r"\((/[^)]+)\)$", line) or \
            re.search(r"of (/\S+)$", line)
        if m:
            files.add(m.group(1))
    return files, r.stderr


class MibCorpus(unittest.TestCase):
    def setUp(self):
        if not os.path.isdir(CORPUS):
            self.skipTest(f"MIB corpus not found at {CORPUS} (it lives beside the project; "
                          "absent in a user's own clone)")
        self.tmp = tempfile.mkdtemp(prefix="trapsink-mib-corpus-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_every_module_netsnmp_loads_compiles(self):
        dirs = [os.path.join(CORPUS, d) for d in CORPUS_DIRS if os.path.isdir(os.path.join(CORPUS, d))]
        out = os.path.join(self.tmp, "corpus.idx")
        r = compile_mibs(*dirs, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        modules, totals = summary(r.stdout)
        self.assertIsNotNone(totals, r.stdout[-2000:])
        n_modules, n_compiled, n_failed, n_missing, n_files, n_nodes = map(int, totals[:6])
        self.assertEqual(n_files, sum(len(os.listdir(d)) for d in dirs))
        self.assertGreaterEqual(n_files, 730)
        self.assertEqual(n_modules, sum(len(v) for v in modules.values()))
        self.assertGreater(n_nodes, 60000)
        self.assertTrue(os.path.getsize(out) > 1_000_000)

        bad_files, ns_stderr = netsnmp_error_files(dirs)
        diags = diagnostics(r.stderr)
        problems = []
        for name, entries in modules.items():
            for outcome, missing, nodes, path in entries:
                if path == "<built-in>":
                    continue
                if outcome == "compiled":
                    continue
                # A module that does not compile must be one Net-SNMP has trouble with too...
                if path not in bad_files:
                    problems.append(f"{name} ({path}): {outcome} {missing}, "
                                    "but Net-SNMP loads it without an error")
                # ...and be reported precisely: an error with file:line:col in its file.
                if not any(d[0] == path and d[3] == "error" and d[1] > 0 for d in diags):
                    problems.append(f"{name} ({path}): {outcome} without an error diagnostic")
        self.assertEqual(problems, [], "\n".join(problems))
        # Today Net-SNMP loads the whole corpus without an error, and so do we.
        self.assertEqual(bad_files, set(), ns_stderr[-2000:])
        self.assertEqual((n_failed, n_missing), (0, 0), r.stderr[-3000:])
        self.assertEqual(n_compiled, n_modules)


# Where our TC attribution knowingly differs from Net-SNMP's, by (module of the object, TC):
TC_EXCEPTIONS = {
    # TCs whose SYNTAX is another TC (RFC 2579 §3 does not allow it): the model keeps the nearest
    # DISPLAY-HINT of the chain (mibs/model/mib_set.hpp), Net-SNMP shows none.
    ("SLAPM-MIB", "SlapmNameType"): "a TC over SnmpAdminString",
    ("HPR-IP-MIB", "AppnTOSPrecedence"): "a TC over DisplayString",
    ("EBN-MIB", "SnaNAUWildcardName"): "a TC over DisplayString",
    ("APPC-MIB", "SnaSenseData"): "a TC over DisplayString",
    # TCs the module uses without importing them: found by leniency global_symbols, unresolved
    # in Net-SNMP.
    ("MIOX25-MIB", "InstancePointer"): "imported from RFC1316-MIB, which does not define it",
    ("CHARACTER-MIB", "DisplayString"): "used without an import",
}


class BundledAgainstNetSnmp(unittest.TestCase):
    """Every scalar and column of the bundled modules gets the textual convention and
    DISPLAY-HINT that Net-SNMP's snmptranslate -Td shows, where Net-SNMP names the OID as we do
    (an OID that several modules define may be named by another module there; docs/mibs.md)."""

    def test_textual_conventions_and_hints_agree(self):
        import mib_index
        from harness import netsnmp_env
        tmp = tempfile.mkdtemp(prefix="trapsink-mib-bundled-")
        self.addCleanup(shutil.rmtree, tmp, True)
        modules_dir = os.path.join(PROJECT, "mibs", "modules")
        out = os.path.join(tmp, "bundled.idx")
        r = compile_mibs("--quiet", modules_dir, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        nodes = [n for n in mib_index.read(out)["nodes"] if n["kind"] in ("scalar", "column")]
        self.assertGreater(len(nodes), 20000)
        agree, other_owner, seen_exceptions, problems = 0, 0, set(), []
        for i in range(0, len(nodes), 1000):
            batch = nodes[i:i + 1000]
            ns = subprocess.run(["snmptranslate", "-M", modules_dir, "-m", "ALL", "-Td"] +
                                ["." + ".".join(map(str, n["oid"])) for n in batch],
                                env=netsnmp_env(), capture_output=True, text=True, timeout=120)
            blocks = [b for b in re.split(r"(?m)^(?=[A-Za-z][\w-]*::[\w.-]+\n)", ns.stdout)
                      if b.strip()]
            self.assertEqual(len(blocks), len(batch), ns.stderr[-1000:])
            for n, b in zip(batch, blocks):
                name = f"{n['module']}::{n['name']}"
                if b.split("\n", 1)[0] != name:
                    other_owner += 1
                    continue
                m = re.search(r"-- TEXTUAL CONVENTION (\S+)", b)
                tc = m.group(1) if m else ""
                m = re.search(r'DISPLAY-HINT\t"([^"]*)"', b)
                hint = m.group(1) if m else ""
                if (tc, hint) == (n["tc_name"], n["display_hint"]):
                    agree += 1
                elif (n["module"], n["tc_name"]) in TC_EXCEPTIONS:
                    seen_exceptions.add((n["module"], n["tc_name"]))
                else:
                    problems.append(f"{name}: ours {n['tc_module']}::{n['tc_name']} "
                                    f"{n['display_hint']!r}, Net-SNMP {tc} {hint!r}")
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertEqual(seen_exceptions, set(TC_EXCEPTIONS))  # each exception is still needed
        self.assertGreater(agree, 20000)
        self.assertLess(other_owner, len(nodes) // 50)


GOOD_A = """GOOD-A-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
goodA MODULE-IDENTITY
    LAST-UPDATED "202601010000Z" ORGANIZATION "t" CONTACT-INFO "t" DESCRIPTION "t"
    ::= { enterprises 64001 }
goodAValue OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current
    DESCRIPTION "v" ::= { goodA 1 }
END
"""
GOOD_B = """GOOD-B-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE FROM SNMPv2-SMI goodA FROM GOOD-A-MIB;
goodBValue OBJECT-TYPE SYNTAX OCTET STRING MAX-ACCESS read-only STATUS current
    DESCRIPTION "v" ::= { goodA 2 }
END
"""
SYNTAX_ERROR = """BROKEN-SYNTAX-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI;
brokenRoot OBJECT IDENTIFIER ::= { enterprises 64002 }
brokenValue OBJECT-TYPE
    SYNTAX INTEGER { one(1), two(2) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "missing the closing brace of the OID"
    ::= { brokenRoot 1
END
"""
MISSING_IMPORT = """NEEDS-MISSING-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE FROM SNMPv2-SMI
        someRoot FROM NOT-ANYWHERE-MIB;
needy OBJECT IDENTIFIER ::= { someRoot 1 }
END
"""
DUPLICATE = """GOOD-A-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM SNMPv2-SMI;
impostor OBJECT IDENTIFIER ::= { enterprises 64003 }
END
"""


class BrokenDirectory(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trapsink-mib-broken-")
        self.dir = os.path.join(self.tmp, "mibs")
        os.mkdir(self.dir)
        # File names say nothing about the modules: they are found by their headers.
        for name, text in [("a.txt", GOOD_A), ("b.my", GOOD_B), ("c-syntax.mib", SYNTAX_ERROR),
                           ("d-missing", MISSING_IMPORT), ("e-dup.txt", DUPLICATE),
                           ("README", "Not a MIB.\n")]:
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
        self.path = lambda n: os.path.join(self.dir, n)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_good_modules_compile_and_bad_ones_are_reported(self):
        out = os.path.join(self.tmp, "out.idx")
        r = compile_mibs(self.dir, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        modules, totals = summary(r.stdout)
        self.assertEqual(modules["GOOD-A-MIB"][0], ("compiled", "", 2, self.path("a.txt")))
        self.assertEqual(modules["GOOD-A-MIB"][1][0], "failed")  # the duplicate
        self.assertEqual(modules["GOOD-B-MIB"], [("compiled", "", 1, self.path("b.my"))])
        self.assertEqual(modules["BROKEN-SYNTAX-MIB"],
                         [("failed", "", 0, self.path("c-syntax.mib"))])
        self.assertEqual(modules["NEEDS-MISSING-MIB"],
                         [("missing import", "NOT-ANYWHERE-MIB", 0, self.path("d-missing"))])
        # 5 built-in modules + the SNMPv2-TC fallback + 5 from files; README skipped.
        self.assertEqual(totals[:5], ("11", "8", "2", "1", "6"))
        self.assertTrue(os.path.getsize(out) > 32)

        errors = [d for d in diagnostics(r.stderr) if d[3] == "error"]
        self.assertIn((self.path("c-syntax.mib"), 10, 1, "error",
                       "expected an OID component or '}', found 'END'"), errors)
        self.assertIn((self.path("d-missing"), 3, 23, "error",
                       "imported module NOT-ANYWHERE-MIB not found"), errors)
        self.assertIn((self.path("e-dup.txt"), 1, 1, "error",
                       f"duplicate module GOOD-A-MIB (first loaded from {self.path('a.txt')}:1); "
                       "this copy is ignored"), errors)
        self.assertEqual(len(errors), 3, r.stderr)

        # Net-SNMP has trouble with the same broken files (it needs SNMPv2-SMI from the corpus;
        # of two modules of one name it keeps one, by directory order, without saying so, and
        # the modules that needed the other copy fail).
        if os.path.isdir(os.path.join(CORPUS, "rfc")):
            bad, ns = netsnmp_error_files([os.path.join(CORPUS, "rfc"), self.dir])
            self.assertLessEqual({self.path("c-syntax.mib"), self.path("d-missing")}, bad, ns)

    def test_strict_exits_1_and_still_writes(self):
        out = os.path.join(self.tmp, "strict.idx")
        r = compile_mibs("--strict", "--quiet", self.dir, "-o", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("mib compile --strict: 3 modules did not compile", r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 1)  # --quiet: the totals line only
        self.assertTrue(os.path.exists(out))

    def test_strict_passes_on_good_modules(self):
        out = os.path.join(self.tmp, "good.idx")
        r = compile_mibs("--strict", self.path("a.txt"), self.path("b.my"), "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_leniency_can_be_switched_off(self):
        sloppy = os.path.join(self.tmp, "sloppy.mib")
        with open(sloppy, "w") as f:
            f.write(GOOD_A.replace("goodAValue", "good_a_value"))
        out = os.path.join(self.tmp, "l.idx")
        self.assertEqual(compile_mibs("--strict", sloppy, "-o", out).returncode, 0)
        r = compile_mibs("--strict", "--no-leniency", "underscores", sloppy, "-o", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{sloppy}:6:1: error: identifier 'good_a_value' contains '_' "
                      "(leniency underscores is off)", r.stderr)

    def test_missing_path_is_an_io_error(self):
        missing = os.path.join(self.tmp, "nope")
        r = compile_mibs(missing, "-o", os.path.join(self.tmp, "x.idx"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"trapsink: {missing}: No such file or directory", r.stderr)

    def test_unwritable_output_is_an_io_error(self):
        out = os.path.join(self.tmp, "no-such-dir", "x.idx")
        r = compile_mibs(self.path("a.txt"), "-o", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"trapsink: {out}: cannot create a temporary file", r.stderr)

    def test_bad_arguments(self):
        self.assertEqual(compile_mibs(self.dir).returncode, 2)  # no -o
        r = subprocess.run([TRAPSINK_BIN, "mib"], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 2)  # the group needs a subcommand
        self.assertIn("subcommand", r.stderr)
        r = compile_mibs("--no-leniency", "bogus", self.dir, "-o", os.path.join(self.tmp, "x"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--no-leniency: unknown option 'bogus'", r.stderr)


if __name__ == "__main__":
    unittest.main()
