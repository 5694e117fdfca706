"""`trapsink check-config` builds the outputs offline: a librdkafka property it refuses is named
with its line, an SQLite or JSON-lines directory that is missing or not writable is reported as
FILE:LINE:COL: key: reason, and a good configuration prints the effective per-sink queues.
Nothing is created and no broker is contacted."""
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from harness import TRAPSINK_BIN


class CheckConfig(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trapsink-check-config-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.config = os.path.join(self.dir, "trapsink.yaml")

    def check(self, text, *flags, user=None):
        with open(self.config, "w") as f:
            f.write(text)
        os.chmod(self.config, 0o644)
        args = [TRAPSINK_BIN, "check-config", "--config", self.config, *flags]
        if user is not None:
            # Run as another user (root may write anywhere): setpriv from util-linux.
            args = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *args]
        return subprocess.run(args, capture_output=True, text=True, timeout=30)

    def test_kafka_property_refused_with_its_line(self):
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "kafka:\n"
                       "  brokers: 127.0.0.1:1\n"
                       "  properties:\n"
                       "    linger.ms: 5\n"
                       "    compression.type: zip\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertTrue(r.stderr.startswith(f"trapsink: {self.config}:6:23: kafka sink: property "
                                            "'compression.type': "), r.stderr)
        self.assertIn('Invalid value "zip"', r.stderr)
        self.assertEqual(r.stdout, "")

    def test_missing_directories_name_key_and_line(self):
        missing = os.path.join(self.dir, "no-such-dir")
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "jsonl:\n"
                       f"  path: {missing}/records.jsonl\n"
                       f"sqlite: {missing}/events.db\n")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), [
            f"trapsink: {self.config}:3:9: jsonl.path: the directory '{missing}' does not exist",
            f"trapsink: {self.config}:4:9: sqlite.path: the directory '{missing}' does not exist",
        ])
        self.assertFalse(os.path.exists(missing))
        # A path from a flag has no line: the key alone.
        r = self.check("listen: [udp:127.0.0.1:0]\n", "--jsonl", f"{missing}/x.jsonl")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, f"trapsink: jsonl.path: the directory '{missing}' does not "
                                   "exist\n")

    def test_unwritable_sqlite_directory(self):
        # The configuration is read by the checking user; the database directory is not writable
        # for it. As root, check as nobody: root may write anywhere.
        os.chmod(self.dir, 0o755)
        readonly = os.path.join(self.dir, "readonly")
        os.mkdir(readonly)
        os.chmod(readonly, 0o555)
        user = 65534 if os.geteuid() == 0 else None
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "jsonl: none\n"
                       "sqlite:\n"
                       f"  path: {readonly}/events.db\n", user=user)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, f"trapsink: {self.config}:4:9: sqlite.path: cannot create "
                                   f"files in the directory '{readonly}': Permission denied\n")
        self.assertEqual(os.listdir(readonly), [])  # nothing created

    def test_good_configuration_prints_the_sinks_queues(self):
        spool = os.path.join(self.dir, "spool")
        r = self.check("listen: [udp:127.0.0.1:0]\n"
                       "queue_capacity: 300\n"
                       "inform_ack: durable\n"
                       "jsonl:\n"
                       f"  path: {self.dir}/records.jsonl\n"
                       "  rotate_size: 1048576\n"
                       "  keep: 3\n"
                       "  compress: true\n"
                       "sqlite:\n"
                       f"  path: {self.dir}/events.db\n"
                       "  queue_capacity: 16\n"
                       "  overflow: block\n"
                       "  block_timeout: 250ms\n"
                       "kafka:\n"
                       "  brokers: 127.0.0.1:1\n"
                       f"  spool_dir: {spool}\n"
                       "  durable: false\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"jsonl: {self.dir}/records.jsonl (rotate at 1048576 bytes, keep 3, gzip; "
                      "fsync never)\n", r.stdout)
        self.assertIn("sink jsonl: queue_capacity 300 (global), overflow drop_newest, "
                      "durable no\n"
                      "sink sqlite: queue_capacity 16, overflow block (block_timeout 0.25s), "
                      "durable yes\n"
                      "sink kafka: queue_capacity 300 (global), overflow drop_newest, "
                      "durable no\n"
                      "inform_ack: durable\n", r.stdout)
        self.assertIn("outputs: checked offline", r.stdout)
        # Checked, not created.
        self.assertEqual(sorted(os.listdir(self.dir)), ["trapsink.yaml"])


if __name__ == "__main__":
    unittest.main()
