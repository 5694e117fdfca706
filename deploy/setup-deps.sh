#!/usr/bin/env bash
# Installs what trapsink needs from Debian 12 packages. Idempotent: when every package is
# already installed it returns at once without touching apt.
#   deploy/setup-deps.sh          build + run dependencies
#   deploy/setup-deps.sh --test   also the test peers (Net-SNMP tools, PySNMP, clang for fuzzing,
#                                 Java and Maven for the Kafka broker of deploy/kafka-dev.sh)
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libssl-dev nlohmann-json3-dev librdkafka-dev libsqlite3-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libre2-dev zlib1g-dev
  libjemalloc-dev                 # the trapsink binary's malloc (docs/performance.md)
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev
  snmp snmpd snmptrapd python3 python3-pysnmp4 python3-jsonschema
  sqlite3                         # the SQLite interop tests check databases with the sqlite3 shell
  clang libclang-rt-14-dev
  openjdk-17-jre-headless maven   # deploy/kafka-dev.sh: the Kafka broker of the "kafka" tests
  chromium                        # the web page test (tests/interop/test_http_web_page.py)
)

pkgs=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then pkgs+=("${test_pkgs[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then exit 0; fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
