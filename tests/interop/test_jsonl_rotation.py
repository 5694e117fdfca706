"""JSON-lines rotation end to end: a `jsonl:` map with rotate_size, keep 2 and compress; traps
sent as raw datagrams until the file rotated several times; then a logrotate-style move and
SIGHUP. Every assertion is on the files on disk: which exist, that every line is a JSON record
of the schema, and that the request ids across the files are exactly the ones sent (minus, after
more rotations than `keep`, exactly the oldest)."""
import gzip
import json
import math
import os
import signal
import socket
import time
import unittest
import zlib

import packets
from harness import RECORD_VALIDATOR, Trapsink

ROTATE_SIZE = 4000
FIRST_ID = 100000  # request ids of equal width, so every line has the same length


class Sender:
    """Sends v2c traps numbered by request id from one socket (one source port: equal lines)."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sent = []

    def send(self, count, pause=0.02):
        for _ in range(count):
            rid = FIRST_ID + len(self.sent)
            self.sock.sendto(packets.v2c_trap(request_id=rid, uptime=4242),
                             ("127.0.0.1", self.port))
            self.sent.append(rid)
            # More than the runner's 5 ms linger: one record per batch, so the file rotates
            # after exactly ceil(ROTATE_SIZE / line) records.
            time.sleep(pause)

    def close(self):
        self.sock.close()


def read_lines(path):
    """The request ids of the lines of path (gunzipped for .gz), checking every line."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    assert data == b"" or data.endswith(b"\n"), f"{path} does not end with a complete line"
    ids = []
    for line in data.decode().splitlines():
        rec = json.loads(line)
        RECORD_VALIDATOR.validate(rec)
        ids.append(rec["request_id"])
    return ids


class JsonlRotation(unittest.TestCase):
    def files(self, base):
        d = os.path.dirname(base)
        name = os.path.basename(base)
        return sorted(f for f in os.listdir(d) if f.startswith(name))

    def settled(self, base, want_last, timeout=15):
        """Wait until the sink has written request id want_last and no rotation is under way;
        returns {file name: [request ids]} for PATH, PATH.1.gz, PATH.2.gz, ..."""
        deadline = time.monotonic() + timeout
        previous = None
        while time.monotonic() < deadline:
            try:
                if os.path.exists(base + ".1"):  # moved, not yet compressed
                    raise EOFError
                now = {f: read_lines(os.path.join(os.path.dirname(base), f))
                       for f in self.files(base) if not f.endswith(".moved")}
            except (EOFError, OSError, zlib.error, json.JSONDecodeError, AssertionError):
                time.sleep(0.05)  # a file being compressed or renamed
                continue
            seen = [i for ids in now.values() for i in ids]
            if want_last in seen and now == previous:
                return now
            previous = now
            time.sleep(0.2)
        raise AssertionError(f"request id {want_last} not settled on disk: {self.files(base)}")

    def test_rotate_keep_compress_then_logrotate_move_and_sighup(self):
        # The harness's --jsonl replaces `path` and keeps the rest of the map.
        config = {"jsonl": {"path": "replaced-by-the-flag.jsonl", "rotate_size": ROTATE_SIZE,
                            "keep": 2, "compress": True}}
        with Trapsink(config=config) as ts:
            base = ts.jsonl
            self.assertIn(f"writing JSON lines to '{base}' (rotate at {ROTATE_SIZE} bytes, "
                          "keep 2, gzip; fsync never)", ts.log())
            sender = Sender(ts.port)
            try:
                sender.send(1)
                ts.wait_records(1)
                line = os.path.getsize(base)
                per_file = math.ceil(ROTATE_SIZE / line)
                self.assertGreaterEqual(per_file, 4, f"lines of {line} bytes")

                # Phase 1: two rotations, nothing deleted yet (a third needs 3 * per_file).
                sender.send(2 * per_file + per_file // 2 - 1)
                files = self.settled(base, sender.sent[-1])
                name = os.path.basename(base)
                self.assertEqual(sorted(files), [name, name + ".1.gz", name + ".2.gz"])
                older, newer, current = (files[name + ".2.gz"], files[name + ".1.gz"],
                                         files[name])
                self.assertEqual(older + newer + current, sender.sent)  # each once, in order
                # A file rotates once it holds ROTATE_SIZE bytes, checked after each batch.
                self.assertGreaterEqual(len(older), per_file)
                self.assertGreaterEqual(len(newer), per_file)

                # Phase 2: three more files' worth: rotated out beyond keep 2 are deleted.
                sender.send(3 * per_file)
                files = self.settled(base, sender.sent[-1])
                self.assertEqual(sorted(files), [name, name + ".1.gz", name + ".2.gz"])
                self.assertFalse([f for f in self.files(base) if f.startswith(name + ".3")])
                kept = files[name + ".2.gz"] + files[name + ".1.gz"] + files[name]
                # Exactly what was sent minus the oldest ones rotation deleted: no gap, no
                # duplicate, nothing reordered.
                deleted = len(sender.sent) - len(kept)
                self.assertGreaterEqual(deleted, per_file)  # at least the oldest file
                self.assertEqual(kept, sender.sent[deleted:])
                rotated_before_move = (files[name + ".1.gz"], files[name + ".2.gz"])

                # Phase 3: logrotate's move, then SIGHUP: new lines go to a new PATH.
                in_current = files[name]
                os.rename(base, base + ".moved")
                ts.proc.send_signal(signal.SIGHUP)
                deadline = time.monotonic() + 10
                while f"SIGHUP: reopening {base}" not in ts.log():
                    self.assertLess(time.monotonic(), deadline, ts.log())
                    time.sleep(0.02)
                new_from = len(sender.sent)
                sender.send(3)
                files = self.settled(base, sender.sent[-1])
                self.assertEqual(files[name], sender.sent[new_from:])
                self.assertEqual(read_lines(base + ".moved"), in_current)  # complete, no more
                self.assertEqual((files[name + ".1.gz"], files[name + ".2.gz"]),
                                 rotated_before_move)
                self.assertEqual(ts.stop(), 0)
                counters = ts.counters()
                self.assertEqual(counters.get('trapsink_sink_sent_total{sink="jsonl"}'),
                                 len(sender.sent), counters)
                self.assertFalse([k for k in counters if "discarded" in k], counters)
            finally:
                sender.close()


if __name__ == "__main__":
    unittest.main()
