"""SNMPv3 senders for the interop tests, and the raw-message tooling the refusal tests need.

- `User`: one USM user as trapsink's YAML wants it, as Net-SNMP's createUser line, and as the
  sender flags of snmptrap/snmpinform and of pysnmp_send.py.
- `netsnmp_cmd` / `pysnmp_cmd`: argv for one v3 trap or inform from Net-SNMP 5.9 or PySNMP 4.4;
  `run_all` runs many of them concurrently.
- `capture`: the datagram a sender emits, caught on a local UDP socket (to replay or tamper).
- A small BER reader/writer for SNMPv3 messages (RFC 3412 §6, RFC 3414 §2.4), RFC 3414/7860
  key localization and HMAC (to re-sign a tampered message), and an optional decryptor (needs
  PySNMP's Cryptodome) that proves which key extension a sender uses.

Independent of trapsink's own code, so the two check each other. Run only with /usr/bin/python3
(Debian's, which has python3-pysnmp4 for pysnmp_send.py).

Naming: protocol names are trapsink's (MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512; DES 3DES AES
AES-192 AES-256 AES-192-C AES-256-C, the -C ones with the Reeder key extension, "none").
"""
import atexit
import functools
import hashlib
import hmac
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import packets as P
from harness import InteropCase

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's: has pysnmp (a pyenv python3 on PATH may not)
PYSNMP_SEND = os.path.join(HERE, "pysnmp_send.py")

AUTH_PROTOCOLS = ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")
# What Net-SNMP 5.9.3's snmptrap -x accepts. AES-192/AES-256 use the Blumenthal key extension
# (draft-blumenthal-aes-usm-04 §3.1.2.1), AES-192-C/AES-256-C the Reeder one ("Cisco");
# test_v3_sender_selfcheck proves it by decrypting what snmptrap sends.
NETSNMP_PRIV = ("DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C")
PYSNMP_PRIV = ("DES", "3DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C")

# Net-SNMP's own spelling for createUser lines (snmptrapd) where it differs.
NETSNMP_CREATEUSER_PRIV = {"AES": "AES", "AES-192": "AES-192", "AES-256": "AES-256",
                           "AES-192-C": "AES-192-C", "AES-256-C": "AES-256-C", "DES": "DES"}

TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"
# A couple of typed varbinds, as Net-SNMP arguments, PySNMP arguments and the expected record.
VARBINDS = [("1.3.6.1.4.1.99.3.1", "i", "-42"),
            ("1.3.6.1.4.1.99.3.2", "s", "v3 Zürich"),
            ("1.3.6.1.4.1.99.3.3", "x", "00 01 fe ff"),
            ("1.3.6.1.4.1.99.3.4", "o", "1.3.6.1.4.1.8072"),
            ("1.3.6.1.4.1.99.3.5", "a", "192.0.2.17"),
            ("1.3.6.1.4.1.99.3.6", "c", "4294967295"),
            ("1.3.6.1.4.1.99.3.7", "u", "7"),
            ("1.3.6.1.4.1.99.3.8", "t", "8640000"),
            ("1.3.6.1.4.1.99.3.9", "C", "18446744073709551615")]
EXPECTED_VARBINDS = [
    {"oid": "1.3.6.1.4.1.99.3.1", "type": "Integer32", "value": -42},
    {"oid": "1.3.6.1.4.1.99.3.2", "type": "OctetString", "value": "v3 Zürich", "encoding": "text"},
    {"oid": "1.3.6.1.4.1.99.3.3", "type": "OctetString", "value": "0001feff", "encoding": "hex"},
    {"oid": "1.3.6.1.4.1.99.3.4", "type": "ObjectIdentifier", "value": "1.3.6.1.4.1.8072"},
    {"oid": "1.3.6.1.4.1.99.3.5", "type": "IpAddress", "value": "192.0.2.17"},
    {"oid": "1.3.6.1.4.1.99.3.6", "type": "Counter32", "value": 4294967295},
    {"oid": "1.3.6.1.4.1.99.3.7", "type": "Gauge32", "value": 7},
    {"oid": "1.3.6.1.4.1.99.3.8", "type": "TimeTicks", "value": 8640000},
    {"oid": "1.3.6.1.4.1.99.3.9", "type": "Counter64", "value": "18446744073709551615"},
]

