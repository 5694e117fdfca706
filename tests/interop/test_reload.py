"""Configuration reload under load (SIGHUP and `trapsink reload`; docs/operations.md).

A trapsink serve (two receive shards, a configuration file, JSON lines to a file, community
"public", one v3 user) receives a steady stream of v2c linkDown traps from `trapsink blast`
(a fixed moderate rate, a bounded count) while the test rewrites the configuration and reloads
it several times:
  (a) a new v3 user: its authPriv trap was refused before (usmStatsUnknownUserNames) and is
      recorded after;
  (b) a new JSON-lines sink "links" and a route linkUp -> links: linkUp traps land in the new
      file after the reload, not in the main one;
  (c) a new community: refused before, recorded after;
  (d) broken configurations (a YAML syntax error, a route naming an unknown sink) are refused
      with the reason (log, `trapsink reload` exit 1) and the settings in force stay;
  (e) the sink "links" removed again: what it had accepted is in its file.
At the end every datagram blast sent is a record (exact count, distinct consecutive
request-ids), the kernel dropped nothing, the listener was never restarted (one "listening on"
line, the same socket inodes in /proc/PID/fd) and the reload counters match.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import v3_senders as V
from harness import TRAPSINK_BIN, InteropCase, Trapsink, read_text, run_tool, wait_for
from http_util import request, start_http_trapsink

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
OLD = V.User("olduser", "SHA", "old-auth-pass", "AES", "old-priv-pass")
NEW = V.User("newbie", "SHA-256", "newbie-auth-pass", "AES", "newbie-priv-pass")
BLAST_COUNT = 16000
BLAST_RATE = 1000  # 16 s: moderate, so that a loaded CI machine drops nothing


def socket_inodes(pid):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            out.add(target)
    return out


def read_lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f.read().split("\n")[:-1] if l.strip()]
    except FileNotFoundError:
        return []


class Reload(InteropCase):
    def setUp(self):
        self.ts = None

    def tearDown(self):
        if self.ts:
            self.ts.close()

    def write_config(self, text):
        # Written whole then renamed, as an editor or a deployment tool would.
        tmp = self.ts.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text if isinstance(text, str) else json.dumps(text, indent=2) + "\n")
        os.rename(tmp, self.ts.config_path)

    def reload_cmd(self, *args):
        return subprocess.run([TRAPSINK_BIN, "reload", "--pid-file", self.pid_file,
                               "--timeout", "60", *args],
                              capture_output=True, text=True, timeout=90)

    def v2c(self, community, trap_oid, value):
        r = run_tool(["snmptrap", "-v2c", "-c", community, f"127.0.0.1:{self.ts.port}", "",
                      trap_oid, "1.3.6.1.4.1.99.7.1", "i", str(value)])
        self.assertEqual(r.returncode, 0, r.stderr)

    def v3(self, user, value):
        r = V.run(V.netsnmp_cmd(self.ts.port, user, engine_id=V.new_engine_id(0x41),
                                uptime=value, varbinds=[("1.3.6.1.4.1.99.7.1", "i", str(value))]))
        self.assertEqual(r.returncode, 0, r.stderr)

    def marked(self, path, value):
        """Records in the file carrying the marker varbind value."""
        try:
            with open(path) as f:
                lines = f.read().split("\n")[:-1]
        except FileNotFoundError:
            return []
        recs = [json.loads(l) for l in lines if "1.3.6.1.4.1.99.7.1" in l]  # cheap filter
        return [r for r in recs
                if any(vb["oid"] == "1.3.6.1.4.1.99.7.1" and vb["value"] == value
                       for vb in r["varbinds"])]

    def wait_marked(self, path, value, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.marked(path, value)
            if found:
                return found
            time.sleep(0.05)
        self.fail(f"no record with marker {value} in {path}:\n{self.ts.log()[-4000:]}")

    def assertAbsent(self, path, value, wait=0.5):
        time.sleep(wait)  # time for a wrongly accepted trap to show up
        self.assertEqual(self.marked(path, value), [], path)

    def test_reload_under_load(self):
        base = {"communities": ["public"], "users": [OLD.config()],
                "engine_id": V.TRAPSINK_ENGINE}
        piddir = tempfile.mkdtemp(prefix="trapsink-reload-")
        self.addCleanup(shutil.rmtree, piddir, True)
        self.pid_file = os.path.join(piddir, "trapsink.pid")
        self.ts = Trapsink("--receive-shards", "2", "--pid-file", self.pid_file, config=base)
        main = self.ts.jsonl
        links = os.path.join(self.ts.dir, "links.jsonl")
        # serve writes the pid file once its reload handling is set up, just after it logs the
        # listeners the harness waits for: wait for it (a slow sanitizer build lags).
        pid = wait_for(lambda: read_text(self.pid_file).strip(), 30, "the pid file")
        self.assertEqual(int(pid), self.ts.proc.pid)
        sockets_before = socket_inodes(self.ts.proc.pid)
        self.assertGreaterEqual(len(sockets_before), 2)  # two shards

        # Before: the new user and the new community are refused.
        self.v3(NEW, 1001)
        self.v2c("fresh", LINK_DOWN, 1002)
        self.v3(OLD, 1003)
        self.wait_marked(main, 1003)
        self.assertAbsent(main, 1001, wait=0)
        self.assertAbsent(main, 1002, wait=0)

        blaster = subprocess.Popen(
            [TRAPSINK_BIN, "blast", "--target", f"udp:127.0.0.1:{self.ts.port}", "--json",
             "--kind", "v2c-trap", "--count", str(BLAST_COUNT), "--rate", str(BLAST_RATE),
             "--sources", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1)
            # (a) + (c): a new user and a new community, through `trapsink reload`.
            cfg = dict(base, communities=["public", "fresh"],
                       users=[OLD.config(), NEW.config()])
            self.write_config(cfg)
            r = self.reload_cmd()
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.ts.log()[-3000:])
            self.assertRegex(r.stdout, r"reload applied \(#1\): .*2 users; 2 communities")
            self.v3(NEW, 2001)
            self.v2c("fresh", LINK_DOWN, 2002)
            self.wait_marked(main, 2001)
            self.wait_marked(main, 2002)

            # (b): a new sink and a route to it, through a plain SIGHUP.
            cfg = dict(cfg, sinks=[{"name": "links", "type": "jsonl", "path": links}],
                       routes=[{"name": "ups", "match": {"trap": [LINK_UP]},
                                "sinks": ["links"]}],
                       default_sinks=["jsonl"])
            self.write_config(cfg)
            os.kill(self.ts.proc.pid, signal.SIGHUP)
            self.wait_status(2, "ok")
            self.v2c("public", LINK_UP, 3001)
            self.wait_marked(links, 3001)
            self.assertAbsent(main, 3001)

            # (d) a syntax error: refused with FILE:LINE:COL, the running settings stay.
            good = cfg
            self.write_config("communities: [public, fresh\nroutes: {\n")
            r = self.reload_cmd()
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("reload refused (#3)", r.stderr)
            self.assertIn("config.yaml:", r.stderr)
            self.assertRegex(self.ts.log(), r"reload refused: .*config\.yaml:\d+:\d+")
            # ... and a route naming an unknown sink.
            self.write_config(dict(good, routes=[{"name": "ups", "match": {"trap": [LINK_UP]},
                                                  "sinks": ["nowhere"]}]))
            r = self.reload_cmd()
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("nowhere", r.stderr)
            self.v2c("public", LINK_UP, 4001)
            self.v3(NEW, 4002)
            self.v2c("fresh", LINK_DOWN, 4003)
            self.wait_marked(links, 4001)
            self.wait_marked(main, 4002)
            self.wait_marked(main, 4003)
            self.assertAbsent(main, 4001)

            # (e) the sink removed: linkUp goes to the main file again; "links" keeps what it
            # had accepted.
            self.write_config(dict(base, communities=["public", "fresh"],
                                   users=[OLD.config(), NEW.config()]))
            r = self.reload_cmd()
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("1 removed", r.stdout)
            self.v2c("public", LINK_UP, 5001)
            self.wait_marked(main, 5001)
            self.assertEqual(sorted(r["varbinds"][-1]["value"] for r in read_lines(links)),
                             [3001, 4001])
            out, err = blaster.communicate(timeout=120)
        finally:
            if blaster.poll() is None:
                blaster.kill()
                blaster.wait()
        self.assertEqual(blaster.returncode, 0, err)
        report = json.loads(out)
        self.assertEqual(report["sent"], BLAST_COUNT)

        # Every blast datagram is a record in the main file (they are all v2c linkDown traps
        # from community public, without the marker varbind).
        deadline = time.monotonic() + 60
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            with open(main, "rb") as f:
                n = f.read().count(b"\n")
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since > 3:
                break
            time.sleep(0.2)
        self.assertEqual(socket_inodes(self.ts.proc.pid), sockets_before)
        self.assertEqual(len(re.findall(r"listening on ", self.ts.log())), 1)
        c = self.ts.counters()
        recs = [r for r in read_lines(main)
                if r["trap_oid"] == LINK_DOWN and r.get("community") == "public"]
        self.assertFalse(os.path.exists(self.pid_file), "the pid file stays after exit")
        ids = sorted(r["request_id"] for r in recs)
        listener = f'listener="udp:127.0.0.1:{self.ts.port}"'
        drops = c.get(f"trapsink_listener_kernel_drops_total{{{listener}}}", 0)
        # Every datagram is accounted for, and none was lost (kernel drops would say where).
        self.assertEqual(len(ids) + drops, BLAST_COUNT, c)
        self.assertEqual(drops, 0, c)
        self.assertEqual(len(ids), BLAST_COUNT, c)
        self.assertEqual(ids, list(range(ids[0], ids[0] + BLAST_COUNT)))
        self.assertEqual(c['trapsink_config_reloads_total{result="ok"}'], 3)
        self.assertEqual(c['trapsink_config_reloads_total{result="refused"}'], 2)
        self.assertEqual(c["usm_stats_unknown_user_names_total"], 1)
        self.assertEqual(c.get('trapsink_sink_discarded_total{sink="links",reason="shutdown"}',
                               0), 0)

    def wait_status(self, seq, result, timeout=60):
        path = self.pid_file + ".reload"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(path) as f:
                    parts = f.read().split(" ", 2)
                if int(parts[0]) >= seq:
                    self.assertEqual(parts[1], result, parts)
                    return
            except (FileNotFoundError, ValueError, IndexError):
                pass
            time.sleep(0.05)
        self.fail(f"no reload outcome #{seq}:\n{self.ts.log()[-3000:]}")


class ReloadCommand(InteropCase):
    def test_not_running_and_bad_arguments(self):
        d = tempfile.mkdtemp(prefix="trapsink-reload-cmd-")
        self.addCleanup(shutil.rmtree, d, True)
        missing = os.path.join(d, "none.pid")
        r = subprocess.run([TRAPSINK_BIN, "reload", "--pid-file", missing],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cannot read the pid file", r.stderr)
        # A stale pid file: a process that has exited.
        p = subprocess.Popen(["true"])
        p.wait()
        with open(missing, "w") as f:
            f.write(f"{p.pid}\n")
        r = subprocess.run([TRAPSINK_BIN, "reload", "--pid-file", missing],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("not running", r.stderr)
        r = subprocess.run([TRAPSINK_BIN, "reload"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        cfg = os.path.join(d, "c.yaml")
        with open(cfg, "w") as f:
            f.write("communities: [public]\n")
        r = subprocess.run([TRAPSINK_BIN, "reload", "--config", cfg],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no pid_file", r.stderr)

    def test_pid_file_from_config_and_sink_that_cannot_start(self):
        d = tempfile.mkdtemp(prefix="trapsink-reload-cmd-")
        self.addCleanup(shutil.rmtree, d, True)
        pid_file = os.path.join(d, "serve.pid")
        ts = Trapsink(config={"pid_file": pid_file})
        self.addCleanup(ts.close)
        # A new sink whose file cannot be created refuses the whole reload.
        with open(ts.config_path, "w") as f:
            json.dump({"pid_file": pid_file, "communities": ["public", "other"],
                       "sinks": [{"name": "bad", "type": "jsonl",
                                  "path": "/nonexistent-dir/x.jsonl"}]}, f)
        r = subprocess.run([TRAPSINK_BIN, "reload", "--config", ts.config_path, "--timeout",
                            "60"], capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr + ts.log())
        self.assertIn("sink bad", r.stderr)
        r = run_tool(["snmptrap", "-v2c", "-c", "other", f"127.0.0.1:{ts.port}", "",
                      LINK_DOWN])
        self.assertEqual(r.returncode, 0)
        r = run_tool(["snmptrap", "-v2c", "-c", "public", f"127.0.0.1:{ts.port}", "",
                      LINK_UP])
        recs = ts.wait_records(1)
        time.sleep(0.3)
        recs = ts.records()
        self.assertEqual([r["trap_oid"] for r in recs], [LINK_UP])  # "other" still refused
        with open(ts.config_path, "w") as f:
            json.dump({"pid_file": pid_file, "communities": ["public", "other"]}, f)
        r = subprocess.run([TRAPSINK_BIN, "reload", "--config", ts.config_path, "--timeout",
                            "60"], capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("reload applied (#2)", r.stdout)
        run_tool(["snmptrap", "-v2c", "-c", "other", f"127.0.0.1:{ts.port}", "", LINK_DOWN])
        recs = ts.wait_records(2)
        self.assertEqual(recs[1]["trap_oid"], LINK_DOWN)
        self.assertEqual(recs[1]["community"], "other")

    def test_changed_kafka_sink_keeping_its_spool_is_refused(self):
        d = tempfile.mkdtemp(prefix="trapsink-reload-kafka-")
        self.addCleanup(shutil.rmtree, d, True)
        pid_file = os.path.join(d, "serve.pid")
        spool = os.path.join(d, "spool")
        # No broker listens on port 1: the sink spools; what matters here is its spool directory.
        sink = {"name": "k", "type": "kafka", "brokers": "127.0.0.1:1", "spool_dir": spool}
        ts = Trapsink(config={"pid_file": pid_file, "sinks": [sink]})
        self.addCleanup(ts.close)
        with open(ts.config_path, "w") as f:
            json.dump({"pid_file": pid_file, "sinks": [dict(sink, topic="other")]}, f)
        r = subprocess.run([TRAPSINK_BIN, "reload", "--pid-file", pid_file, "--timeout", "60"],
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr + ts.log())
        self.assertIn(f"spool directory '{spool}' stays in use by the running sink k", r.stderr)


class ReloadHttp(InteropCase):
    def test_queue_gauges_and_readiness_follow_the_sinks(self):
        ts = start_http_trapsink(config={"communities": ["public"]}, sqlite=False)
        self.addCleanup(ts.close)
        links = os.path.join(ts.dir, "links.jsonl")

        def metrics():
            status, _, body = request(ts, "/metrics")
            self.assertEqual(status, 200)
            return body.decode()

        text = metrics()
        self.assertIn('trapsink_sink_queue_depth{sink="jsonl"}', text)
        self.assertNotIn('sink="links"', text)
        self.assertIn("trapsink_config_last_reload_success_timestamp_seconds ", text)
        with open(ts.config_path, "w") as f:
            json.dump({"communities": ["public"],
                       "sinks": [{"name": "links", "type": "jsonl", "path": links}]}, f)
        ts.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while 'trapsink_config_reloads_total{result="ok"} 1' not in metrics():
            self.assertLess(time.monotonic(), deadline, ts.log())
            time.sleep(0.05)
        text = metrics()
        self.assertIn('trapsink_sink_queue_depth{sink="links"}', text)
        self.assertEqual(request(ts, "/readyz")[0], 200)
        with open(ts.config_path, "w") as f:
            json.dump({"communities": ["public"]}, f)
        ts.proc.send_signal(signal.SIGHUP)
        while 'trapsink_config_reloads_total{result="ok"} 2' not in metrics():
            self.assertLess(time.monotonic(), deadline, ts.log())
            time.sleep(0.05)
        text = metrics()
        self.assertNotIn('trapsink_sink_queue_depth{sink="links"}', text)
        self.assertIn('trapsink_sink_queue_depth{sink="jsonl"}', text)


if __name__ == "__main__":
    unittest.main()
