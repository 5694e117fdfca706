#!/usr/bin/python3
"""Overload: does trapsink's memory stay within its queue bounds when a sink cannot keep up?

Not a test (nothing is asserted): a script that prints figures for docs/performance.md.

For each queue capacity it starts `trapsink serve` with two sinks:
  - Kafka pointed at a broker that is not there (127.0.0.1:1, no spool): it never delivers, so
    its queue fills to `queue_capacity` and every later record is refused (queue_full);
  - JSON lines to a file (rotated, so the disk use stays bounded): it should keep up.
Then it sends N distinct SNMPv2c linkDown traps (225 bytes each, pre-encoded; they differ
in request-id and sysUpTime) over UDP as fast as one Python process can, for at most
--max-seconds, while sampling trapsink's VmRSS and VmHWM (/proc/PID/status) every 0.5 s. After
the send it waits for the JSON-lines sink to write out its queue, stops trapsink (SIGTERM) and
reads the counters of its shutdown summary line.

Columns:
  sent          datagrams the Python sender handed to the kernel
  received      trapsink_listener_received_total; sent - received were dropped by the kernel
                (socket buffer full), see also the UdpRcvbufErrors delta of /proc/net/snmp
  jsonl, kafka  sent and discarded by reason (trapsink_sink_*_total)
  idle RSS      VmRSS before the first datagram; peak RSS: VmHWM at the end
  (peak - idle) / queue_capacity, in bytes: with --kafka-only (one queue, full) what one
                queued record costs, all included; with JSON lines too, the two queues hold
                different records (up to twice queue_capacity)

Usage: tests/bench/overload_memory.py [--capacities 10000,100000] [--count 5000000] [--kafka-only]
                                     [--max-seconds 60] [--trapsink build/release/cli/trapsink]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
import packets as P  # noqa: E402

LISTEN_RE = re.compile(r"listening on udp:127\.0\.0\.1:(\d+)")
SUMMARY_RE = re.compile(r"(\w+)(?:\{([^}]*)\})?=(\d+)")


def parse_summary(log):
    """The counters of the last "stopped; counters: ..." line (as tests/interop/harness.py)."""
    lines = [line for line in log.splitlines() if "stopped; counters:" in line]
    if not lines:
        raise RuntimeError("no shutdown summary in the log:\n" + log[-3000:])
    out = {}
    for name, labels, value in SUMMARY_RE.findall(lines[-1].split("counters:", 1)[1]):
        out[name if not labels else f"{name}{{{labels}}}"] = int(value)
    return out


def total(counters, name):
    return sum(v for k, v in counters.items() if k == name or k.startswith(name + "{"))


def status(pid):
    """VmRSS and VmHWM of pid, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def udp_rcvbuf_errors():
    """The host's Udp RcvbufErrors (every socket, not only trapsink's)."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# The receive-path benchmarks' typical linkDown (tests/bench/typical_trap.hpp): sysUpTime.0,
# snmpTrapOID.0, ifIndex, ifAdminStatus, ifOperStatus, ifDescr, ifAlias, ifHCInOctets. The
# request-id and sysUpTime are 4-octet integers (values from 0x01000000 up, below 0x7fffffff),
# so every datagram has the same length and can be made by splicing into a template.
RID0 = 0x01000000
MARK_RID, MARK_UPTIME = 0x7A5A5A01, 0x7B5A5A02


def template():
    vbs = [P.varbind(P.SYS_UPTIME_0, P.unsigned(MARK_UPTIME, 0x43)),
           P.varbind(P.SNMP_TRAP_OID_0, P.oid("1.3.6.1.6.3.1.1.5.3")),
           P.varbind("1.3.6.1.2.1.2.2.1.1.10107", P.integer(10107)),
           P.varbind("1.3.6.1.2.1.2.2.1.7.10107", P.integer(1)),
           P.varbind("1.3.6.1.2.1.2.2.1.8.10107", P.integer(2)),
           P.varbind("1.3.6.1.2.1.2.2.1.2.10107", P.octets("GigabitEthernet1/0/7")),
           P.varbind("1.3.6.1.2.1.31.1.1.1.18.10107", P.octets("uplink to core-2")),
           P.varbind("1.3.6.1.2.1.31.1.1.1.6.10107", P.unsigned(98765432109876, 0x46))]
    msg = P.v2c_message("public", 0xA7, MARK_RID, vbs)
    i = msg.index(MARK_RID.to_bytes(4, "big"))
    j = msg.index(MARK_UPTIME.to_bytes(4, "big"))
    assert i < j
    return msg[:i], msg[i + 4:j], msg[j + 4:]


def encode(n):
    head, mid, tail = template()
    out = [None] * n
    for k in range(n):
        b = (RID0 + k).to_bytes(4, "big")
        out[k] = b"".join((head, b, mid, b, tail))
    return out


class Sampler(threading.Thread):
    def __init__(self, pid, interval=0.5):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples = []  # (seconds since start, VmRSS KiB)
        self.running = True
        self.t0 = time.monotonic()

    def run(self):
        while self.running:
            try:
                self.samples.append((time.monotonic() - self.t0, status(self.pid)["VmRSS"]))
            except (FileNotFoundError, KeyError, ProcessLookupError):
                return
            time.sleep(self.interval)

    def stop(self):
        self.running = False
        self.join()


def run_one(trapsink, capacity, datagrams, max_seconds, keep, kafka_only=False):
    tmp = tempfile.mkdtemp(prefix="trapsink-overload-")
    jsonl = os.path.join(tmp, "records.jsonl")
    cfg = {
        "communities": ["public"],
        "queue_capacity": capacity,
        "shutdown_deadline": "2s",
        "jsonl": {"path": jsonl, "rotate_size": 256 * 1024 * 1024, "keep": 2,
                  "compress": False},
        "kafka": {"brokers": "127.0.0.1:1", "topic": "overload", "flush_timeout": "1s"},
    }
    cfg_path = os.path.join(tmp, "config.yaml")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)
    log_path = os.path.join(tmp, "stderr.log")
    log_file = open(log_path, "w+")
    args = [trapsink, "serve", "--listen", "udp:127.0.0.1:0", "--config", cfg_path]
    if kafka_only:
        args += ["--jsonl", "none"]  # the Kafka queue alone: the cost of one queued record
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        port = None
        deadline = time.monotonic() + 15
        while port is None and time.monotonic() < deadline:
            with open(log_path) as f:
                m = LISTEN_RE.search(f.read())
            if m:
                port = int(m.group(1))
            elif proc.poll() is not None:
                raise RuntimeError(f"trapsink exited {proc.returncode}:\n{open(log_path).read()}")
            else:
                time.sleep(0.05)
        if port is None:
            raise RuntimeError("trapsink did not report its listener")
        time.sleep(2.0)
        idle = status(proc.pid)["VmRSS"]
        sampler = Sampler(proc.pid)
        sampler.start()
        rcvbuf0 = udp_rcvbuf_errors()
        load = loadavg()

        sent = 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("127.0.0.1", port))
            send = s.send
            t0 = time.monotonic()
            stop_at = t0 + max_seconds
            step = 50_000
            for start in range(0, len(datagrams), step):
                for d in datagrams[start:start + step]:
                    send(d)
                sent = min(start + step, len(datagrams))
                if time.monotonic() >= stop_at:
                    break
            send_secs = time.monotonic() - t0
        rcvbuf = udp_rcvbuf_errors() - rcvbuf0
        rss_end_of_send = status(proc.pid)["VmRSS"]
        # Let the JSON-lines sink write out its queue, then a few more samples.
        time.sleep(5.0)
        sampler.stop()
        hwm = status(proc.pid)["VmHWM"]
        rss_after = status(proc.pid)["VmRSS"]
        stop_t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        stop_secs = time.monotonic() - stop_t
        log_file.flush()
        with open(log_path) as f:
            log = f.read()
        c = parse_summary(log)
        return {
            "capacity": capacity, "sent": sent, "send_secs": send_secs, "rcvbuf_errors": rcvbuf,
            "received": total(c, "trapsink_listener_received_total"),
            "recorded": total(c, "trapsink_listener_recorded_total"),
            "listener_dropped": {re.search(r'reason="([^"]+)"', k).group(1): v
                                 for k, v in c.items()
                                 if k.startswith("trapsink_listener_dropped_total{")},
            "sinks": {s: {k: c.get(f'trapsink_sink_{k}_total{{sink="{s}"}}', 0)
                          for k in ("received", "sent")} |
                      {r: c.get(f'trapsink_sink_discarded_total{{sink="{s}",reason="{r}"}}', 0)
                       for r in ("queue_full", "shutdown", "write_failed")}
                      for s in (("kafka",) if kafka_only else ("jsonl", "kafka"))},
            "idle_kib": idle, "hwm_kib": hwm, "rss_end_of_send_kib": rss_end_of_send,
            "rss_after_kib": rss_after, "samples": sampler.samples, "load": load,
            "stop_secs": stop_secs, "exit": proc.returncode,
            "log_lines": log.count("\n"),
        }
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log_file.close()
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


NO_SINK = dict.fromkeys(("received", "sent", "queue_full", "shutdown", "write_failed"), 0)


def mib(kib):
    return f"{kib / 1024:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trapsink", default=os.path.join(ROOT, "build", "release", "cli", "trapsink"))
    ap.add_argument("--capacities", default="10000,100000")
    ap.add_argument("--count", type=int, default=5_000_000, help="datagrams per run")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="send for at most this long")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    ap.add_argument("--kafka-only", action="store_true",
                    help="no JSON-lines sink: only the Kafka queue holds records")
    ap.add_argument("--timeline", action="store_true", help="print the RSS samples")
    args = ap.parse_args()

    t = time.monotonic()
    datagrams = encode(args.count)
    print(f"encoded {len(datagrams):,} distinct traps of {len(datagrams[0])} bytes in "
          f"{time.monotonic() - t:.1f} s", file=sys.stderr)
    results = []
    for cap in (int(x) for x in args.capacities.split(",")):
        r = run_one(args.trapsink, cap, datagrams, args.max_seconds, args.keep,
                    args.kafka_only)
        results.append(r)
        j, k = r["sinks"].get("jsonl", NO_SINK), r["sinks"]["kafka"]
        print(f"capacity {cap:,}: sent {r['sent']:,} in {r['send_secs']:.1f} s "
              f"({r['sent'] / r['send_secs']:,.0f}/s), received {r['received']:,}, "
              f"UDP RcvbufErrors +{r['rcvbuf_errors']:,}; jsonl {j}; kafka {k}; "
              f"idle {mib(r['idle_kib'])} MiB, peak {mib(r['hwm_kib'])} MiB, "
              f"end of send {mib(r['rss_end_of_send_kib'])} MiB, 5 s later "
              f"{mib(r['rss_after_kib'])} MiB; load {r['load']}; stop {r['stop_secs']:.1f} s, "
              f"exit {r['exit']}", file=sys.stderr)
        if args.timeline:
            print("  RSS MiB every 0.5 s: " + " ".join(mib(kb) for _, kb in r["samples"]),
                  file=sys.stderr)

    print()
    print("| queue_capacity | sent (Python) | send rate | received | kernel drops | "
          "jsonl sent | jsonl discarded: queue_full / shutdown | kafka sent | "
          "kafka discarded: queue_full / shutdown | idle RSS | peak RSS (VmHWM) | "
          "RSS 5 s after the send | (peak - idle) / capacity |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        j, k = r["sinks"].get("jsonl", NO_SINK), r["sinks"]["kafka"]
        per = (r["hwm_kib"] - r["idle_kib"]) * 1024 / r["capacity"]
        what = f"{r['capacity']:,}" + (" (Kafka only)" if "jsonl" not in r["sinks"] else "")
        print(f"| {what} | {r['sent']:,} | {r['sent'] / r['send_secs']:,.0f}/s | "
              f"{r['received']:,} | {r['sent'] - r['received']:,} | {j['sent']:,} | "
              f"{j['queue_full']:,} / {j['shutdown']:,} | "
              f"{k['sent']:,} | {k['queue_full']:,} / {k['shutdown']:,} | "
              f"{mib(r['idle_kib'])} MiB | {mib(r['hwm_kib'])} MiB | "
              f"{mib(r['rss_after_kib'])} MiB | {per:,.0f} |")
    print()
    for r in results:
        # A record refused by one queue (here Kafka's) still goes to the others (JSON lines); the
        # listener then counts the datagram as dropped with reason queue_full, not as recorded.
        # So every sink is offered what the listener received minus its other drops.
        dropped = r["listener_dropped"]
        other = sum(v for k, v in dropped.items() if k != "queue_full")
        offered = r["received"] - other
        line = [f"capacity {r['capacity']:,}: received {r['received']:,} (recorded "
                f"{r['recorded']:,}, listener drops {dropped})"]
        for name, s in r["sinks"].items():
            discarded = s["queue_full"] + s["shutdown"] + s["write_failed"]
            balanced = s["received"] == offered and s["sent"] + discarded == s["received"]
            line.append(f"{name}: offered {s['received']:,} = sent {s['sent']:,} + discarded "
                        f"{discarded:,} ({'balanced' if balanced else 'NOT BALANCED'})")
        print("; ".join(line))


if __name__ == "__main__":
    main()
