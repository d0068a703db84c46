#!/usr/bin/env bash
# A stalled broker under load, with the service's heap capped (docs/benchmarks/ingest.md, "A stalled
# broker under the 256 MB cap"). Starts a broker and ingest-api like run.sh, warms them at 5,000/s, then
# offers RATE (8000) orders/s over CONNECTIONS (6000) connections for 25 s and freezes the broker
# (SIGSTOP) from 6 s to 14 s into that load. Prints the service's in-flight sends and heap each second
# of the stall, then whether it survived, its full collections and its accepted/refused counters.
# Rerun from the repository root (after run.sh has built, or with BUILD=1):
#   flock /work/bench.lock ingest-api/bench/stall.sh
# Knobs: RATE, CONNECTIONS, SERVICE_OPTS (-Xms256m -Xmx256m -XX:+UseG1GC), BUILD (0).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
RATE=${RATE:-8000}
CONNECTIONS=${CONNECTIONS:-6000}
SERVICE_OPTS=${SERVICE_OPTS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
WORK=$(mktemp -d /tmp/ingest-stall.XXXXXX)
WARM_BROKER=5000
BROKER_PORT=${BROKER_PORT:-19192}
HTTP_PORT=${HTTP_PORT:-18180}
if [ "${BUILD:-0}" = 1 ]; then
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api -am install -DskipTests >/dev/null
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
fi
CP="ingest-api/target/classes:ingest-api/target/test-classes:$(cat ingest-api/target/bench.classpath)"

# shellcheck source=ingest-api/bench/common.sh
source ingest-api/bench/common.sh
pids=()
cleanup() {
  kill -CONT "${BROKER:-0}" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_broker "$CP" "$BROKER_PORT"
# shellcheck disable=SC2086
INGEST=$(start_service "$CP" "$HTTP_PORT" "$BROKER_PORT" $SERVICE_OPTS -Xlog:gc:file="$WORK/gc.log")
pids+=("$INGEST")
await_ready "$HTTP_PORT"
# 6,000 connections' buffers need more than the generator's usual 64 MB.
generate() {
  "$JAVA" -Xms1g -Xmx1g -XX:+UseSerialGC -cp "$CP" io.spillway.ingest.bench.LoadGenerator \
    "http://127.0.0.1:$HTTP_PORT/api/v1/orders" "$1" "$2" "$3" bench GA 0 2>>"$WORK/generator.err" || true
}
generate 5000 8 256
(
  sleep 6
  kill -STOP "$BROKER"
  for i in 1 2 3 4 5 6 7 8; do
    sleep 1
    echo "stall t+${i}s in_flight=$(curl -s -m 2 "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
      awk '/^spillway_ingest_sends_in_flight/ {print $2}') heap=$("$JAVA_HOME/bin/jcmd" "$INGEST" GC.heap_info 2>/dev/null |
      grep -o 'used [0-9]*K' | head -1)"
  done
  kill -CONT "$BROKER"
  echo "broker resumed"
) &
generate "$RATE" 25 "$CONNECTIONS"
wait $!
echo "service alive: $(kill -0 "$INGEST" 2>/dev/null && echo yes || echo no)"
echo "full collections: $(grep -c 'Pause Full' "$WORK/gc.log" || true); last: $(grep 'Pause Full' "$WORK/gc.log" | tail -1)"
grep -m1 -i 'OutOfMemoryError' "$WORK/ingest-$HTTP_PORT.log" || echo "no OutOfMemoryError in the service's log"
curl -s -m 5 "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" | grep -E '^spillway_ingest_orders_(accepted|refused)_total' || true
