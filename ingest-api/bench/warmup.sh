#!/usr/bin/env bash
# Time to peak for ingest-api started cold (docs/benchmarks/warmup.md, issue 21 "Fast from the first
# second"): a broker of its own (as run.sh), then for each mode a fresh service JVM that is driven at
# saturation from the moment its readiness probe says UP, for WARM_AT + WARM_SECONDS seconds in one
# run of the load generator. Prints the accepted orders of every second of the first COLD_SECONDS
# after readiness, the warm reference (mean accepted/s over the last WARM_SECONDS of the same
# process), and the two figures: seconds from readiness to the first second at >= 80 % of warm, and
# the first 15 s after readiness as a share of 15 warm seconds.
#
# Modes (MODES, default "cold warmup"): cold is the JVM with no help (spillway.warmup off); warmup
# is the service as it ships: the door's own warm-up requests before readiness (WarmupGate,
# until its rate stops rising, at most spillway.warmup.max-duration); aot uses JDK 25's
# ahead-of-time cache (JEP 483 classes loaded and linked, JEP 515 method profiles), made first by a
# training run of the same service: -XX:AOTCacheOutput (JEP 514, one step) while TRAIN_SECONDS of
# saturating load go through the real endpoint, then SIGTERM, at whose exit the JVM assembles the
# cache. The measured aot run takes it with -XX:AOTCache and -XX:AOTMode=on (a cache it cannot use
# is then an error, not a silent cold start), with the warm-up off; aot-warmup is both. The training
# runs first, so that all measured runs see a broker that has served the same load before them.
#
# The AOT cache accepts jar files only on the class path (no non-empty directories), so the
# module's classes and test classes (the bench profile) are packed into jars under WORK, and both
# modes run from that same jar class path.
# Rerun from the repository root:
#   flock /work/bench.lock ingest-api/bench/warmup.sh
# Knobs: MODES, RATE (30000), CONNECTIONS (256), WARM_AT (60), WARM_SECONDS (15), COLD_SECONDS (30),
#        WARMUP_MAX_DURATION (the service's 30s), TRAIN_SECONDS (20), SERVICE_OPTS (-Xms256m -Xmx256m -XX:+UseG1GC), BUILD (1; 0 reuses target/).
# Limits: the load generator is a JVM started beside the service that waits for readiness itself
# (polling every 50 ms; the script polls every 100 ms, so its first request may come a little before
# the readiness the script saw): its start is not in the figures, but its code is as cold as the
# service's (it warms nothing before); the broker is warm
# (a pod joining a running stack), so a whole stack started at once is slower than this.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
MODES=${MODES:-"cold warmup"}
RATE=${RATE:-30000}
CONNECTIONS=${CONNECTIONS:-256}
WARM_AT=${WARM_AT:-60}
WARM_SECONDS=${WARM_SECONDS:-15}
COLD_SECONDS=${COLD_SECONDS:-30}
TRAIN_SECONDS=${TRAIN_SECONDS:-20}
SERVICE_OPTS=${SERVICE_OPTS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
GENERATOR_OPTS="-Xms64m -Xmx64m -XX:+UseSerialGC"
WARM_BROKER=${WARM_BROKER:-30000}
BROKER_PORT=${BROKER_PORT:-19292}
HTTP_PORT=${HTTP_PORT:-18280}
WORK=$(mktemp -d /tmp/ingest-warmup.XXXXXX)
# The payment credential has no default (docs/operations.md); common.sh's start_service does not set
# one, and the service refuses to start without it.
export SPILLWAY_PAYMENT_TOKEN=${SPILLWAY_PAYMENT_TOKEN:-benchmark-payment-token-of-at-least-32-bytes}
if [ "${BUILD:-1}" = 1 ]; then
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
fi
DIR_CP="ingest-api/target/classes:ingest-api/target/test-classes:$(cat ingest-api/target/bench.classpath)"
# The same class path with every directory packed into a jar of its own, in the same order.
mkdir -p "$WORK/jars"
CP=""
n=0
IFS=: read -ra entries <<<"$DIR_CP"
for entry in "${entries[@]}"; do
  if [ -d "$entry" ]; then
    n=$((n + 1))
    jar_file="$WORK/jars/$n-$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry").jar"
    "$JAVA_HOME/bin/jar" --create --file "$jar_file" -C "$entry" .
    entry=$jar_file
  fi
  CP="${CP:+$CP:}$entry"
done

