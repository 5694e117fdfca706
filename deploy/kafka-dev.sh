#!/usr/bin/env bash
# A real Apache Kafka broker for development and tests: one KRaft node (controller and broker in
# one process) listening on 127.0.0.1 only. Idempotent. See docs/kafka.md.
#
#   deploy/kafka-dev.sh start     fetch Kafka if needed, format storage if new, start the broker,
#                                 wait until it serves, print its bootstrap address (host:port)
#   deploy/kafka-dev.sh stop      stop it (SIGTERM, then SIGKILL after 30 s); keeps the data
#   deploy/kafka-dev.sh restart   stop, then start on the same port with the same data
#   deploy/kafka-dev.sh status    print the bootstrap address and exit 0 if running, else exit 3
#   deploy/kafka-dev.sh bootstrap print the bootstrap address if running (exit 3 if not)
#   deploy/kafka-dev.sh fetch     only download the Kafka jars (Maven Central, via mvn)
#   deploy/kafka-dev.sh logs      print the end of the broker's log
#   deploy/kafka-dev.sh clean     stop it and delete its data directory
#
# Options (each also an environment variable):
#   --dir DIR      TRAPSINK_KAFKA_DIR      state: config, data, log, pid  [build/kafka-dev]
#   --port N       TRAPSINK_KAFKA_PORT     client port; 0 picks a free one; once chosen it is
#                                          kept in DIR/port and reused by later starts  [0]
#   --cache DIR    TRAPSINK_KAFKA_CACHE    downloaded jars  [~/.cache/trapsink-kafka]
#   --version V    TRAPSINK_KAFKA_VERSION  org.apache.kafka:kafka_2.13 version  [3.9.1]
#   --partitions N TRAPSINK_KAFKA_PARTITIONS  partitions of auto-created topics  [3]
#   --timeout S    TRAPSINK_KAFKA_START_TIMEOUT  seconds to wait for the broker  [180]
#                  TRAPSINK_KAFKA_HEAP     JVM maximum heap  [512m]
#
# Needs java (17) and mvn: deploy/setup-deps.sh --test installs both.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${TRAPSINK_KAFKA_DIR:-$root/build/kafka-dev}"
port="${TRAPSINK_KAFKA_PORT:-}"
cache="${TRAPSINK_KAFKA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/trapsink-kafka}"
version="${TRAPSINK_KAFKA_VERSION:-3.9.1}"
partitions="${TRAPSINK_KAFKA_PARTITIONS:-3}"
timeout="${TRAPSINK_KAFKA_START_TIMEOUT:-180}"
heap="${TRAPSINK_KAFKA_HEAP:-512m}"
pom="$root/deploy/kafka/pom.xml"

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "kafka-dev: $*" >&2; exit 1; }
say() { echo "kafka-dev: $*" >&2; }

cmd=""
while (($#)); do
  case "$1" in
    start | stop | restart | status | bootstrap | fetch | logs | clean) cmd="$1" ;;
    --dir) dir="${2:?--dir needs a value}"; shift ;;
    --dir=*) dir="${1#*=}" ;;
    --port) port="${2:?--port needs a value}"; shift ;;
    --port=*) port="${1#*=}" ;;
    --cache) cache="${2:?--cache needs a value}"; shift ;;
    --cache=*) cache="${1#*=}" ;;
    --version) version="${2:?--version needs a value}"; shift ;;
    --version=*) version="${1#*=}" ;;
    --partitions) partitions="${2:?--partitions needs a value}"; shift ;;
    --partitions=*) partitions="${1#*=}" ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift ;;
    --timeout=*) timeout="${1#*=}" ;;
    -h | --help | help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done
[[ -n "$cmd" ]] || { usage >&2; exit 2; }
[[ -z "$port" || "$port" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$port'"
[[ "$partitions" =~ ^[1-9][0-9]*$ ]] || die "--partitions must be a positive number"
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds"
case "$cmd" in
  start | restart | fetch) mkdir -p "$dir" ;;
  *) [[ -d "$dir" ]] || { [[ "$cmd" == status ]] && say "not running (no $dir)"; [[ "$cmd" == stop || "$cmd" == clean ]] && exit 0; exit 3; } ;;
esac
dir="$(cd "$dir" && pwd)"
libs="$cache/kafka_2.13-$version/libs"

# --- download -------------------------------------------------------------------------------

