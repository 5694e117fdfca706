#!/usr/bin/env bash
# Configure and build one flavour of trapsink. Idempotent and incremental.
#   deploy/build.sh release [targets...]   build/release: RelWithDebInfo, -Werror
#   deploy/build.sh asan [targets...]      build/asan: AddressSanitizer + UBSan, no benchmarks
#   deploy/build.sh fuzz [targets...]      build/fuzz: clang, libFuzzer + ASan + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
shift || true
jobs="${TRAPSINK_JOBS:-$(nproc)}"
case "$flavour" in
  release) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAPSINK_WERROR=ON) ;;
  asan) flags=(-DCMAKE_BUILD_TYPE=Debug -DTRAPSINK_SANITIZE=ON -DTRAPSINK_BENCH=OFF -DTRAPSINK_WERROR=ON) ;;
  fuzz) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DTRAPSINK_FUZZ=ON
               -DTRAPSINK_BENCH=OFF) ;;
  *) echo "deploy/build.sh: unknown flavour '$flavour' (release, asan or fuzz)" >&2; exit 2 ;;
esac
dir="build/$flavour"
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" -j "$jobs" "${targets[@]}"
