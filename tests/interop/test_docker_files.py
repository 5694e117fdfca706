"""docker/ and deploy/ checked without a container engine: the compose file parses and wires
trapsink to the Kafka broker with its volumes and configuration; every path the Dockerfile copies
exists (or is a product of the build targets it names); the scripts its RUN steps call exist and
are executable; its runtime packages exist in Debian's apt cache and cover what `ldd trapsink`
needs; the configuration files shipped there are valid for `trapsink check-config`; the systemd
unit passes `systemd-analyze verify`. Fast and deterministic: no network, no build."""
import glob
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

from harness import TRAPSINK_BIN

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCKERFILE = os.path.join(ROOT, "docker", "Dockerfile")
COMPOSE = os.path.join(ROOT, "docker", "compose.yaml")

try:
    import yaml
except ImportError:  # python3-yaml not installed
    yaml = None


def dockerfile_instructions():
    """(stage, instruction, arguments) with continuation lines joined and comments dropped."""
    out, stage, buf = [], None, ""
    with open(DOCKERFILE) as f:
        for line in f:
            if line.lstrip().startswith("#") and not buf:
                continue
            if line.lstrip().startswith("#"):
                continue
            buf += line.rstrip("\n")
            if buf.endswith("\\"):
                buf = buf[:-1] + " "
                continue
            text, buf = buf.strip(), ""
            if not text:
                continue
            instr, _, args = text.partition(" ")
            instr = instr.upper()
            if instr == "FROM":
                m = re.search(r"\bAS\s+(\S+)", args, re.I)
                stage = m.group(1) if m else "runtime"
            out.append((stage, instr, args.strip()))
    return out


def cmake_targets():
    names = set()
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if not d.startswith(("build", ".git"))]
        if "CMakeLists.txt" in filenames:
            with open(os.path.join(dirpath, "CMakeLists.txt")) as f:
                for m in re.finditer(r"add_(?:executable|library|custom_target)\(\s*([\w-]+)",
                                     f.read()):
                    names.add(m.group(1))
    return names


def runtime_packages():
    for stage, instr, args in dockerfile_instructions():
        if stage == "runtime" and instr == "RUN" and "apt-get install" in args:
            words = shlex.split(args.split("apt-get install", 1)[1].split("&&", 1)[0])
            return [w for w in words if not w.startswith("-")]
    return []


_apt_cache = {}


def apt_show(pkgs):
    """One `apt-cache show` for all packages: {package: its direct Depends/Pre-Depends}, stderr."""
    key = tuple(pkgs)
    if key not in _apt_cache:
        r = subprocess.run(["apt-cache", "show", "--no-all-versions", *pkgs],
                           capture_output=True, text=True, timeout=60)
        found, current = {}, None
        for line in r.stdout.splitlines():
            if line.startswith("Package:"):
                current = line.split(":", 1)[1].strip()
                found.setdefault(current, set())
            elif line.startswith(("Depends:", "Pre-Depends:")) and current:
                for alt in line.split(":", 1)[1].split(","):
                    found[current].add(alt.split("|")[0].split("(")[0].split(":")[0].strip())
        _apt_cache[key] = (found, r.stderr)
    return _apt_cache[key]


