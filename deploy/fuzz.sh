#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for a bounded time over its seeds.
#   deploy/fuzz.sh [SECONDS]   (default 20 per target)
# New inputs go to build/fuzz/corpus/<surface>/, never into the checked-in seeds; a crash
# leaves crash-* files in build/fuzz/ and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
targets=()
for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
deploy/build.sh fuzz "${targets[@]}"
for t in "${targets[@]}"; do
  surface="${t#fuzz_}"
  corpus="build/fuzz/corpus/$surface"
  mkdir -p "$corpus"
  echo "== fuzzing $surface for ${seconds}s" >&2
  (cd build/fuzz && "./tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
     "../../$corpus" "../../tests/fuzz/seeds/$surface" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY" || true)
  # libFuzzer exits non-zero on a finding; the pipeline above hides it, so check for artifacts.
  if compgen -G "build/fuzz/crash-*" >/dev/null || compgen -G "build/fuzz/leak-*" >/dev/null ||
     compgen -G "build/fuzz/timeout-*" >/dev/null; then
    echo "fuzz: $surface found a failing input (see build/fuzz/)" >&2
    exit 1
  fi
done