LEVELS = ("noAuthNoPriv", "authNoPriv", "authPriv")

# usmStats (RFC 3414 §5) counters carried in Reports.
USM_STATS = {
    "1.3.6.1.6.3.15.1.1.1.0": "unsupportedSecLevels",
    "1.3.6.1.6.3.15.1.1.2.0": "notInTimeWindows",
    "1.3.6.1.6.3.15.1.1.3.0": "unknownUserNames",
    "1.3.6.1.6.3.15.1.1.4.0": "unknownEngineIDs",
    "1.3.6.1.6.3.15.1.1.5.0": "wrongDigests",
    "1.3.6.1.6.3.15.1.1.6.0": "decryptionErrors",
}

# trapsink's own engine ID in the tests that configure one ("trapsink", RFC 3411 format 4).
TRAPSINK_ENGINE = "80001f88047472617073696e6b"
# The contextEngineID the Net-SNMP senders are given with -E (without it they put their own
# local engine ID there, a random one kept in SNMP_PERSISTENT_DIR, not the -e one).
CONTEXT_ENGINE = "80001f8805c0ffee01"

USM_COUNTERS = ("usm_stats_unsupported_sec_levels_total", "usm_stats_not_in_time_windows_total",
                "usm_stats_unknown_user_names_total", "usm_stats_unknown_engine_ids_total",
                "usm_stats_wrong_digests_total", "usm_stats_decryption_errors_total")

_engine_counter = itertools.count(1)


def new_engine_id(tag=0x01):
    """A fresh, process-unique engine ID (RFC 3411 format 5, octets): 80001f8805 + tag + pid + n.
    Every sender engine a test invents is new to the receiver, so each starts its own baseline."""
    n = next(_engine_counter)
    return f"80001f8805{tag & 0xff:02x}{os.getpid() & 0xffffff:06x}{n:08x}"


@dataclass(frozen=True)
class User:
    name: str
    auth: str = "none"
    auth_pass: str = ""
    priv: str = "none"
    priv_pass: str = ""
    min_level: str = None
    engine_ids: tuple = ()
    allow_from: tuple = ()

    @property
    def level(self):
        """The highest level the keys allow (what the senders use by default)."""
        if self.auth == "none":
            return "noAuthNoPriv"
        return "authNoPriv" if self.priv == "none" else "authPriv"

    def config(self):
        """The entry for trapsink's `users:` list."""
        d = {"name": self.name}
        if self.auth != "none":
            d["auth_protocol"] = self.auth
            d["auth_passphrase"] = self.auth_pass
        if self.priv != "none":
            d["priv_protocol"] = self.priv
            d["priv_passphrase"] = self.priv_pass
        if self.min_level:
            d["min_level"] = self.min_level
        if self.engine_ids:
            d["engine_ids"] = list(self.engine_ids)
        if self.allow_from:
            d["allow_from"] = list(self.allow_from)
        return d

    def create_user_line(self, engine_id=None):
        """Net-SNMP's `createUser [-e ENGINEID] NAME [AUTH PASS [PRIV [PASS]]]` (snmpd.conf(5))."""
        parts = ["createUser"]
        if engine_id:
            parts += ["-e", "0x" + engine_id]
        parts.append(self.name)
        if self.auth != "none":
            parts += [self.auth, _quote(self.auth_pass)]
            if self.priv != "none":
                parts += [NETSNMP_CREATEUSER_PRIV[self.priv], _quote(self.priv_pass)]
        return " ".join(parts)

    def expected_security(self, engine_id, context_engine_id=None, context_name="", level=None):
        """The record's security block for a message this user sent."""
        level = level or self.level
        return {
            "model": "usm",
            "user": self.name,
            "level": level,
            "engine_id": engine_id.lower(),
            "context_engine_id": (context_engine_id or engine_id).lower(),
            "context_name": context_name,
            "auth_protocol": self.auth if level != "noAuthNoPriv" else "none",
            "priv_protocol": self.priv if level == "authPriv" else "none",
        }


def _quote(s):
    return '"' + s + '"' if any(c.isspace() for c in s) else s