# The jars of kafka_2.13:$version and its runtime dependencies, from Maven Central through mvn,
# into $libs. A stamp (the pom's checksum and the version) makes it a no-op once done; a lock
# keeps two concurrent starts from downloading into the same place.
fetch() {
  command -v java >/dev/null || die "java not found (deploy/setup-deps.sh --test installs it)"
  local stamp="$libs/.complete" want
  want="$(sha256sum "$pom" | cut -d' ' -f1) $version"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found (deploy/setup-deps.sh --test installs maven)"
  mkdir -p "$cache" 2>/dev/null && [[ -w "$cache" ]] ||
    die "cannot write the download cache $cache (set TRAPSINK_KAFKA_CACHE or --cache)"
  exec 8>"$cache/fetch.lock"
  flock 8
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exec 8>&-; return 0; fi
  say "downloading Apache Kafka $version (kafka_2.13) from Maven Central into $libs"
  local t0=$SECONDS tmp="$libs.tmp"
  rm -rf "$tmp"
  # Three tries, 5 and 15 s apart, for a registry that hiccups. (-q still prints colour
  # resets; sed drops them.)
  local try ok=0
  for try in 1 2 3; do
    if mvn -B -q -f "$pom" -Dkafka.version="$version" -Dmaven.repo.local="$cache/m2" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
        sed 's/\x1b\[[0-9;]*m//g' >&2; then
      ok=1
      break
    fi
    rm -rf "$tmp"
    ((try < 3)) && { say "mvn failed (try $try of 3); retrying"; sleep $((try == 1 ? 5 : 15)); }
  done
  if ((ok == 0)); then
    die "mvn could not fetch org.apache.kafka:kafka_2.13:$version (see the Maven output above)"
  fi
  ls "$tmp"/kafka_2.13-"$version".jar >/dev/null 2>&1 || die "mvn fetched no kafka_2.13 jar"
  rm -rf "$libs"
  mv "$tmp" "$libs"
  echo "$want" >"$stamp"
  say "downloaded in $((SECONDS - t0)) s ($(du -sh "$libs" | cut -f1))"
  exec 8>&-
}

# --- process bookkeeping --------------------------------------------------------------------

# The broker's pid if it is running from this directory, else nothing (a stale pid file is
# ignored: the pid must be a java process running kafka.Kafka with this directory's config).
running_pid() {
  local pid
  [[ -f "$dir/kafka.pid" ]] || return 0
  pid="$(cat "$dir/kafka.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if [[ -r "/proc/$pid/cmdline" ]] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $dir/server.properties"; then
    echo "$pid"
  fi
}

# Whether process $1 exists and is not a zombie.
alive() {
  local state
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

bootstrap() { echo "127.0.0.1:$(cat "$dir/port")"; }

# Whether something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A TCP port on 127.0.0.1 that nothing listens on (bound and released by the kernel when
# python3 is there, else a random unprivileged port that refuses connections).
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    if ! port_open "$p"; then echo "$p"; return; fi
  done
  die "found no free port"
}

# --- configuration --------------------------------------------------------------------------

write_config() {
  local port="$1" cport="$2"
  cat >"$dir/server.properties" <<EOF
# Written by deploy/kafka-dev.sh at every start; edits are lost.
# One KRaft node: controller and broker in one process, 127.0.0.1 only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
# A single node: internal topics with one replica and one partition (fast consumer-group start).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=$partitions
default.replication.factor=1
min.insync.replicas=1
# Development data stays small: 64 MiB segments, at most 1 GiB per partition, 24 h.
log.segment.bytes=67108864
log.retention.bytes=1073741824
log.retention.hours=24
log.retention.check.interval.ms=60000
num.network.threads=2
num.io.threads=4
EOF
  cat >"$dir/log4j.properties" <<EOF
# Written by deploy/kafka-dev.sh: the broker logs to $dir/server.log.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
}

java_opts() {
  echo "-Xms128m -Xmx$heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20" \
       "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent" \
       "-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true" \
       "-Dlog4j.configuration=file:$dir/log4j.properties -Dkafka.logs.dir=$dir"
}

