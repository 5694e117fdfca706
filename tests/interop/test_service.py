"""Service behaviour of `trapsink serve`: structured logs (log_format json on stderr and in a
log_file reopened after a rename + SIGHUP, the global --log-format flag winning over the file),
the documented exit codes of serve's startup failures (docs/cli.md, "Exit codes"), and --version.
Traps come from Net-SNMP's snmptrap."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import LISTEN_RE, TRAPSINK_BIN, InteropCase, Trapsink, read_text as read, run_tool, wait_for

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def send_trap(port, marker):
    r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{port}", "", LINK_DOWN,
                  SYS_LOCATION, "s", marker])
    assert r.returncode == 0, r.stderr


def json_lines(text):
    """Every line of text parsed as one JSON log object (raises on any other line)."""
    out = []
    for line in text.splitlines():
        obj = json.loads(line)
        assert set(obj) == {"ts", "level", "logger", "msg"}, obj
        assert TS_RE.match(obj["ts"]), obj["ts"]
        assert obj["level"] in ("trace", "debug", "info", "warn", "error", "critical"), obj
        assert obj["logger"] == "trapsink", obj
        out.append(obj)
    return out


class JsonLogs(InteropCase):
    def test_json_logs_on_stderr_parse_line_by_line(self):
        d = tempfile.mkdtemp(prefix="trapsink-logs-")
        self.addCleanup(shutil.rmtree, d, True)
        # A path with a quote, a backslash and non-ASCII: logged at startup, escaped in JSON.
        odd = os.path.join(d, 'we"ird\\näme.jsonl')
        ts = Trapsink(config={"log_format": "json",
                              "sinks": [{"name": "odd", "type": "jsonl", "path": odd}]})
        try:
            marker = "json-log-" + uuid.uuid4().hex
            send_trap(ts.port, marker)
            ts.wait_records(1)
            self.assertEqual(ts.stop(), 0)
            logs = json_lines(ts.log())
            msgs = [o["msg"] for o in logs]
            self.assertTrue(any(m.startswith(f"listening on udp:127.0.0.1:{ts.port} ")
                                for m in msgs), msgs)
            self.assertIn(f"sink odd: writing JSON lines to '{odd}' (no rotation; fsync never)",
                          msgs)
            self.assertIn("received SIGTERM, stopping", msgs)
            self.assertTrue(msgs[-1].startswith("stopped; counters: "), msgs[-1])
            self.assertIn('trapsink_sink_sent_total{sink="odd"}=1', msgs[-1])
        finally:
            ts.close()

    def test_global_flag_wins_over_the_configuration(self):
        d = tempfile.mkdtemp(prefix="trapsink-logs-")
        self.addCleanup(shutil.rmtree, d, True)
        cfg = os.path.join(d, "c.yaml")
        jsonl = os.path.join(d, "r.jsonl")
        with open(cfg, "w") as f:
            f.write(f"log_format: text\nlog_level: warn\njsonl: {jsonl}\n")
        p = subprocess.Popen([TRAPSINK_BIN, "--log-format", "json", "--log-level", "info",
                              "serve", "--config", cfg, "--listen", "udp:127.0.0.1:0",
                              "--mib-index", "none"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            # The flag's level (info) wins over the file's (warn): the listener line is logged.
            line = p.stderr.readline()
            while "listening on" not in line:
                self.assertNotEqual(line, "", "trapsink exited before listening")
                json_lines(line)
                line = p.stderr.readline()
            msg = json_lines(line)[0]["msg"]
            port = int(LISTEN_RE.search(msg).group(3))
            # A recorded trap: the receive threads (started after the signal handlers) run.
            marker = "flag-" + uuid.uuid4().hex
            send_trap(port, marker)
            wait_for(lambda: marker in read(jsonl), 15, "the record")
        finally:
            p.send_signal(signal.SIGTERM)
            _, rest = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, rest)
        self.assertTrue(json_lines(rest)[-1]["msg"].startswith("stopped; counters: "))

    def test_log_file_is_reopened_after_rename_and_sighup(self):
        d = tempfile.mkdtemp(prefix="trapsink-logs-")
        self.addCleanup(shutil.rmtree, d, True)
        log = os.path.join(d, "trapsink.log")
        jsonl = os.path.join(d, "records.jsonl")
        p = subprocess.Popen([TRAPSINK_BIN, "--log-format", "json", "--log-file", log, "serve",
                              "--listen", "udp:127.0.0.1:0", "--jsonl", jsonl,
                              "--mib-index", "none"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            m = wait_for(lambda: LISTEN_RE.search(read(log)), 15, "the listener in the log file")
            port = int(m.group(3))
            self.assertEqual(os.stat(log).st_mode & 0o777, 0o640)
            os.rename(log, log + ".1")
            p.send_signal(signal.SIGHUP)
            wait_for(lambda: "SIGHUP: reopened the log file" in read(log), 15,
                     "the reopened log file")
            marker = "log-file-" + uuid.uuid4().hex
            send_trap(port, marker)
            wait_for(lambda: marker in read(jsonl), 15, "the record")
        finally:
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(err, "")  # nothing went to stderr
        old = [o["msg"] for o in json_lines(read(log + ".1"))]
        new = [o["msg"] for o in json_lines(read(log))]
        self.assertTrue(any(m.startswith("listening on") for m in old), old)
        self.assertFalse(any(m.startswith("stopped;") for m in old), old)
        self.assertEqual(new[0], f"SIGHUP: reopened the log file {log}")
        self.assertTrue(new[-1].startswith("stopped; counters: "), new)
        self.assertIn("snmp_in_pkts_total=1", new[-1])


def run(*args, timeout=60):
    return subprocess.run([TRAPSINK_BIN, *args], capture_output=True, text=True, timeout=timeout)


class ServeExitCodes(InteropCase):
    """docs/cli.md, "Exit codes": 2 for a configuration serve cannot run with, 1 for a startup
    failure of the system (bind, open), 0 after a clean stop."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-exit-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def config(self, text):
        path = os.path.join(self.dir, "c.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_bad_configuration_exits_2(self):
        cfg = self.config("listen: [udp:127.0.0.1:0]\nno_such_key: 1\n")
        r = run("serve", "--config", cfg)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{cfg}:2:", r.stderr)
        self.assertIn("no_such_key", r.stderr)

    def test_bad_flag_value_exits_2(self):
        r = run("serve", "--listen", "udp:127.0.0.1:notaport")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = run("serve", "--queue-capacity", "0")
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_unknown_user_or_bad_log_format_exits_2(self):
        user = "no-such-user-" + uuid.uuid4().hex[:8]
        r = run("serve", "--listen", "udp:127.0.0.1:0", "--user", user)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"user '{user}': no such user", r.stderr)
        r = run("serve", "--listen", "udp:127.0.0.1:0", "--group", "root")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("group: 'root' needs user: (or --user) too", r.stderr)
        cfg = self.config("log_format: xml\n")
        r = run("serve", "--config", cfg)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("log_format: 'xml' is not text or json", r.stderr)

    def test_listener_that_cannot_bind_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            r = run("serve", "--listen", f"udp:127.0.0.1:{port}", "--jsonl", "none",
                    "--sqlite", os.path.join(self.dir, "e.db"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"cannot listen on udp:127.0.0.1:{port}", r.stderr)

    def test_http_port_that_cannot_bind_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            r = run("serve", "--listen", "udp:127.0.0.1:0", "--http", f"127.0.0.1:{port}")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"127.0.0.1:{port}", r.stderr)

    def test_outputs_that_cannot_be_opened_exit_1(self):
        r = run("serve", "--listen", "udp:127.0.0.1:0", "--jsonl",
                os.path.join(self.dir, "missing", "x.jsonl"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot open", r.stderr)
        log = os.path.join(self.dir, "missing", "trapsink.log")
        r = run("--log-file", log, "serve", "--listen", "udp:127.0.0.1:0")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"log_file: cannot open '{log}': No such file or directory", r.stderr)
        cfg = self.config(f"log_file: {log}\n")
        r = run("serve", "--config", cfg, "--listen", "udp:127.0.0.1:0")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"log_file: cannot open '{log}'", r.stderr)

    def test_clean_stop_exits_0(self):
        with Trapsink() as ts:
            self.assertEqual(ts.stop(signal.SIGINT), 0)
            self.assertIn("received SIGINT, stopping", ts.log())

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^trapsink \d+\.\d+\.\d+( \(git [0-9A-Za-z._/-]+\))?$")


if __name__ == "__main__":
    unittest.main()