class DockerFiles(unittest.TestCase):
    def test_copy_sources_exist(self):
        copies = [(s, a) for s, i, a in dockerfile_instructions() if i == "COPY"]
        self.assertTrue(copies)
        targets = cmake_targets()
        for stage, args in copies:
            words = args.split()
            if words[0].startswith("--from="):
                # /src is the repository in the build stage: a source path or a build product.
                src = words[1]
                self.assertTrue(src.startswith("/src/"), args)
                rel = src[len("/src/"):]
                if rel == "build/release/cli/trapsink":
                    self.assertIn("trapsink", targets)
                elif rel == "build/release/mibs/mibs.idx":
                    with open(os.path.join(ROOT, "mibs", "CMakeLists.txt")) as f:
                        text = f.read()
                    self.assertIn("TRAPSINK_BUILD_MIB_INDEX ${CMAKE_CURRENT_BINARY_DIR}/mibs.idx",
                                  text)
                else:
                    self.assertTrue(os.path.exists(os.path.join(ROOT, rel)), args)
            else:
                for src in words[:-1]:
                    self.assertTrue(os.path.exists(os.path.join(ROOT, src)), args)

    def test_run_steps_call_existing_scripts_and_targets(self):
        runs = [a for s, i, a in dockerfile_instructions() if i == "RUN" and s == "build"]
        self.assertTrue(runs)
        scripts = set()
        for args in runs:
            for m in re.finditer(r"\b(deploy/[\w.-]+\.sh)\b", args):
                scripts.add(m.group(1))
            m = re.search(r"deploy/build\.sh\s+(\w+)((?:\s+[\w-]+)*)", args)
            self.assertIsNotNone(m, "the build stage runs deploy/build.sh")
            self.assertEqual(m.group(1), "release")
            targets = cmake_targets()
            for t in m.group(2).split():
                self.assertIn(t, targets, f"build target {t} is not defined in a CMakeLists.txt")
        self.assertIn("deploy/setup-deps.sh", scripts)
        for s in scripts:
            path = os.path.join(ROOT, s)
            self.assertTrue(os.path.isfile(path), s)
            self.assertTrue(os.access(path, os.X_OK), f"{s} is not executable")
            r = subprocess.run(["bash", "-n", path], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
        # The test packages are not installed in the build stage, so the suite is configured off
        # (tests/CMakeLists.txt requires GTest), through build.sh's TRAPSINK_CMAKE_FLAGS.
        joined = " ".join(runs)
        self.assertIn("-DTRAPSINK_TESTS=OFF", joined)
        with open(os.path.join(ROOT, "deploy", "build.sh")) as f:
            self.assertIn("TRAPSINK_CMAKE_FLAGS", f.read())

    def test_bundled_index_installed_where_the_binary_looks(self):
        dests = [a.split()[-1] for s, i, a in dockerfile_instructions()
                 if i == "COPY" and "mibs.idx" in a]
        # mibs/CMakeLists.txt: ${CMAKE_INSTALL_FULL_DATADIR}/trapsink/mibs.idx, prefix /usr/local.
        self.assertEqual(dests, ["/usr/local/share/trapsink/mibs.idx"])

    def test_runs_as_non_root(self):
        users = [a for s, i, a in dockerfile_instructions() if i == "USER" and s == "runtime"]
        self.assertEqual(users, ["trapsink"])

    def test_runtime_packages_in_apt_cache(self):
        pkgs = runtime_packages()
        self.assertTrue(pkgs)
        if shutil.which("apt-cache") is None:
            self.skipTest("apt-cache not available")
        found, stderr = apt_show(pkgs)
        missing = [p for p in pkgs if p not in found]
        if missing and not glob.glob("/var/lib/apt/lists/*_Packages*"):
            self.skipTest(f"no apt lists (apt-get update never ran here): cannot look up {missing}")
        self.assertEqual(missing, [], f"not in the apt cache: {stderr.strip()}")

    def test_runtime_packages_cover_ldd(self):
        if not (shutil.which("ldd") and shutil.which("dpkg-query") and shutil.which("apt-cache")):
            self.skipTest("ldd, dpkg-query or apt-cache not available")
        pkgs = runtime_packages()
        provided = set(pkgs) | {"libc6", "libstdc++6", "libgcc-s1"}  # in debian:bookworm-slim
        found, _ = apt_show(pkgs)
        for deps in found.values():  # direct dependencies (librdkafka1 -> liblz4-1, libzstd1, ...)
            provided |= deps
        r = subprocess.run(["ldd", TRAPSINK_BIN], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        for line in r.stdout.splitlines():
            m = re.match(r"\s*(\S+) => (/\S+)", line)
            if not m:
                continue
            # The sanitizer build links its runtimes; the image ships the release build.
            if re.match(r"lib(asan|ubsan|lsan|tsan)\.so", m.group(1)):
                continue
            real = os.path.realpath(m.group(2))
            owner = subprocess.run(["dpkg-query", "-S", real], capture_output=True, text=True)
            if owner.returncode != 0:  # usrmerge: dpkg knows the /lib path
                owner = subprocess.run(["dpkg-query", "-S", real.replace("/usr/lib/", "/lib/", 1)],
                                       capture_output=True, text=True)
            self.assertEqual(owner.returncode, 0, f"{m.group(1)}: no package owns {real}")
            pkg = owner.stdout.split(":", 1)[0].strip()
            self.assertIn(pkg, provided, f"{m.group(1)} comes from {pkg}, not in the runtime stage")

    def test_compose_wires_trapsink_to_kafka(self):
        if yaml is None:
            self.skipTest("python3-yaml not installed: docker/compose.yaml not parsed")
        with open(COMPOSE) as f:
            doc = yaml.safe_load(f)
        services = doc["services"]
        self.assertTrue(services["kafka"]["image"].startswith("apache/kafka:"))
        env = services["kafka"]["environment"]
        self.assertEqual(env["KAFKA_PROCESS_ROLES"], "broker,controller")
        self.assertIn("kafka:9092", env["KAFKA_ADVERTISED_LISTENERS"])
        self.assertEqual(env["KAFKA_CONTROLLER_QUORUM_VOTERS"], "1@kafka:9093")
        t = services["trapsink"]
        build = t["build"]
        context = os.path.normpath(os.path.join(ROOT, "docker", build["context"]))
        self.assertEqual(context, ROOT)
        self.assertTrue(os.path.isfile(os.path.join(context, build["dockerfile"])))
        self.assertEqual(t["depends_on"]["kafka"]["condition"], "service_healthy")
        mounts = {v.split(":")[1]: v.split(":")[0] for v in t["volumes"]}
        self.assertIn("/var/lib/trapsink/state", mounts)
        self.assertIn("/var/lib/trapsink/store", mounts)
        for name in ("kafka-data", "trapsink-state", "trapsink-store"):
            self.assertIn(name, doc["volumes"])
        config = os.path.join(ROOT, "docker", mounts["/etc/trapsink/trapsink.yaml"])
        self.assertTrue(os.path.isfile(config))
        with open(config) as f:
            cfg = yaml.safe_load(f)
        self.assertEqual(cfg["kafka"]["brokers"], "kafka:9092")
        self.assertTrue(cfg["sqlite"]["path"].startswith("/var/lib/trapsink/store/"))
        self.assertEqual(cfg["state_dir"], "/var/lib/trapsink/state")
        self.assertIn("/etc/trapsink/trapsink.yaml", t["command"])

    def check_config(self, path):
        """check-config: 2 is an invalid configuration; 1 only says an output path of the
        container or server (/var/lib/trapsink/...) cannot be opened here."""
        r = subprocess.run([TRAPSINK_BIN, "check-config", "--config", path],
                           capture_output=True, text=True, timeout=30)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r

    def test_shipped_configurations_are_valid(self):
        self.check_config(os.path.join(ROOT, "docker", "trapsink.yaml"))
        self.check_config(os.path.join(ROOT, "deploy", "trapsink.example.yaml"))

    def test_systemd_unit_verifies(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze not available")
        d = tempfile.mkdtemp(prefix="trapsink-unit-")
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        with open(os.path.join(ROOT, "deploy", "trapsink.service")) as f:
            text = f.read().replace("/usr/local/bin/trapsink", TRAPSINK_BIN)
        unit = os.path.join(d, "trapsink.service")
        with open(unit, "w") as f:
            f.write(text)
        r = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("trapsink.service", r.stderr, r.stderr)


if __name__ == "__main__":
    unittest.main()
