#!/usr/bin/python3
"""Walking a large table: `trapsink bulkwalk` against Net-SNMP's `snmpbulkwalk`, same agent,
same max-repetitions.

Not a test (nothing is asserted): a script that prints figures for docs/performance.md.

It starts Net-SNMP's snmpd on a free loopback port with a table of --rows rows (snmpd.conf
`override` lines: .1.3.6.1.4.1.99999.1.1.2.N = "row N description", an OCTET STRING column),
checks that both tools print the same lines, then runs each tool --runs times, alternating,
walking the whole table with -Cr MAXREP (v2c, or v3 authPriv SHA/AES with --v3). For each it
prints the median and best wall time of a whole run (process start to exit, what an operator
waits for), the rows per second of the median, the ratio of the medians snmpbulkwalk / trapsink
(above 1: trapsink is faster) and the median CPU time (user + system) of the tool itself — the
agent does most of the work, so the CPU column shows the tools' own cost.

Usage: tests/bench/walk_vs_snmpbulkwalk.py [--rows 10000] [--runs 15] [--maxrep 10,50]
                                           [--v3] [--trapsink build/release/cli/trapsink]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
os.environ.setdefault("TRAPSINK_BIN", os.path.join(HERE, "..", "..", "build", "release", "cli",
                                                   "trapsink"))

from harness import netsnmp_env  # noqa: E402
from netsnmp_peers import Snmpd, V3User  # noqa: E402

ROOT = ".1.3.6.1.4.1.99999.1"


def timed(argv, env):
    """Wall time of the run, CPU time (user + system) of the tool, its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({r.returncode}): {r.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dt, cpu, r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--maxrep", default="10,50")
    ap.add_argument("--v3", action="store_true")
    ap.add_argument("--trapsink", default=os.environ["TRAPSINK_BIN"])
    args = ap.parse_args()
    user = V3User("SHA", "AES")
    conf = ["rocommunity public 127.0.0.1", user.create_user(), f"rouser {user.name} priv"]
    conf += [f'override {ROOT}.1.2.{i} octet_str "row {i} description"'
             for i in range(1, args.rows + 1)]
    env = netsnmp_env()
    with Snmpd(conf) as agent:
        sec = user.flags() if args.v3 else ["-v2c", "-c", "public"]
        print(f"table: {args.rows} rows under {ROOT}, snmpd 5.9.3 on {agent.address}, "
              f"{'v3 authPriv SHA/AES' if args.v3 else 'v2c'}, {args.runs} runs each, alternating")
        print(f"{'max-rep':>7} {'tool':<13} {'median s':>9} {'best s':>8} {'rows/s':>9} "
              f"{'ratio':>6} {'CPU ms':>8}")
        for rep in [int(x) for x in args.maxrep.split(",")]:
            ours = [args.trapsink, "bulkwalk", "-On", f"-Cr{rep}"] + sec + [agent.address, ROOT]
            theirs = ["snmpbulkwalk", "-On", f"-Cr{rep}"] + sec + [agent.address, ROOT]
            _, _, a = timed(ours, env)
            _, _, b = timed(theirs, env)
            if a != b or a.count(b"\n") != args.rows:
                raise SystemExit("the two tools printed different walks")
            t_ours, t_theirs, c_ours, c_theirs = [], [], [], []
            for _ in range(args.runs):
                dt, cpu, _ = timed(ours, env)
                t_ours.append(dt)
                c_ours.append(cpu)
                dt, cpu, _ = timed(theirs, env)
                t_theirs.append(dt)
                c_theirs.append(cpu)
            m_ours, m_theirs = statistics.median(t_ours), statistics.median(t_theirs)
            cpu_ours, cpu_theirs = statistics.median(c_ours), statistics.median(c_theirs)
            print(f"{rep:>7} {'trapsink':<13} {m_ours:>9.3f} {min(t_ours):>8.3f} "
                  f"{args.rows / m_ours:>9.0f} {m_theirs / m_ours:>6.2f} {cpu_ours * 1000:>8.1f}")
            print(f"{rep:>7} {'snmpbulkwalk':<13} {m_theirs:>9.3f} {min(t_theirs):>8.3f} "
                  f"{args.rows / m_theirs:>9.0f} {'':>6} {cpu_theirs * 1000:>8.1f}")


if __name__ == "__main__":
    main()
