#!/usr/bin/python3
"""Enrichment under load: 10,000 traps/s, 10% of them needing a query, loses nothing.

Not a test (nothing is asserted): a script that prints figures for docs/performance.md.

It starts Net-SNMP's snmpd on a free loopback port (the agent: it serves IF-MIB for the
machine's interfaces) and `trapsink serve` writing JSON lines, with one enrich rule: linkDown ->
GET ifName, ifDescr, ifAlias of the trap's ifIndex from 127.0.0.1:<snmpd port>. Then two
`trapsink blast` runs at once for --duration seconds: --rate x 0.9 linkUp traps/s (no rule
matches them) and --rate x 0.1 linkDown traps/s for a real ifIndex of snmpd (each needs a
query; with the default --cache-ttl 0 every one is a real GET to snmpd, the worst case; a TTL
lets the cache answer repeats). When the blasts end it waits for the records to stop growing,
stops trapsink and prints: sent vs written records (lost = sent - written), the enrichment
outcomes from the records and from trapsink's counters, the kernel's UDP receive-buffer drops
(/proc/net/snmp) during the run, and the CPU time of trapsink and of snmpd (/proc/PID/stat),
with the load average (the machine may be shared).

Usage: tests/bench/enrich_load.py [--rate 10000] [--duration 10] [--cache-ttl 0]
                                  [--max-in-flight 16] [--trapsink build/release/cli/trapsink]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
os.environ.setdefault("TRAPSINK_BIN", os.path.join(HERE, "..", "..", "build", "release", "cli",
                                                   "trapsink"))

from harness import Trapsink, parse_summary  # noqa: E402
from netsnmp_peers import Snmpd, netsnmp  # noqa: E402

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def udp_rcvbuf_errors():
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def count_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=10000)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--query-share", type=float, default=0.1)
    ap.add_argument("--cache-ttl", default="0")
    ap.add_argument("--max-in-flight", type=int, default=16)
    ap.add_argument("--trapsink", default=os.environ["TRAPSINK_BIN"])
    args = ap.parse_args()
    os.environ["TRAPSINK_BIN"] = args.trapsink

    with Snmpd(["rocommunity public 127.0.0.1"]) as agent:
        r = netsnmp("snmpwalk", ["-v2c", "-c", "public", "-On", agent.address,
                                 "1.3.6.1.2.1.2.2.1.1"])
        index = max(int(m) for m in re.findall(r"= INTEGER: (\d+)", r.stdout))
        config = {
            "enrich": [{"name": "ifnames", "match": {"trap": [LINK_DOWN]},
                        "index_from": "1.3.6.1.2.1.2.2.1.1",
                        "get": ["1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.2.2.1.2",
                                "1.3.6.1.2.1.31.1.1.1.18"],
                        "target": {"port": agent.port, "community": "public"},
                        "timeout": "2s", "retries": 1}],
            "enrich_options": {"cache_ttl": args.cache_ttl,
                               "max_in_flight_per_agent": args.max_in_flight},
        }
        with Trapsink(config=config) as ts:
            snmpd_pid = agent.proc.pid
            cpu0 = (cpu_seconds(ts.proc.pid), cpu_seconds(snmpd_pid))
            drops0 = udp_rcvbuf_errors()
            target = f"udp:127.0.0.1:{ts.port}"
            plain_rate = args.rate * (1 - args.query_share)
            query_rate = args.rate * args.query_share

            def blast(rate, *extra):
                return subprocess.Popen(
                    [args.trapsink, "blast", "--target", target, "--kind", "v2c-trap", "--rate",
                     str(rate), "--duration", str(args.duration), "--count", "0", "--json",
                     *extra], stdout=subprocess.PIPE, text=True)

            t0 = time.monotonic()
            # (blast's --rate 0 means flat out: a share of 0 sends nothing instead)
            blasts = [blast(plain_rate, "--trap-oid", LINK_UP) if plain_rate > 0 else None,
                      blast(query_rate, "--trap-oid", LINK_DOWN, "--if-index", str(index))
                      if query_rate > 0 else None]
            sent = [json.loads(b.communicate()[0])["sent"] if b else 0 for b in blasts]
            # Wait for the records to stop growing (or all to be written).
            last, still = -1, 0
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                n = count_lines(ts.jsonl)
                if n >= sum(sent):
                    break
                still = still + 1 if n == last else 0
                if still >= 20:  # 2 s without a new record
                    break
                last = n
                time.sleep(0.1)
            elapsed = time.monotonic() - t0
            cpu1 = (cpu_seconds(ts.proc.pid), cpu_seconds(snmpd_pid))
            drops = udp_rcvbuf_errors() - drops0
            ts.stop()
            counters = parse_summary(ts.log())
            statuses, plain = {}, 0
            with open(ts.jsonl) as f:
                for line in f:
                    rec = json.loads(line)
                    en = rec.get("enrichment")
                    if en is None:
                        plain += 1
                    else:
                        statuses[en["status"]] = statuses.get(en["status"], 0) + 1
    written = plain + sum(statuses.values())
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"offered {args.rate:.0f} traps/s for {args.duration:g} s: {plain_rate:.0f}/s linkUp "
          f"(no rule) + {query_rate:.0f}/s linkDown ifIndex {index} (enrich rule, cache_ttl "
          f"{args.cache_ttl}, max_in_flight_per_agent {args.max_in_flight}); snmpd 5.9.3 on "
          f"loopback is the agent")
    print(f"sent {sum(sent)} ({sent[0]} linkUp + {sent[1]} linkDown), written {written} "
          f"({plain} without enrichment + {sum(statuses.values())} enriched), lost "
          f"{sum(sent) - written}; kernel UDP receive-buffer drops during the run: {drops}")
    discarded = sum(v for k, v in counters.items() if k.startswith("trapsink_sink_discarded_total"))
    print(f"sink queue discards (trapsink_sink_discarded_total): {discarded}")
    print("enrichment status in the records: " +
          ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print("trapsink_enrich_records_total: " +
          ", ".join(f"{k.split('outcome=')[1].rstrip('}').strip(chr(34))} {v}"
                    for k, v in sorted(counters.items())
                    if k.startswith("trapsink_enrich_records_total")))
    print(f"CPU over {elapsed:.1f} s (blasts + drain): trapsink {cpu1[0] - cpu0[0]:.2f} s "
          f"({100 * (cpu1[0] - cpu0[0]) / elapsed:.0f}% of a core), snmpd "
          f"{cpu1[1] - cpu0[1]:.2f} s ({100 * (cpu1[1] - cpu0[1]) / elapsed:.0f}%); load "
          f"average {load}")


if __name__ == "__main__":
    main()
