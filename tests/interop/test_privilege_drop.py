"""Privilege drop (docs/operations.md, "Running as an unprivileged user"): `serve --user nobody`
started as root binds a privileged loopback port and the HTTP port, opens its outputs, then runs
as nobody: /proc/PID/status and every task's status show nobody's uid and gid; traps from
Net-SNMP's snmptrap are received and written; after a rename + SIGHUP the JSON-lines file is
created anew (as nobody) and written; an output nobody cannot write refuses the start with exit 1
naming the path. Needs root (CI runs as root); skipped otherwise."""
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request
import uuid

from harness import LISTEN_RE, TRAPSINK_BIN, InteropCase, read_text as read, run_tool, wait_for

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"


def free_privileged_udp_port():
    """162 if it is free on 127.0.0.1, else another free UDP port below 1024."""
    for port in [162] + list(range(1000, 600, -1)):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise unittest.SkipTest("no free UDP port below 1024 on 127.0.0.1")


def ids(status_path):
    """(uids, gids) of a /proc status file: real, effective, saved, filesystem."""
    uids = gids = None
    with open(status_path) as f:
        for line in f:
            if line.startswith("Uid:"):
                uids = [int(x) for x in line.split()[1:]]
            elif line.startswith("Gid:"):
                gids = [int(x) for x in line.split()[1:]]
    return uids, gids


@unittest.skipUnless(os.geteuid() == 0, "the privilege drop needs root (CI runs as root)")
class PrivilegeDrop(InteropCase):
    def setUp(self):
        self.user = pwd.getpwnam("nobody")
        self.dir = tempfile.mkdtemp(prefix="trapsink-drop-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.out = os.path.join(self.dir, "out")
        os.mkdir(self.out)
        os.chown(self.out, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.dir, 0o755)  # nobody must reach out/
        self.jsonl = os.path.join(self.out, "records.jsonl")
        self.db = os.path.join(self.out, "events.db")
        self.err = os.path.join(self.dir, "stderr.log")

    def start(self, port, *extra):
        self.stderr = open(self.err, "w")
        self.addCleanup(self.stderr.close)
        p = subprocess.Popen([TRAPSINK_BIN, "serve", "--listen", f"udp:127.0.0.1:{port}",
                              "--jsonl", self.jsonl, "--sqlite", self.db, "--http",
                              "127.0.0.1:0", "--mib-index", "none", "--user", "nobody", *extra],
                             stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.addCleanup(self.stop, p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def trap(self, port, marker):
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{port}", "",
                      LINK_DOWN, SYS_LOCATION, "s", marker])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_runs_as_nobody_on_a_privileged_port(self):
        port = free_privileged_udp_port()
        p = self.start(port)
        wait_for(lambda: "running as user 'nobody'" in read(self.err) or p.poll() is not None,
                 20, "the privilege drop")
        self.assertIsNone(p.poll(), read(self.err))
        log = read(self.err)
        self.assertIn(f"listening on udp:127.0.0.1:{port} ", log)
        # The process and every one of its threads (receive shards, sink runners, HTTP).
        uid, gid = self.user.pw_uid, self.user.pw_gid
        self.assertEqual(ids(f"/proc/{p.pid}/status"), ([uid] * 4, [gid] * 4))
        tasks = os.listdir(f"/proc/{p.pid}/task")
        self.assertGreater(len(tasks), 3)  # main, shard(s), runners, HTTP
        for t in tasks:
            self.assertEqual(ids(f"/proc/{p.pid}/task/{t}/status"), ([uid] * 4, [gid] * 4), t)
        with open(f"/proc/{p.pid}/status") as f:
            groups = [l for l in f if l.startswith("Groups:")][0].split()[1:]
        self.assertNotIn("0", groups)

        # What trapsink created at this start was handed to nobody.
        for path in (self.jsonl, self.db):
            self.assertEqual(os.stat(path).st_uid, uid, path)

        marker1 = "drop-" + uuid.uuid4().hex
        self.trap(port, marker1)
        wait_for(lambda: marker1 in read(self.jsonl), 20, "the first record")
        # The store is written as nobody too: the HTTP API reads it back.
        http_port = int(re.search(r"HTTP API on http://127\.0\.0\.1:(\d+)/",
                                 log).group(1))

        def stored():
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{http_port}/api/events?text={marker1}", timeout=10) as r:
                return json.loads(r.read())["count"] == 1
        wait_for(stored, 20, "the record in the SQLite store")

        # logrotate: move the file, SIGHUP; the new file is created by nobody.
        os.rename(self.jsonl, self.jsonl + ".1")
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: f"SIGHUP: reopening {self.jsonl}" in read(self.err), 20, "the reopen")
        marker2 = "drop-" + uuid.uuid4().hex
        self.trap(port, marker2)
        wait_for(lambda: marker2 in read(self.jsonl), 20, "the record in the reopened file")
        self.assertEqual(os.stat(self.jsonl).st_uid, uid)
        self.assertIn(marker1, read(self.jsonl + ".1"))
        self.assertNotIn(marker2, read(self.jsonl + ".1"))
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=30), 0, read(self.err))

    def test_an_output_nobody_cannot_write_refuses_the_start(self):
        root_dir = os.path.join(self.dir, "root-only")
        os.mkdir(root_dir, 0o755)
        self.db = os.path.join(root_dir, "events.db")
        p = self.start(0)
        self.assertEqual(p.wait(timeout=30), 1, read(self.err))
        err = read(self.err)
        self.assertIn("cannot run as user 'nobody'", err)
        self.assertIn(f"sqlite.path: directory '{root_dir}' is not writable by user 'nobody'",
                      err)
        self.assertIn("(owner root:root, mode 0755)", err)
        self.assertFalse(LISTEN_RE.search(err) and "running as user" in err)


if __name__ == "__main__":
    unittest.main()
