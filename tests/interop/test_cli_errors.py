"""Bad arguments and startup failures give one clear message and the documented exit code
(docs/cli.md: 1 runtime failure, 2 bad arguments)."""
import socket
import subprocess
import unittest

from harness import TRAPSINK_BIN


def run(*args):
    return subprocess.run([TRAPSINK_BIN, *args], capture_output=True, text=True, timeout=20)


class CliErrors(unittest.TestCase):
    def test_malformed_listen_address(self):
        r = run("serve", "--listen", "udp:300.1.1.1:162")
        self.assertEqual(r.returncode, 2)
        self.assertIn("invalid listen address 'udp:300.1.1.1:162'", r.stderr)
        self.assertIn("udp:ADDR:PORT", r.stderr)

    def test_unknown_flag(self):
        r = run("serve", "--bogus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--bogus", r.stderr)
        self.assertIn("trapsink serve --help", r.stderr)

    def test_no_subcommand(self):
        r = run()
        self.assertEqual(r.returncode, 2)
        self.assertIn("subcommand", r.stderr)

    def test_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            r = run("serve", "--listen", f"udp:127.0.0.1:{port}")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot listen on udp:127.0.0.1:{port}", r.stderr)
        self.assertIn("choose another --listen port", r.stderr)

    def test_unwritable_output(self):
        r = run("serve", "--listen", "udp:127.0.0.1:0", "--jsonl", "/nonexistent/dir/x.jsonl")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot open '/nonexistent/dir/x.jsonl'", r.stderr)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^trapsink \d+\.\d+\.\d+( \(git \S+\))?$")


if __name__ == "__main__":
    unittest.main()
