#!/usr/bin/env bash
# Two builds of ingest-api side by side on one broker, loaded in turn (ABAB...) at one fixed rate, so
# that both see the same machine: the CPU the service and the broker spend per order, and the CPU
# the hypervisor stole, for each endpoint and each build. docs/benchmarks/ingest.md has the figures.
#   ingest-api/bench/compare.sh OTHER-CHECKOUT
# OTHER-CHECKOUT is another work tree of this repository, built without installing (so that the local
# Maven repository keeps this tree's modules) and with its bench classpath written:
#   git worktree add /tmp/old REV && cd /tmp/old &&
#   mvn -q package -DskipTests -pl contract,observability,testing,infra/local,ingest-api &&
#   mvn -q -pl ingest-api test-compile dependency:build-classpath -Dmdep.includeScope=test \
#     -Dmdep.outputFile=target/bench.classpath
# Its Spillway modules are then taken from its own target/ folders, not from the local repository.
# This tree is built by ingest-api/bench/run.sh (BUILD=1).
# Knobs: RATE (2000), SECONDS_PER_RUN (10), ROUNDS (3), WARM_BROKER (30000).
set -euo pipefail
cd "$(dirname "$0")/../.."
OTHER=$(cd "$1" && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
RATE=${RATE:-2000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
ROUNDS=${ROUNDS:-3}
WARM_BROKER=${WARM_BROKER:-30000}
classpath() { echo "$1/ingest-api/target/classes:$1/ingest-api/target/test-classes:$(cat "$1/ingest-api/target/bench.classpath")"; }
THIS_CP=$(classpath "$PWD")
OTHER_CP=$(classpath "$OTHER" | sed -E \
  -e "s#[^:]*/io/spillway/spillway-(contract|observability|testing)/[^:]*\.jar#$OTHER/\1/target/classes#g" \
  -e "s#[^:]*/io/spillway/spillway-local-stack/[^:]*\.jar#$OTHER/infra/local/target/classes#g")
WORK=$(mktemp -d /tmp/ingest-compare.XXXXXX)
BROKER_PORT=19292
# shellcheck source=ingest-api/bench/common.sh
source ingest-api/bench/common.sh
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

start_broker "$THIS_CP" "$BROKER_PORT"
SERVICE_OPTS=(-Xms256m -Xmx256m -XX:+UseG1GC)
OTHER_PID=$(start_service "$OTHER_CP" 18180 "$BROKER_PORT" "${SERVICE_OPTS[@]}"); pids+=("$OTHER_PID")
THIS_PID=$(start_service "$THIS_CP" 18190 "$BROKER_PORT" "${SERVICE_OPTS[@]}"); pids+=("$THIS_PID")
await_ready 18180
await_ready 18190

run() { # run NAME PORT PID PATH RATE SECONDS: one line of CPU per order
  local service_before broker_before stat_before line answered
  service_before=$(cpu_ticks "$3"); broker_before=$(cpu_ticks "$BROKER"); stat_before=$(cpu_stat)
  line=$("$JAVA" -Xms64m -Xmx64m -XX:+UseSerialGC -cp "$THIS_CP" io.spillway.ingest.bench.LoadGenerator \
    "http://127.0.0.1:$2$4" "$5" "$6" 256 bench GA 0 2>/dev/null)
  answered=$(sed -n 's/.* completed=\([0-9]*\).*/\1/p' <<<"$line")
  echo "$1 $4 rate=$5/s orders=$answered" \
    "service_us_per_order=$(microseconds_per $(($(cpu_ticks "$3") - service_before)) "$answered")" \
    "broker_us_per_order=$(microseconds_per $(($(cpu_ticks "$BROKER") - broker_before)) "$answered")" \
    "steal=$(steal_since "$stat_before")" \
    "p99=$(sed -n 's/.* p99=\([0-9.]*ms\).*/\1/p' <<<"$line")"
}
echo "== JIT warm-up, not counted: 15 s per endpoint and build at 4000/s"
for path in /bench/bare/orders /api/v1/orders; do
  run other 18180 "$OTHER_PID" "$path" 4000 15 >/dev/null
  run this 18190 "$THIS_PID" "$path" 4000 15 >/dev/null
done
echo "== $ROUNDS rounds at $RATE/s, $SECONDS_PER_RUN s each: other = $OTHER ($(git -C "$OTHER" rev-parse --short HEAD)), this = $(git rev-parse --short HEAD)"
for round in $(seq "$ROUNDS"); do
  for path in /bench/bare/orders /api/v1/orders; do
    run other 18180 "$OTHER_PID" "$path" "$RATE" "$SECONDS_PER_RUN"
    run this 18190 "$THIS_PID" "$path" "$RATE" "$SECONDS_PER_RUN"
  done
done
