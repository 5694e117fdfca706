#!/usr/bin/env bash
# Install what the tests need, build, and run the whole test suite:
#   1. the release build: unit, fuzz-replay and interop tests (real Net-SNMP peers)
#   2. the libFuzzer targets (clang), each run for 20 s over its seeds
#   3. the ASan+UBSan build: the same tests again under the sanitizers
# Both test stages include the Kafka tests (label "kafka"), which start a real single-node
# broker with deploy/kafka-dev.sh (Apache Kafka from Maven Central, cached after first use).
# Pass --quick to skip the sanitizer and fuzz stages. Exit status is non-zero if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
jobs="${TRAPSINK_JOBS:-$(nproc)}"

deploy/setup-deps.sh --test

echo "== release build" >&2
deploy/build.sh release
echo "== release tests" >&2
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 600

if ((quick == 0)); then
  echo "== libFuzzer smoke run" >&2
  deploy/fuzz.sh 20
  echo "== ASan+UBSan build" >&2
  deploy/build.sh asan
  echo "== ASan+UBSan tests" >&2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" --timeout 900
fi