def user_for(auth, priv, prefix="u"):
    """One user per combination, named like u_sha256_aes192 / u_md5_none / u_noauth."""
    if auth == "none":
        return User(f"{prefix}_noauth")
    slug = lambda s: s.lower().replace("-", "")
    name = f"{prefix}_{slug(auth)}_{slug(priv)}"
    return User(name, auth, f"{name}-auth-pass", priv,
                f"{name}-priv-pass" if priv != "none" else "")


class V3Case(InteropCase):
    """Assertions on v3 records and on the shutdown counters."""

    def assertV3Record(self, rec, user, pdu, engine_id, *, context_engine_id=None,
                       context_name="", uptime=None, level=None, varbinds=None,
                       trap_oid=TRAP_OID):
        self.assertRecordCommon(rec, "3", pdu)
        self.assertNotIn("community", rec)
        self.assertNotIn("v1", rec)
        self.assertIsInstance(rec["request_id"], int)
        if uptime is not None:
            self.assertEqual(rec["uptime"], uptime)
        self.assertEqual(rec["trap_oid"], trap_oid)
        self.assertEqual(rec["security"], user.expected_security(
            engine_id, context_engine_id, context_name, level))
        self.assertEqual(rec["varbinds"], EXPECTED_VARBINDS if varbinds is None else varbinds)

    def assertCounters(self, counters, expected, ignore=()):
        """Every usm_stats counter is as expected (absent = 0), except those in ignore."""
        for name in USM_COUNTERS:
            if name in ignore:
                continue
            self.assertEqual(counters.get(name, 0), expected.get(name, 0),
                             f"{name} in {counters}")
        for name, want in expected.items():
            if name not in USM_COUNTERS:
                self.assertEqual(counters.get(name, 0), want, f"{name} in {counters}")

    def collect(self, ts, before, n, key=lambda r: r["uptime"], timeout=10.0):
        """{key(record): record} of the records after the first `before`, once n are there or
        the timeout passed (then with what there is: each missing one fails its own subtest)."""
        deadline = time.monotonic() + timeout
        while len(ts.records()) < before + n and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)  # any extra, wrong record
        return self.recordsBy(ts.records()[before:], key)

    def assertSent(self, results, names):
        """Each sender run exited 0 (one subtest per sender)."""
        for name, r in zip(names, results):
            with self.subTest(sender=name):
                self.assertEqual(r.returncode, 0, f"{name}: {r.stderr.strip()}")

    def recordsBy(self, records, key):
        """{key(record): record}, failing on duplicates."""
        out = {}
        for r in records:
            k = key(r)
            self.assertNotIn(k, out, f"two records for {k}")
            out[k] = r
        return out


# ---------------------------------------------------------------------------------------------
# Net-SNMP command lines

_NETSNMP_DIR = None


def netsnmp_env(state=None):
    """An environment that keeps Net-SNMP and PySNMP from reading the user's configuration or
    MIBs, or keeping state outside (snmptrap would write /var/lib/snmp, PySNMP /tmp/__pysnmp).

    state: the directory for the sender's persistent state (Net-SNMP keeps its local engine ID
    and boots there, rewriting the file at every run, so concurrent runs must not share one);
    by default a fresh one. All under one directory per process, removed at exit."""
    global _NETSNMP_DIR
    if _NETSNMP_DIR is None:
        _NETSNMP_DIR = tempfile.mkdtemp(prefix="netsnmp-v3-")
        atexit.register(shutil.rmtree, _NETSNMP_DIR, True)
        os.mkdir(os.path.join(_NETSNMP_DIR, "conf"))
    conf = os.path.join(_NETSNMP_DIR, "conf")
    if state is None:
        state = tempfile.mkdtemp(dir=_NETSNMP_DIR, prefix="state-")
    env = dict(os.environ)
    # Net-SNMP reads its persistent file back only from a directory on SNMPCONFPATH
    env.update(SNMPCONFPATH=f"{conf}:{state}", MIBS="", MIBDIRS=conf, HOME=conf,
               SNMP_PERSISTENT_DIR=state, TMPDIR=state)
    return env


def state_dir():
    """A sender state directory to share between runs that must look like one sender."""
    netsnmp_env()
    return tempfile.mkdtemp(dir=_NETSNMP_DIR, prefix="state-")


