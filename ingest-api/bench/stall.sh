#!/usr/bin/env bash
# A stalled broker under load, with the service's heap capped (docs/benchmarks/ingest.md, "A stalled
# broker under the 256 MB cap"). Starts a broker and ingest-api like run.sh, warms them at 5,000/s, then
# offers RATE (8000) orders/s over CONNECTIONS (6000) connections for LOAD_SECONDS (30) and freezes the
# broker (SIGSTOP) from STALL_AT (8) to STALL_AT + STALL (8) seconds after that load started.
#
# Prints, for every second of the load: the answers the generator got (and their share of the offered
# rate), the 202s and 503s among them, and the service's heap in use (jstat, which reads the JVM's
# shared counters and needs nothing from the service, so it works even while the service is wedged).
# Then a summary: heap cap, most heap in use and most left by a collection, full collections,
# OutOfMemoryError or not; the lowest
# share of answers in any second of the load; accepted/s before the stall; and how long after the
# broker's return accepted/s was back at 90 % of that (target: within 10 s).
# Rerun from the repository root (after run.sh has built, or with BUILD=1):
#   flock /work/bench.lock ingest-api/bench/stall.sh
# Knobs: RATE, CONNECTIONS, LOAD_SECONDS, STALL_AT, STALL, SERVICE_OPTS (-Xms256m -Xmx256m -XX:+UseG1GC),
#        HISTOGRAM (0; 1: a class histogram of the service's heap in the middle of the stall, which
#        runs a full collection itself), BUILD (0).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
RATE=${RATE:-8000}
CONNECTIONS=${CONNECTIONS:-6000}
SECONDS_OF_LOAD=${LOAD_SECONDS:-30}
STALL_AT=${STALL_AT:-8}
STALL=${STALL:-8}
SERVICE_OPTS=${SERVICE_OPTS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
WORK=$(mktemp -d /tmp/ingest-stall.XXXXXX)
WARM_BROKER=5000
BROKER_PORT=${BROKER_PORT:-19192}
HTTP_PORT=${HTTP_PORT:-18180}
if [ "${BUILD:-0}" = 1 ]; then
  # In the reactor, so that the sibling modules come from their target/ folders and nothing is
  # installed in the shared local repository.
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api -am test-compile dependency:build-classpath \
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
now_ms() { date +%s%3N; }

start_broker "$CP" "$BROKER_PORT"
# shellcheck disable=SC2086
INGEST=$(start_service "$CP" "$HTTP_PORT" "$BROKER_PORT" $SERVICE_OPTS -Xlog:gc:file="$WORK/gc.log")
pids+=("$INGEST")
await_ready "$HTTP_PORT"
CAP_MB=$(( $("$JAVA_HOME/bin/jcmd" "$INGEST" VM.flags | grep -o 'MaxHeapSize=[0-9]*' | head -1 | cut -d= -f2) / 1048576 ))
# The service's heap every second: jstat's Timestamp is the JVM's uptime, mapped to the wall clock
# through the uptime at one known moment.
"$JAVA_HOME/bin/jstat" -gc -t "$INGEST" 1000 >"$WORK/jstat" 2>/dev/null &
pids+=("$!")
UPTIME_AT=$(now_ms)
UPTIME_MS=$("$JAVA_HOME/bin/jcmd" "$INGEST" VM.uptime | awk '/s$/ {printf "%d", $1 * 1000}')
# 6,000 connections' buffers need more than the generator's usual 64 MB.
generate() {
  "$JAVA" -Xms1g -Xmx1g -XX:+UseSerialGC "${@:4}" -cp "$CP" io.spillway.ingest.bench.LoadGenerator \
    "http://127.0.0.1:$HTTP_PORT/api/v1/orders" "$1" "$2" "$3" bench GA 0 2>>"$WORK/generator.err" ||
    { echo "generator failed:"; tail -5 "$WORK/generator.err"; }
}
echo "warm-up: $(generate 5000 8 256)"
(
  # From the moment the load starts (its connections are open), not from the generator's launch.
  until [ -s "$WORK/started" ]; do sleep 0.1; done
  sleep "$STALL_AT"
  now_ms >"$WORK/stopped"
  kill -STOP "$BROKER"
  if [ "${HISTOGRAM:-0}" = 1 ]; then
    sleep $((STALL / 2))
    timeout 20 "$JAVA_HOME/bin/jcmd" "$INGEST" GC.class_histogram >"$WORK/histogram" 2>&1 || true
    sleep $((STALL - STALL / 2))
  else
    sleep "$STALL"
  fi
  now_ms >"$WORK/resumed"
  kill -CONT "$BROKER"
) &
STALLER=$!
echo "load: $(generate "$RATE" "$SECONDS_OF_LOAD" "$CONNECTIONS" -Dtimeline="$WORK/timeline" -Dstarted="$WORK/started")"
wait "$STALLER"
if [ "${HISTOGRAM:-0}" = 1 ]; then
  echo "class histogram in the middle of the stall (top 20):"
  sed -n '1,23p' "$WORK/histogram"
fi

# Every second of the load: its answers against the offered rate, and the heap at that second.
awk -v rate="$RATE" -v seconds="$SECONDS_OF_LOAD" -v stopped="$(cat "$WORK/stopped")" \
  -v resumed="$(cat "$WORK/resumed")" -v uptime_at="$UPTIME_AT" -v uptime_ms="$UPTIME_MS" -v cap="$CAP_MB" '
  FNR == 1 { file++ }
  file == 1 && $1 ~ /^[0-9.]+$/ {               # jstat -gc -t: S0U S1U EU OU are columns 4, 5, 7, 9 (KB)
    at = uptime_at + ($1 * 1000 - uptime_ms); used = ($4 + $5 + $7 + $9) / 1024
    heap_at[n_heap] = at; heap_mb[n_heap++] = used; if (used > heap_max) heap_max = used; next }
  file == 2 { t[n] = $1; answers[n] = $2; accepted[n] = $3; shed[n] = $4; n++ }
  END {
    printf "%5s %8s %7s %9s %7s %8s  %s\n", "s", "answers", "share", "accepted", "503", "heap MB", "broker"
    min_share = 1; pre = 0; pre_n = 0; recovered = -1
    for (i = 0; i < n && i < seconds; i++) {
      h = 0; for (j = 0; j < n_heap; j++) if (heap_at[j] <= t[i] + 1000) h = heap_mb[j]
      state = (t[i] + 1000 <= stopped) ? "up" : (t[i] >= resumed ? "back" : "stopped")
      share = answers[i] / rate; if (i > 0 && share < min_share) min_share = share
      printf "%5d %8d %6.0f%% %9d %7d %8.0f  %s\n", i, answers[i], 100 * share, accepted[i], shed[i], h, state
      if (i > 0 && state == "up") { pre += accepted[i]; pre_n++ }
    }
    pre = pre_n ? pre / pre_n : 0
    for (i = 0; i < n && i < seconds; i++)
      if (t[i] + 1000 > resumed && recovered < 0 && accepted[i] >= 0.9 * pre) recovered = (t[i] + 1000 - resumed) / 1000
    printf "heap: cap %d MB, most in use %.0f MB (%.0f%% of the cap)\n", cap, heap_max, 100 * heap_max / cap
    printf "answers: lowest share of the offered %d/s in any second after the first: %.0f%%\n", rate, 100 * min_share
    printf "accepted/s before the stall: %.0f (mean of %d seconds)\n", pre, pre_n
    if (recovered >= 0) printf "back to 90%% of it %.1f s after the broker returned\n", recovered
    else printf "not back to 90%% of it before the load ended\n"
  }' "$WORK/jstat" "$WORK/timeline"
echo "service alive: $(kill -0 "$INGEST" 2>/dev/null && echo yes || echo no)"
# G1 lets the young generation fill whatever the old one leaves, so the heap in use touches the cap
# under any load; what a collection leaves (the live set and the old garbage) is what can run out.
echo "heap left by collections: most $(grep -o -- '->[0-9]*M' "$WORK/gc.log" | tr -d '>M-' | sort -n | tail -1) MB of $CAP_MB MB"
echo "full collections: $(grep -c 'Pause Full' "$WORK/gc.log" || true)"
grep -m1 -i 'OutOfMemoryError' "$WORK/ingest-$HTTP_PORT.log" || echo "no OutOfMemoryError in the service's log"
curl -s -m 5 "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
  grep -E '^spillway_ingest_orders_(accepted|refused)_total' || echo "metrics endpoint did not answer"