# shellcheck source=ingest-api/bench/common.sh
source ingest-api/bench/common.sh
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
# ready PID: polls the readiness probe every 100 ms; fails if the service died first.
ready() {
  until curl -sf -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" >/dev/null; do
    kill -0 "$1" 2>/dev/null || { echo "service exited before readiness:"; grep -v "\]\[aot\]" "$WORK/ingest-$HTTP_PORT.log" | head -30; exit 1; }
    sleep 0.1
  done
}
stop() { kill -TERM "$1"; while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; }
generate() { # generate SECONDS [JVM option...]
  local seconds=$1
  shift
  # shellcheck disable=SC2086
  "$JAVA" $GENERATOR_OPTS "$@" -cp "$CP" io.spillway.ingest.bench.LoadGenerator \
    "http://127.0.0.1:$HTTP_PORT/api/v1/orders" "$RATE" "$seconds" "$CONNECTIONS" bench GA 0 2>>"$WORK/generator.err"
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
start_broker "$CP" "$BROKER_PORT"

if [[ " $MODES " == *" aot"* ]]; then
  echo "== training run: -XX:AOTCacheOutput, ${TRAIN_SECONDS} s at ${RATE}/s offered, then SIGTERM"
  started=$(now_ms)
  # shellcheck disable=SC2086
  TRAIN=$(SPILLWAY_WARMUP_ENABLED=false start_service "$CP" "$HTTP_PORT" "$BROKER_PORT" $SERVICE_OPTS -XX:AOTCacheOutput="$WORK/app.aot")
  pids+=("$TRAIN")
  ready "$TRAIN"
  echo "training service ready after $(( $(now_ms) - started )) ms (recording)"
  echo "training load: $(generate "$TRAIN_SECONDS")"
  assembly=$(now_ms)
  stop "$TRAIN"
  [ -s "$WORK/app.aot" ] || { echo "no AOT cache written:"; tail -20 "$WORK/ingest-$HTTP_PORT.log"; exit 1; }
  echo "cache assembled in $(( $(now_ms) - assembly )) ms after SIGTERM: $(( $(stat -c %s "$WORK/app.aot") / 1048576 )) MB"
fi

for mode in $MODES; do
  opts=$SERVICE_OPTS
  [[ "$mode" == aot* ]] && opts="$opts -XX:AOTCache=$WORK/app.aot -XX:AOTMode=on"
  warmup=false
  [[ "$mode" == *warmup ]] && warmup=true
  [ -n "${WARMUP_MAX_DURATION:-}" ] && opts="$opts -Dspillway.warmup.max-duration=$WARMUP_MAX_DURATION"
  echo "== $mode: load average $(cut -d' ' -f1-3 /proc/loadavg); service $opts; warm-up $warmup"
  launched=$(now_ms)
  # shellcheck disable=SC2086
  INGEST=$(SPILLWAY_WARMUP_ENABLED=$warmup start_service "$CP" "$HTTP_PORT" "$BROKER_PORT" $opts)
  pids+=("$INGEST")
  rm -f "$WORK/started" "$WORK/timeline"
  # The generator starts beside the service and waits for its readiness itself: its own JVM start
  # is behind it when the first request is due, not inside the measured seconds.
  generate $((WARM_AT + WARM_SECONDS)) -Dtimeline="$WORK/timeline" -Dstarted="$WORK/started" \
    -DawaitReady="http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" >"$WORK/generator.out" &
  GENERATOR=$!
  pids+=("$GENERATOR")
  ready "$INGEST"
  ready_at=$(now_ms)
  wait "$GENERATOR"
  line=$(cat "$WORK/generator.out")
  echo "generator: $line"
  awk -v n=0 -v mode="$mode" -v launched="$launched" -v ready="$ready_at" -v started="$(cat "$WORK/started")" \
    -v cold="$COLD_SECONDS" -v warm_at="$WARM_AT" -v warm_s="$WARM_SECONDS" '
    $1 ~ /^[0-9]+$/ { t[n] = $1; accepted[n] = $3; n++ }
    END {
      for (i = 0; i < n; i++) if (t[i] >= started + warm_at * 1000 && t[i] < started + (warm_at + warm_s) * 1000) { w += accepted[i]; wn++ }
      warm = w / wn
      printf "start-up (launch to readiness UP): %.1f s; first request %.1f s after readiness\n", (ready - launched) / 1000, (started - ready) / 1000
      printf "%6s %9s %6s\n", "s", "accepted", "warm"
      to80 = -1
      for (i = 0; i < n; i++) {
        end = (t[i] + 1000 - ready) / 1000
        if (end <= cold) printf "%6.1f %9d %5.0f%%\n", end, accepted[i], 100 * accepted[i] / warm
        if (to80 < 0 && accepted[i] >= 0.8 * warm) to80 = end
        # The part of this second that lies within the first 15 s after readiness.
        from = t[i]; to = t[i] + 1000; if (to > ready + 15000) to = ready + 15000
        if (to > from) first15 += accepted[i] * (to - from) / 1000
      }
      printf "warm reference: %.0f accepted/s (seconds %d-%d of the same process)\n", warm, warm_at, warm_at + warm_s
      printf "RESULT mode=%s startup_s=%.1f warm_per_s=%.0f seconds_to_80pct=%.1f first15_share=%.0f%% first15_per_s=%.0f\n",
        mode, (ready - launched) / 1000, warm, to80, 100 * first15 / (15 * warm), first15 / 15
    }' "$WORK/timeline" | tee -a "$WORK/results"
  grep -h "warm after\|warm-up ran no round" "$WORK/ingest-$HTTP_PORT.log" || true
  stop "$INGEST"
done
echo "== summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
grep '^RESULT' "$WORK/results"