def netsnmp_cmd(port, user, *, inform=False, host="127.0.0.1", engine_id=None, boots_time=None,
                context_engine_id=None, context=None, level=None, auth_pass=None, priv_pass=None,
                uptime="", trap_oid=TRAP_OID, varbinds=VARBINDS, timeout=1, retries=1):
    """argv for snmptrap/snmpinform -v3. engine_id: -e (a trap's authoritative engine; for an
    inform it would skip discovery); boots_time: (boots, time) for -Z."""
    args = ["snmpinform" if inform else "snmptrap", "-v3", "-u", user.name,
            "-l", level or user.level, "-t", str(timeout), "-r", str(retries)]
    lvl = level or user.level
    if lvl != "noAuthNoPriv":
        args += ["-a", user.auth if user.auth != "none" else "SHA",
                 "-A", auth_pass if auth_pass is not None else user.auth_pass]
    if lvl == "authPriv":
        args += ["-x", user.priv if user.priv != "none" else "AES",
                 "-X", priv_pass if priv_pass is not None else user.priv_pass]
    if engine_id:
        args += ["-e", engine_id]
    if boots_time:
        args += ["-Z", f"{boots_time[0]},{boots_time[1]}"]
    if context_engine_id:
        args += ["-E", context_engine_id]
    if context:
        args += ["-n", context]
    args += [f"{host}:{port}" if ":" not in host else f"udp6:[{host}]:{port}",
             str(uptime), trap_oid]
    for oid, t, v in varbinds:
        args += [oid, t, v]
    return args


def pysnmp_cmd(port, user, *, inform=False, host="127.0.0.1", engine_id=None, boots_time=None,
               context_engine_id=None, context=None, level=None, auth_pass=None, priv_pass=None,
               uptime=None, trap_oid=TRAP_OID, varbinds=VARBINDS, timeout=1, retries=1):
    """argv for pysnmp_send.py (same meaning as netsnmp_cmd)."""
    lvl = level or user.level
    args = [PYTHON, PYSNMP_SEND, "--host", host, "--port", str(port), "--user", user.name,
            "--timeout", str(timeout), "--retries", str(retries), "--trap-oid", trap_oid]
    if inform:
        args.append("--inform")
    if lvl != "noAuthNoPriv":
        args += ["--auth", user.auth,
                 "--auth-key", auth_pass if auth_pass is not None else user.auth_pass]
    if lvl == "authPriv":
        args += ["--priv", user.priv,
                 "--priv-key", priv_pass if priv_pass is not None else user.priv_pass]
    if engine_id:
        args += ["--engine-id", engine_id]
    if boots_time:
        args += ["--boots-time", f"{boots_time[0]},{boots_time[1]}"]
    if context_engine_id:
        args += ["--context-engine-id", context_engine_id]
    if context:
        args += ["--context", context]
    if uptime is not None:
        args += ["--uptime", str(uptime)]
    for oid, t, v in varbinds:
        args += ["--varbind", oid, t, v]
    return args


def run(args, timeout=30, state=None):
    """Run one sender; CompletedProcess (text)."""
    return subprocess.run(args, env=netsnmp_env(state), capture_output=True, text=True,
                          timeout=timeout)


