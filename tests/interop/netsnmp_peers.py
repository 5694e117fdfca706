"""Real Net-SNMP peers for the command generator and notification originator tests: an `snmpd`
agent and an `snmptrapd` receiver on free loopback ports, configured by the test (files in a
temporary directory, no system configuration read), plus helpers to run `trapsink` and the
Net-SNMP tools side by side. Standard library only.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness import TRAPSINK_BIN, netsnmp_env, run_tool

AUTH_PROTOCOLS = ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")
# Net-SNMP 5.9.3's privacy protocols (AES-192/256 Blumenthal, -C: Reeder).
PRIV_PROTOCOLS = ("DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C")
PROBE_COMMUNITY = "probe-c0mmunity"


def free_udp_port(host="127.0.0.1", family=socket.AF_INET):
    """A port that was free a moment ago (the kernel's choice for port 0)."""
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class V3User:
    """One USM user: its createUser line and the -u/-l/-a/-A/-x/-X flags of a command."""

    def __init__(self, auth=None, priv=None):
        self.auth, self.priv = auth, priv
        self.name = "u_" + "_".join(p.lower().replace("-", "") for p in (auth, priv) if p) \
            if auth else "u_noauth"
        self.auth_pass = f"auth-{self.name}-pass"
        self.priv_pass = f"priv-{self.name}-pass"

    @property
    def level(self):
        return "authPriv" if self.priv else "authNoPriv" if self.auth else "noAuthNoPriv"

    @property
    def access_level(self):
        """The level word of snmpd's rouser/rwuser lines."""
        return "priv" if self.priv else "auth" if self.auth else "noauth"

    def create_user(self, engine_id=None):
        e = f"-e {engine_id} " if engine_id else ""
        if not self.auth:
            return f"createUser {e}{self.name}"
        line = f"createUser {e}{self.name} {self.auth} {self.auth_pass}"
        if self.priv:
            line += f" {self.priv} {self.priv_pass}"
        return line

    def flags(self):
        f = ["-v", "3", "-u", self.name, "-l", self.level]
        if self.auth:
            f += ["-a", self.auth, "-A", self.auth_pass]
        if self.priv:
            f += ["-x", self.priv, "-X", self.priv_pass]
        return f


def all_v3_users():
    return [V3User()] + [V3User(a, p) for a in AUTH_PROTOCOLS for p in (None,) + PRIV_PROTOCOLS]


class _Daemon:
    def _start(self, binary, conf_lines, listen, extra=()):
        self.dir = tempfile.mkdtemp(prefix=os.path.basename(binary) + "-")
        self.conf = os.path.join(self.dir, "conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf_lines) + "\n")
        self.log_path = os.path.join(self.dir, "log")
        self.log_file = open(self.log_path, "w")
        env = netsnmp_env()
        self.proc = subprocess.Popen(
            [binary, "-f", "-Lo", "-C", "-c", self.conf,
             f"--persistentDir={os.path.join(self.dir, 'persist')}", *extra, listen],
            env=env, stdout=self.log_file, stderr=subprocess.STDOUT)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Snmpd(_Daemon):
    """Net-SNMP's agent on 127.0.0.1 (or [::1] with ipv6=True) at a free port.

    conf: extra snmpd.conf lines (communities, createUser/rouser/rwuser, override ...)."""

    def __init__(self, conf=(), ipv6=False):
        host = "::1" if ipv6 else "127.0.0.1"
        family = socket.AF_INET6 if ipv6 else socket.AF_INET
        for _attempt in range(3):
            self.port = free_udp_port(host, family)
            self.address = f"udp6:[::1]:{self.port}" if ipv6 else f"127.0.0.1:{self.port}"
            lines = [f"rocommunity {PROBE_COMMUNITY} 127.0.0.1",
                     f"rocommunity6 {PROBE_COMMUNITY} ::1"] + list(conf)
            self._start("/usr/sbin/snmpd", lines, self.address)
            if self._wait_ready():
                return
            self.close()
        raise RuntimeError("snmpd did not start:\n" + self.log())

    def _wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            r = run_tool(["snmpget", "-v2c", "-c", PROBE_COMMUNITY, "-t", "0.5", "-r", "0",
                          self.address, "1.3.6.1.2.1.1.3.0"])
            if r.returncode == 0:
                return True
            time.sleep(0.1)
        return False


class Snmptrapd(_Daemon):
    """Net-SNMP's notification receiver on 127.0.0.1 at a free port, logging every
    notification as one line "NOTIFICATION ENTERPRISE GENERIC SPECIFIC VARBINDS" (tab between
    varbinds, numeric OIDs with -On).

    conf: extra snmptrapd.conf lines (createUser ...); community 'public' is accepted."""

    def __init__(self, conf=()):
        lines = ["authCommunity log public"] + list(conf)
        for _attempt in range(3):  # the free port may be taken meanwhile: try another
            self.port = free_udp_port()
            self.address = f"127.0.0.1:{self.port}"
            # One line per notification: enterprise, generic, specific (v1) and the varbinds.
            self._start("/usr/sbin/snmptrapd", lines, self.address,
                        extra=("-On", "-F", "NOTIFICATION %N %w %q %v\\n"))
            deadline = time.monotonic() + 15
            while "NET-SNMP version" not in self.log():
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            else:
                return
            log = self.log()
            self.close()
        raise RuntimeError("snmptrapd did not start:\n" + log)

    def notifications(self, n, timeout=10.0):
        """The first n logged notification lines (waits for them)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [l for l in self.log().splitlines() if l.startswith("NOTIFICATION ")]
            if len(lines) >= n or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


def trapsink(args, timeout=60):
    """Run `trapsink ARGS...` (text); returns CompletedProcess."""
    return subprocess.run([TRAPSINK_BIN] + list(args), env=netsnmp_env(), capture_output=True,
                          text=True, timeout=timeout)


def netsnmp(tool, args, timeout=60):
    """Run a Net-SNMP tool with no MIBs loaded."""
    return run_tool([tool] + list(args), timeout=timeout)
