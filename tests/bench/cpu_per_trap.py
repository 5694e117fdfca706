#!/usr/bin/python3
"""Receiver CPU per notification: `trapsink serve` under `trapsink blast` at a fixed rate.

CPU time per notification moves far less with the machine's load than the highest sustained
rate does, so this is the figure to compare before and after a change on a shared machine.
One run: start serve as tests/bench/vs_snmptrapd.py starts it (default receive shards, the
bundled MIB index naming every record, 32 MiB receive buffer asked, JSON lines to a file unless
--sqlite), blast --count at --rate, wait until every record is written (or the output stops
growing), then print the records written, the loss, and serve's CPU (utime + stime from
/proc/PID/stat) per record, in total and per thread (receive shards, sink runners, main: the
threads are listed by their id, which is their creation order: main, sink runners, shards).

With --perf, `perf record -g` runs on serve for the blast (perf.data in --keep'd directory);
read it with `perf report -i DIR/perf.data --no-children --sort tid,sym` or `--sort sym`.

Usage:
  tests/bench/cpu_per_trap.py [--rate 40000] [--seconds 5] [--kind v2c-trap] [--runs 3]
      [--sqlite] [--both] [--shards N] [--perf] [--keep] [--build build/release]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from vs_snmptrapd import count_records, free_port, stat_cpu, vm_hwm_kib  # noqa: E402

USER = dict(name="blaster", auth="SHA", auth_pass="blast-auth-pass", priv="AES",
            priv_pass="blast-priv-pass", engine="80001f8804747261707369")


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            out[int(tid)] = stat_cpu(f"/proc/{pid}/task/{tid}/stat")
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def count(args, jsonl, db):
    return count_records(jsonl if not args.sqlite or args.both else None,
                         db if args.sqlite or args.both else None)


def run(args):
    d = tempfile.mkdtemp(prefix="cpu-per-trap-")
    port = free_port()
    cfg = {"communities": ["public"], "receive_buffer": 32 * 1024 * 1024,
           "users": [{"name": USER["name"], "auth_protocol": USER["auth"],
                      "auth_passphrase": USER["auth_pass"], "priv_protocol": USER["priv"],
                      "priv_passphrase": USER["priv_pass"]}]}
    if args.shards:
        cfg["receive_shards"] = args.shards
    cfg_path = os.path.join(d, "config.yaml")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f)
    jsonl, db = os.path.join(d, "records.jsonl"), os.path.join(d, "records.db")
    cmd = [args.trapsink, "serve", "--config", cfg_path, "--listen", f"udp:127.0.0.1:{port}",
           "--jsonl", jsonl if (not args.sqlite or args.both) else "none"]
    if args.sqlite or args.both:
        cmd += ["--sqlite", db]
    log = open(os.path.join(d, "serve.log"), "w+")
    env = dict(os.environ)
    if args.preload:
        env["LD_PRELOAD"] = args.preload
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 20
        while "listening on" not in open(log.name).read():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("serve did not start: " + open(log.name).read())
            time.sleep(0.05)
        time.sleep(0.3)
        perf = None
        if args.perf:
            perf = subprocess.Popen(["perf", "record", "-q", "-g", "--call-graph", args.call_graph,
                                     "-F", str(args.freq), "-p", str(proc.pid), "-o",
                                     os.path.join(d, "perf.data")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
        before = threads(proc.pid)
        cpu0 = stat_cpu(f"/proc/{proc.pid}/stat")
        blast = [args.trapsink, "blast", "--target", f"udp:127.0.0.1:{port}", "--kind", args.kind,
                 "--count", str(int(args.rate * args.seconds)), "--duration",
                 str(args.seconds * 3), "--rate", str(args.rate), "--sources", "4", "--json"]
        if args.kind == "v3-trap":
            blast += ["--user", USER["name"], "--auth-protocol", USER["auth"],
                      "--auth-passphrase", USER["auth_pass"], "--priv-protocol", USER["priv"],
                      "--priv-passphrase", USER["priv_pass"], "--engine-id", USER["engine"]]
        r = subprocess.run(blast, capture_output=True, text=True, check=True)
        report = json.loads(r.stdout)
        last, since = -1, time.monotonic()
        while True:
            n = count(args, jsonl, db)
            if n >= report["sent"]:
                break
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since > 1.5:
                break
            time.sleep(0.1)
        cpu = stat_cpu(f"/proc/{proc.pid}/stat") - cpu0
        after = threads(proc.pid)
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        recorded = count(args, jsonl, db)
        hwm = vm_hwm_kib(proc.pid)
        per_thread = {t: after[t] - before.get(t, 0.0) for t in sorted(after)}
        return report, recorded, cpu, per_thread, d, hwm
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--rate", type=float, default=40000)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--kind", default="v2c-trap")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--shards", type=int, default=0)
    ap.add_argument("--sqlite", action="store_true", help="SQLite as the only sink")
    ap.add_argument("--both", action="store_true", help="JSON lines and SQLite")
    ap.add_argument("--perf", action="store_true", help="perf record -g on serve (implies --keep)")
    ap.add_argument("--call-graph", default="dwarf,16384")
    ap.add_argument("--freq", type=int, default=999)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--preload", default="", help="LD_PRELOAD for serve (another malloc)")
    args = ap.parse_args()
    args.trapsink = os.path.join(args.build, "cli", "trapsink")
    if args.perf:
        args.keep = True
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load {load}, "
          f"{args.kind} at {args.rate:,.0f}/s for {args.seconds:g} s, {args.trapsink}")
    for _ in range(args.runs):
        report, recorded, cpu, per_thread, d, hwm = run(args)
        sent = report["sent"]
        per = cpu / recorded * 1e6 if recorded else float("nan")
        parts = " ".join(f"{t}:{c / max(recorded, 1) * 1e6:.2f}" for t, c in per_thread.items())
        print(f"sent {sent:,} (blast {report['rate']:,.0f}/s) recorded {recorded:,} "
              f"loss {100 * (1 - recorded / sent):.3f}% cpu {cpu:.2f} s = {per:.2f} µs/record; "
              f"peak RSS {hwm / 1024:.1f} MiB; "
              f"per thread µs/record {parts}" + (f"; kept {d}" if args.keep else ""),
              flush=True)


if __name__ == "__main__":
    main()