def run_all(commands, parallel=4, timeout=60):
    """Run many senders, at most `parallel` at a time; CompletedProcess list in input order."""
    results = [None] * len(commands)
    pending = list(enumerate(commands))
    running = []
    deadline = time.monotonic() + timeout
    while pending or running:
        while pending and len(running) < parallel:
            i, cmd = pending.pop(0)
            p = subprocess.Popen(cmd, env=netsnmp_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            running.append((i, cmd, p))
        i, cmd, p = running.pop(0)
        try:
            out, err = p.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for _, _, q in running + [(i, cmd, p)]:
                q.kill()
                q.wait()
            raise
        results[i] = subprocess.CompletedProcess(cmd, p.returncode, out, err)
    return results


def capture(args_for_port, timeout=5.0, state=None):
    """Run a trap sender against a local socket and return the datagram it sent.
    args_for_port: port -> argv (e.g. lambda p: netsnmp_cmd(p, user, engine_id=...))."""
    return capture_all([args_for_port], timeout, state=state)[0]


def capture_all(builders, timeout=10.0, parallel=4, state=None):
    """capture() for many senders at once (each to its own socket); datagrams in order."""
    socks = []
    try:
        for _ in builders:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(s)
            s.bind(("127.0.0.1", 0))
            s.settimeout(timeout)
        cmds = [b(s.getsockname()[1]) for b, s in zip(builders, socks)]
        if state is not None:
            results = [run(c, state=state) for c in cmds]
        else:
            results = run_all(cmds, parallel=parallel, timeout=timeout * 4)
        for c, r in zip(cmds, results):
            if r.returncode != 0:
                raise AssertionError(f"sender failed ({r.returncode}): {c}: {r.stderr}")
        return [s.recvfrom(65535)[0] for s in socks]
    finally:
        for s in socks:
            s.close()


def exchange(port, payload, host="127.0.0.1", timeout=2.0):
    """Send one datagram from a fresh socket; return the reply or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload, (host, port))
        try:
            return s.recvfrom(65535)[0]
        except socket.timeout:
            return None


# ---------------------------------------------------------------------------------------------
# BER reading

class BerError(ValueError):
    pass


def read_tlv(data, pos):
    """(tag, value_start, value_end) of the TLV at pos."""
    if pos + 2 > len(data):
        raise BerError("truncated TLV")
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > len(data):
            raise BerError("bad length")
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    if pos + n > len(data):
        raise BerError("value past end")
    return tag, pos, pos + n


def read_children(data, start, end):
    """[(tag, value_start, value_end)] of the TLVs in data[start:end]."""
    out = []
    pos = start
    while pos < end:
        tag, vs, ve = read_tlv(data, pos)
        out.append((tag, vs, ve))
        pos = ve
    if pos != end:
        raise BerError("children overrun")
    return out


def decode_int(b):
    return int.from_bytes(b, "big", signed=True) if b else 0


def decode_oid(b):
    arcs, v = [], 0
    for byte in b:
        v = (v << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(v)
            v = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


@dataclass
class V3Message:
    raw: bytes
    msg_id: int
    max_size: int
    flags: int
    security_model: int
    engine_id: bytes
    boots: int
    time: int
    user: bytes
    auth_params: bytes
    priv_params: bytes
    auth_params_offset: int  # offset of the digest's value in raw
    encrypted: bytes = None  # authPriv: the encryptedPDU octets
    encrypted_offset: int = None
    scoped_pdu: bytes = None  # plaintext ScopedPDU TLV (noAuthNoPriv / authNoPriv)
    context_engine_id: bytes = None
    context_name: bytes = None
    pdu_tag: int = None
    request_id: int = None
    error_status: int = None
    error_index: int = None
    varbinds: list = field(default_factory=list)  # [(oid, tag, value bytes)]

    @property
    def reportable(self):
        return bool(self.flags & 0x04)

    def report_counters(self):
        """For a Report: [(usmStats name or OID, value)]."""
        return [(USM_STATS.get(oid, oid), decode_int(v)) for oid, _, v in self.varbinds]


def parse_scoped_pdu(data, start, end, msg):
    (t1, s1, e1), (t2, s2, e2), (tp, sp, ep) = read_children(data, start, end)[:3]
    msg.context_engine_id = data[s1:e1]
    msg.context_name = data[s2:e2]
    msg.pdu_tag = tp
    (_, a, b), (_, c, d), (_, e, f), (_, g, h) = read_children(data, sp, ep)
    msg.request_id = decode_int(data[a:b])
    msg.error_status = decode_int(data[c:d])
    msg.error_index = decode_int(data[e:f])
    for _, vs, ve in read_children(data, g, h):
        (_, os_, oe), (vt, vvs, vve) = read_children(data, vs, ve)
        msg.varbinds.append((decode_oid(data[os_:oe]), vt, data[vvs:vve]))


def parse_v3(data):
    """Parse an SNMPv3 message (USM). Raises BerError / ValueError when it is not one."""
    tag, s, e = read_tlv(data, 0)
    if tag != 0x30:
        raise BerError("not a SEQUENCE")
    (tv, vs, ve), (th, hs, he), (tsp, ss, se), (tpdu, ps, pe) = read_children(data, s, e)
    if decode_int(data[vs:ve]) != 3:
        raise ValueError("not SNMPv3")
    (_, a, b), (_, c, d), (_, f1, f2), (_, g, h) = read_children(data, hs, he)
    # msgSecurityParameters: OCTET STRING wrapping UsmSecurityParameters
    _, us, ue = read_tlv(data, ss)
    (_, e1, e2), (_, b1, b2), (_, t1, t2), (_, n1, n2), (_, a1, a2), (_, p1, p2) = \
        read_children(data, us, ue)
    msg = V3Message(
        raw=bytes(data), msg_id=decode_int(data[a:b]), max_size=decode_int(data[c:d]),
        flags=data[f1] if f2 > f1 else 0, security_model=decode_int(data[g:h]),
        engine_id=data[e1:e2], boots=decode_int(data[b1:b2]), time=decode_int(data[t1:t2]),
        user=data[n1:n2], auth_params=data[a1:a2], priv_params=data[p1:p2],
        auth_params_offset=a1)
    if tpdu == 0x04:
        msg.encrypted = data[ps:pe]
        msg.encrypted_offset = ps
    else:
        msg.scoped_pdu = data[_tlv_start(data, ps, pe):pe]
        parse_scoped_pdu(data, ps, pe, msg)
    return msg


def _tlv_start(data, vs, ve):
    """Start of the TLV whose value is data[vs:ve] (search back over the length octets)."""
    for k in range(2, 8):
        if vs - k < 0:
            break
        try:
            _, s, e = read_tlv(data, vs - k)
        except BerError:
            continue
        if s == vs and e == ve:
            return vs - k
    raise BerError("cannot locate TLV header")


# ---------------------------------------------------------------------------------------------
# BER writing (reuses the v1/v2c encoder in packets.py)

def usm_params(engine_id=b"", boots=0, time_=0, user=b"", auth=b"", priv=b""):
    return P.seq(P.octets(engine_id), P.integer(boots), P.integer(time_), P.octets(user),
                 P.octets(auth), P.octets(priv))


def scoped_pdu(context_engine_id, context_name, pdu):
    return P.seq(P.octets(context_engine_id), P.octets(context_name), pdu)


def pdu(tag, request_id, varbinds=(), error_status=0, error_index=0):
    return P.seq(P.integer(request_id), P.integer(error_status), P.integer(error_index),
                 P.seq(*varbinds), tag=tag)


def v3_message(msg_id, flags, security, scoped_or_encrypted, max_size=65507, encrypted=False):
    """An SNMPv3 message; security is usm_params(...); the payload is a ScopedPDU TLV, or with
    encrypted=True the ciphertext (wrapped as an OCTET STRING here)."""
    data = P.octets(scoped_or_encrypted) if encrypted else scoped_or_encrypted
    header = P.seq(P.integer(msg_id), P.integer(max_size), P.octets(bytes([flags])),
                   P.integer(3))
    return P.seq(P.integer(3), header, P.octets(security), data)


def discovery_probe(msg_id=0x1234, request_id=0x5678, pdu_tag=0xA0):
    """RFC 3414 §4: noAuthNoPriv, reportable, empty engine ID and user name, no varbinds."""
    return v3_message(msg_id, 0x04, usm_params(), scoped_pdu(b"", b"", pdu(pdu_tag, request_id)))


def notification_pdu(request_id, uptime=1, trap_oid=TRAP_OID, extra=(), tag=0xA7):
    """An SNMPv2-Trap-PDU (0xA7) or InformRequest-PDU (0xA6)."""
    vbs = [P.varbind(P.SYS_UPTIME_0, P.unsigned(uptime, 0x43)),
           P.varbind(P.SNMP_TRAP_OID_0, P.oid(trap_oid))] + list(extra)
    return pdu(tag, request_id, vbs)


def build_v3(the_pdu, *, user, engine_id, boots=0, time_=0, auth=None, auth_pass=None,
             context_engine_id=None, context_name="", msg_id=4242, reportable=False):
    """A plaintext (noAuthNoPriv, or authNoPriv when auth is given: signed) SNMPv3 message."""
    flags = (0x01 if auth else 0) | (0x04 if reportable else 0)
    eid = bytes.fromhex(engine_id)
    sec = usm_params(eid, boots, time_, user.encode(),
                     bytes(HASHES[auth][1]) if auth else b"", b"")
    raw = v3_message(msg_id, flags, sec, scoped_pdu(
        bytes.fromhex(context_engine_id) if context_engine_id is not None else eid,
        context_name.encode(), the_pdu))
    return sign(raw, auth, auth_pass) if auth else raw


def flip(raw, offset, mask=0x01):
    """A copy of raw with one bit flipped at offset."""
    b = bytearray(raw)
    b[offset] ^= mask
    return bytes(b)


def rebuild(msg, *, engine_id=None, boots=None, time_=None, user=None, auth_params=None,
            priv_params=None, encrypted=None, scoped=None, flags=None):
    """Re-encode a parsed message with some fields replaced (lengths recomputed)."""
    sec = usm_params(msg.engine_id if engine_id is None else engine_id,
                     msg.boots if boots is None else boots,
                     msg.time if time_ is None else time_,
                     msg.user if user is None else user,
                     msg.auth_params if auth_params is None else auth_params,
                     msg.priv_params if priv_params is None else priv_params)
    f = msg.flags if flags is None else flags
    if msg.encrypted is not None or encrypted is not None:
        return v3_message(msg.msg_id, f, sec, msg.encrypted if encrypted is None else encrypted,
                          max_size=msg.max_size, encrypted=True)
    return v3_message(msg.msg_id, f, sec, msg.scoped_pdu if scoped is None else scoped,
                      max_size=msg.max_size)


# ---------------------------------------------------------------------------------------------
# USM keys and digests (RFC 3414 §2.6 and A.2, RFC 7860 §4.1)

HASHES = {"MD5": (hashlib.md5, 12), "SHA": (hashlib.sha1, 12), "SHA-224": (hashlib.sha224, 16),
          "SHA-256": (hashlib.sha256, 24), "SHA-384": (hashlib.sha384, 32),
          "SHA-512": (hashlib.sha512, 48)}


@functools.lru_cache(maxsize=512)
def password_to_key(auth, passphrase):
    """Ku: the hash of 1 MiB of the repeated passphrase (RFC 3414 A.2)."""
    h, _ = HASHES[auth]
    p = passphrase.encode() if isinstance(passphrase, str) else passphrase
    return h((p * (1048576 // len(p) + 1))[:1048576]).digest()


def localize(auth, ku, engine_id):
    """Kul = H(Ku || engineID || Ku)."""
    h, _ = HASHES[auth]
    return h(ku + engine_id + ku).digest()


def digest(auth, kul, whole_message):
    h, n = HASHES[auth]
    return hmac.new(kul, whole_message, h).digest()[:n]


def sign(raw, auth, auth_pass):
    """Re-sign a (modified) authenticated message: zero msgAuthenticationParameters, HMAC the
    whole message with the key localized for its msgAuthoritativeEngineID, put the digest in."""
    msg = parse_v3(raw)
    n = HASHES[auth][1]
    zeroed = bytearray(raw)
    zeroed[msg.auth_params_offset:msg.auth_params_offset + n] = bytes(n)
    kul = localize(auth, password_to_key(auth, auth_pass), msg.engine_id)
    d = digest(auth, kul, bytes(zeroed))
    zeroed[msg.auth_params_offset:msg.auth_params_offset + n] = d
    return bytes(zeroed)


def verify(raw, auth, auth_pass):
    """True when the message's digest is right for this passphrase."""
    return sign(raw, auth, auth_pass) == bytes(raw)


def priv_key(auth, priv, priv_pass, engine_id):
    """The localized privacy key for a protocol (trapsink's names), with the key extension each
    uses: Blumenthal for AES-192/256 (Kul || H(Kul) ..., draft-blumenthal-aes-usm-04), Reeder
    for 3DES and AES-*-C (Kul || localize(password_to_key(Kul)) ..., draft-reeder-snmpv3-usm-3desede)."""
    size = {"DES": 16, "AES": 16, "3DES": 32, "AES-192": 24, "AES-256": 32,
            "AES-192-C": 24, "AES-256-C": 32}[priv]
    h, _ = HASHES[auth]
    kul = localize(auth, password_to_key(auth, priv_pass), engine_id)
    if priv in ("3DES", "AES-192-C", "AES-256-C"):
        while len(kul) < size:
            # Reeder: the localized key so far is the passphrase of the next chunk
            kul += localize(auth, password_to_key(auth, kul), engine_id)
    else:
        while len(kul) < size:
            kul += h(kul).digest()
    return kul[:size]


def decrypt(msg, auth, priv, priv_pass):
    """Decrypt an authPriv message's ScopedPDU (needs Cryptodome, which PySNMP brings)."""
    from Cryptodome.Cipher import AES, DES, DES3
    key = priv_key(auth, priv, priv_pass, msg.engine_id)
    salt = msg.priv_params
    if priv == "DES":
        iv = bytes(a ^ b for a, b in zip(key[8:16], salt))
        return DES.new(key[:8], DES.MODE_CBC, iv).decrypt(msg.encrypted)
    if priv == "3DES":
        iv = bytes(a ^ b for a, b in zip(key[24:32], salt))
        return DES3.new(key[:24], DES3.MODE_CBC, iv).decrypt(msg.encrypted)
    iv = msg.boots.to_bytes(4, "big") + msg.time.to_bytes(4, "big") + salt
    return AES.new(key, AES.MODE_CFB, iv, segment_size=128).decrypt(msg.encrypted)


def parse_decrypted(msg, plaintext):
    """Fill the ScopedPDU fields of msg from decrypted plaintext (padding after it ignored)."""
    _, s, e = read_tlv(plaintext, 0)
    msg.scoped_pdu = plaintext[:e]
    parse_scoped_pdu(plaintext, s, e, msg)
    return msg


# ---------------------------------------------------------------------------------------------
# A PySNMP notification receiver, to check pysnmp_send.py for what snmptrapd cannot receive
# (3DES, Reeder AES). `python3 v3_senders.py receive PORT USERSPEC...` prints one JSON line per
# notification: {"user", "engine_id", "context_engine_id", "context_name", "varbinds"}.

def _pysnmp_receive(port, users, engine_id_hex=None):
    import json

    from pysnmp.carrier.asyncore.dgram import udp
    from pysnmp.entity import config, engine
    from pysnmp.entity.rfc3413 import ntfrcv
    from pysnmp.proto import rfc1902
    import pysnmp_send as S

    eng = engine.SnmpEngine(
        rfc1902.OctetString(hexValue=engine_id_hex) if engine_id_hex else None)
    config.addTransport(eng, udp.domainName, udp.UdpTransport().openServerMode(("127.0.0.1", port)))
    for spec in users:
        # NAME:AUTH:AUTHPASS:PRIV:PRIVPASS[:SENDER_ENGINE_ID]
        parts = spec.split(":")
        name, auth, ap, priv, pp = parts[:5]
        kw = {}
        if len(parts) > 5 and parts[5]:
            kw["securityEngineId"] = rfc1902.OctetString(hexValue=parts[5])
        config.addV3User(eng, name,
                         S.AUTH[auth], ap or None, S.PRIV[priv], pp or None, **kw)

    def cb(snmpEngine, stateReference, contextEngineId, contextName, varBinds, cbCtx):
        execContext = snmpEngine.observer.getExecutionContext(
            'rfc3412.receiveMessage:request')
        print(json.dumps({
            "pdu": "inform" if execContext["pdu"].tagSet[0][2] == 6 else "trap",
            "user": str(execContext["securityName"]),
            "engine_id": parse_v3(bytes(execContext["wholeMsg"])).engine_id.hex(),
            "context_engine_id": bytes(contextEngineId).hex(),
            "context_name": bytes(contextName).decode(),
            "level": int(execContext["securityLevel"]),
            "varbinds": [[str(o), v.prettyPrint()] for o, v in varBinds],
        }), flush=True)

    ntfrcv.NotificationReceiver(eng, cb)
    print("ready", flush=True)
    eng.transportDispatcher.jobStarted(1)
    eng.transportDispatcher.runDispatcher()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "receive":
        eid = os.environ.get("PYSNMP_ENGINE_ID")
        _pysnmp_receive(int(sys.argv[2]), sys.argv[3:], eid)
    else:
        sys.exit("usage: v3_senders.py receive PORT NAME:AUTH:AUTHPASS:PRIV:PRIVPASS[:ENGINEID]...")
