#!/usr/bin/env bash
# Configure and build one flavour of trapsink. Idempotent and incremental.
#   deploy/build.sh release [targets...]   build/release: RelWithDebInfo, -Werror
#   deploy/build.sh asan [targets...]      build/asan: AddressSanitizer + UBSan, no benchmarks
#   deploy/build.sh fuzz [targets...]      build/fuzz: clang, libFuzzer + ASan + UBSan
# TRAPSINK_CMAKE_FLAGS adds CMake options when the build directory is first configured, e.g.
# "-DTRAPSINK_TESTS=OFF -DTRAPSINK_BENCH=OFF" where the test packages are not installed
# (docker/Dockerfile).
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
if [[ -n "${TRAPSINK_CMAKE_FLAGS:-}" ]]; then
  read -r -a extra <<<"$TRAPSINK_CMAKE_FLAGS"
  flags+=("${extra[@]}")
fi
dir="build/$flavour"
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" -j "$jobs" "${targets[@]}"
