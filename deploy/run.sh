#!/usr/bin/env bash
# Quick start: install what trapsink needs, build it, and run `trapsink serve` on its embedded
# defaults (UDP 127.0.0.1:1162 and [::1]:1162, community "public", JSON lines on stdout).
# Extra arguments go to `trapsink serve`, e.g. deploy/run.sh --jsonl /tmp/traps.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup-deps.sh
deploy/build.sh release trapsink >&2
exec build/release/cli/trapsink serve "$@"