# Format the storage once (kafka.tools.StorageTool, as bin/kafka-storage.sh does).
format_storage() {
  [[ -f "$dir/data/meta.properties" ]] && return 0
  local id
  # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding (22 characters). Like
  # Kafka's own Uuid.randomUuid, never one that starts with '-': the storage tool would read it
  # as an option and refuse to format (one start in 64 would fail).
  id="-"
  while [[ "$id" == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  # shellcheck disable=SC2046
  java $(java_opts) -cp "$libs/*" kafka.tools.StorageTool format -t "$id" \
      -c "$dir/server.properties" >"$dir/format.log" 2>&1 ||
    { cat "$dir/format.log" >&2; die "formatting the storage in $dir/data failed"; }
}

# --- commands -------------------------------------------------------------------------------

# Launch the broker detached (own session, no inherited descriptors, so a caller that waits for
# its output pipe — ctest — is not held up) and wait until it serves. Returns 2 when the port
# was taken, 1 on any other failure.
launch() {
  local pid bg deadline log="$dir/server.log"
  [[ -f "$log" ]] && mv -f "$log" "$log.prev"
  : >"$log"
  # The lock descriptors (8, 9) are closed so the broker does not hold the locks.
  # shellcheck disable=SC2016,SC2046
  setsid bash -c 'echo $$ >"$1/kafka.pid"; shift; exec "$@"' _ "$dir" \
      java $(java_opts) -cp "$libs/*" kafka.Kafka "$dir/server.properties" \
      </dev/null >"$dir/server.out" 2>&1 8>&- 9>&- &
  bg=$!
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    pid="$(running_pid)"
    # "Kafka Server started" is logged once the broker is unfenced and serves requests.
    if [[ -n "$pid" ]] && grep -q "Kafka Server started" "$log" && port_open "$(cat "$dir/port")"; then
      return 0
    fi
    if [[ -z "$pid" ]] && ! alive "$bg"; then
      if grep -qE "Address already in use|BindException" "$log" "$dir/server.out"; then
        return 2
      fi
      say "the broker exited during startup; end of $log and $dir/server.out:"
      tail -n 30 "$log" "$dir/server.out" >&2
      return 1
    fi
    sleep 0.2
  done
  say "the broker did not start within $timeout s; end of $log:"
  tail -n 30 "$log" >&2
  stop_broker
  return 1
}

start_broker() {
  local pid t0=$SECONDS rc
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if [[ -n "$port" && "$port" != 0 && "$port" != "$(cat "$dir/port")" ]]; then
      die "already running on $(bootstrap) (pid $pid); stop it to change the port"
    fi
    bootstrap
    return 0
  fi
  fetch
  for attempt in 1 2 3; do
    # The client port: as asked, else the one used before (clients keep their bootstrap
    # address across restarts), else a free one. The controller port is private.
    local p="$port" cp
    if [[ -z "$p" || "$p" == 0 ]]; then
      if [[ -f "$dir/port" && $attempt == 1 ]]; then p="$(cat "$dir/port")"; else p="$(free_port)"; fi
    fi
    cp="$(free_port)"
    [[ "$cp" != "$p" ]] || cp="$(free_port)"
    echo "$p" >"$dir/port"
    write_config "$p" "$cp"
    format_storage
    rc=0
    launch || rc=$?
    if ((rc == 0)); then
      say "broker running (pid $(running_pid), data $dir/data, log $dir/server.log), started in $((SECONDS - t0)) s"
      bootstrap
      return 0
    fi
    if ((rc == 2)) && [[ -z "$port" || "$port" == 0 ]]; then
      say "port $p or $cp was taken; trying other ports"
      continue
    fi
    ((rc == 2)) && die "port $p (or controller port $cp) is already in use"
    die "the broker failed to start (log: $dir/server.log)"
  done
  die "no free port found after 3 attempts"
}

stop_broker() {
  local pid
  pid="$(running_pid)"
  [[ -n "$pid" ]] || { rm -f "$dir/kafka.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    [[ -n "$(running_pid)" ]] || break
    sleep 0.2
  done
  if [[ -n "$(running_pid)" ]]; then
    say "pid $pid did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$dir/kafka.pid"
  say "stopped"
}

# Serialize start/stop/restart/clean on one directory.
exec 9>"$dir/.lock"
case "$cmd" in
  fetch) fetch ;;
  start) flock 9; start_broker ;;
  stop) flock 9; stop_broker ;;
  restart) flock 9; stop_broker; start_broker ;;
  status | bootstrap)
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
      [[ "$cmd" == status ]] && say "not running (dir $dir)"
      exit 3
    fi
    [[ "$cmd" == status ]] && say "running, pid $pid, dir $dir"
    bootstrap
    ;;
  logs) tail -n 100 "$dir/server.log" ;;
  clean)
    flock 9
    stop_broker
    rm -rf "$dir/data" "$dir/server.log" "$dir/server.log.prev" "$dir/server.out" \
           "$dir/format.log" "$dir/server.properties" "$dir/log4j.properties" "$dir/port"
    say "removed the data in $dir"
    ;;
esac
