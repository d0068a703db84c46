#!/usr/bin/env bash
# Time to peak for the notifier started cold (docs/benchmarks/warmup-notifier.md, issue 21 "Fast from
# the first second"), shaped as ingest-api/bench/warmup.sh: a broker of its own, then for each mode a
# fresh notifier JVM that is driven at saturation from the moment its readiness probe says UP, for
# WARM_AT + WARM_SECONDS seconds in one run of the load generator. Prints the streams opened and
# answered in every second of the first COLD_SECONDS after readiness, the warm reference (mean over
# the last WARM_SECONDS of the same process), and the two figures: seconds from readiness to the
# first second at >= 80 % of warm, and the first 15 s after readiness as a share of 15 warm seconds.
#
# The load (OpeningLoad, notifier's test classes): for each mode, topics of its own; a feed, started
# before the notifier and running throughout, publishes POOL queued orders and then FEED_RATE new
# orders a second (request and confirmation), the results a spike brings; at readiness, CONNECTIONS
# buyers each open the event stream of a pool order with its token, read its first event, close and
# start again. The figure is streams opened and answered per second.
#
# Modes (MODES, default "off on"): off is the instance as it started before the warm-up gate
# (SPILLWAY_WARMUP_ENABLED=false); on is the gate's default (spillway.warmup.*: until the rate stops rising and the JIT is quiet,
# 5-30 s, 16 threads).
# Rerun from the repository root:
#   flock /work/bench.lock notifier/bench/warmup.sh
# Knobs: MODES, CONNECTIONS (64), POOL (2000), FEED_RATE (500), WARM_AT (60), WARM_SECONDS (15),
#        COLD_SECONDS (30), BROKER_WARM_SECONDS (20), SERVICE_OPTS (-Xms1g -Xmx1g -XX:+UseG1GC, the
#        notifier bench's heap), BUILD (1; 0 reuses target/).
# Limits: the generator is a JVM launched at readiness, so it is cold too and its start-up is inside
# the figures (the gap between readiness and its first request is printed); the broker has served
# BROKER_WARM_SECONDS of the feed before the first mode (a pod joining a running stack).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
MODES=${MODES:-"off on"}
CONNECTIONS=${CONNECTIONS:-64}
POOL=${POOL:-2000}
FEED_RATE=${FEED_RATE:-500}
WARM_AT=${WARM_AT:-60}
WARM_SECONDS=${WARM_SECONDS:-15}
COLD_SECONDS=${COLD_SECONDS:-30}
BROKER_WARM_SECONDS=${BROKER_WARM_SECONDS:-20}
SERVICE_OPTS=${SERVICE_OPTS:-"-Xms1g -Xmx1g -XX:+UseG1GC"}
TOOL_OPTS="-Xms128m -Xmx128m -XX:+UseSerialGC"
BROKER_PORT=${BROKER_PORT:-19392}
HTTP_PORT=${HTTP_PORT:-18381}
SECRET=notifier-warmup-bench-secret-of-at-least-32-bytes
WORK=$(mktemp -d /tmp/notifier-warmup.XXXXXX)
# Each run's timeline is kept there ("epoch-ms answered failed" per second), to recompute figures.
KEEP=${KEEP:-notifier/target/warmup}
if [ "${BUILD:-1}" = 1 ]; then
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl notifier -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-test.cp >/dev/null
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl notifier dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-runtime.cp >/dev/null
fi
# The tools (broker launcher, feed, generator) on the test class path; the notifier on its runtime
# class path, as notifier/bench/run.sh starts it. The project's own modules from this checkout's
# target/classes, not the local repository's jars (which other builds overwrite).
reactor() {
  sed -e "s#[^:]*/spillway-contract-[^:/]*SNAPSHOT\.jar#contract/target/classes#" \
    -e "s#[^:]*/spillway-observability-[^:/]*SNAPSHOT\.jar#observability/target/classes#" \
    -e "s#[^:]*/spillway-testing-[^:/]*SNAPSHOT\.jar#testing/target/classes#" \
    -e "s#[^:]*/spillway-local-stack-[^:/]*SNAPSHOT\.jar#infra/local/target/classes#" \
    -e "s#[^:]*/spillway-schema-[^:/]*SNAPSHOT\.jar#schema/target/classes#" "$1"
}
TOOLS_CP="notifier/target/test-classes:notifier/target/classes:$(reactor notifier/target/bench-test.cp)"
SERVICE_CP="notifier/target/classes:$(reactor notifier/target/bench-runtime.cp)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
stop() { kill -TERM "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; }
# feed SUFFIX: starts the feed on topics of that suffix, returns once its pool is published; sets FEED.
feed() {
  # shellcheck disable=SC2086
  "$JAVA" $TOOL_OPTS -cp "$TOOLS_CP" io.spillway.notifier.bench.OpeningLoad feed "127.0.0.1:$BROKER_PORT" "$1" \
    "$POOL" "$FEED_RATE" >"$WORK/feed-$1.log" 2>&1 &
  FEED=$!
  pids+=("$FEED")
  until grep -qs "pool published" "$WORK/feed-$1.log"; do
    kill -0 "$FEED" 2>/dev/null || { echo "feed exited:"; tail -20 "$WORK/feed-$1.log"; exit 1; }
    sleep 0.2
  done
}
# ready PID: polls the readiness probe every 100 ms; fails if the service died first.
ready() {
  until curl -sf -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" >/dev/null; do
    kill -0 "$1" 2>/dev/null || { echo "notifier exited before readiness:"; tail -30 "$WORK/notifier.log"; exit 1; }
    sleep 0.1
  done
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo "?")"
"$JAVA" -Xmx64m -cp "$TOOLS_CP" io.spillway.localstack.KafkaBroker --dir "$WORK/kafka" --port "$BROKER_PORT" \
  --controller-port $((BROKER_PORT + 1)) --heap 512m >"$WORK/broker.log" 2>&1 &
pids+=("$!")
until grep -qs "kafka broker ready" "$WORK/broker.log"; do sleep 0.5; done
feed warm
sleep "$BROKER_WARM_SECONDS"
stop "$FEED"
echo "broker warmed: ${BROKER_WARM_SECONDS} s of the feed at ${FEED_RATE} orders/s"

run=0
for mode in $MODES; do
  run=$((run + 1))
  suffix="w$run-$mode-$RANDOM"
  case "$mode" in
    off) enabled=false ;;
    on) enabled=true ;;
    *) echo "unknown mode $mode"; exit 1 ;;
  esac
  feed "$suffix"
  echo "== $mode: load average $(cut -d' ' -f1-3 /proc/loadavg); notifier $SERVICE_OPTS, SPILLWAY_WARMUP_ENABLED=$enabled"
  launched=$(now_ms)
  # shellcheck disable=SC2086
  SPILLWAY_WARMUP_ENABLED=$enabled "$JAVA" $SERVICE_OPTS -cp "$SERVICE_CP" io.spillway.notifier.NotifierApplication \
    --server.port="$HTTP_PORT" --spring.kafka.bootstrap-servers="127.0.0.1:$BROKER_PORT" \
    --spillway.topics.requested="orders.requested.$suffix" --spillway.topics.results="orders.results.$suffix" \
    --spillway.topics.dlq="orders.dlq.$suffix" --spillway.order-token.secret="$SECRET" \
    --spillway.notifier.application-id="bench-$suffix" --spillway.notifier.state-dir="$WORK/state-$suffix" \
    --logging.level.root=WARN --logging.level.io.spillway.contract.spring.WarmupGate=INFO \
    >"$WORK/notifier.log" 2>&1 &
  NOTIFIER=$!
  pids+=("$NOTIFIER")
  ready "$NOTIFIER"
  ready_at=$(now_ms)
  rm -f "$WORK/started" "$WORK/timeline"
  # shellcheck disable=SC2086
  line=$("$JAVA" $TOOL_OPTS -Dtimeline="$WORK/timeline" -Dstarted="$WORK/started" -cp "$TOOLS_CP" \
    io.spillway.notifier.bench.OpeningLoad open "http://127.0.0.1:$HTTP_PORT" "$SECRET" "$suffix" "$POOL" \
    "$CONNECTIONS" $((WARM_AT + WARM_SECONDS)) 2>>"$WORK/generator.err")
  echo "generator: $line"
  grep -h "warm after\|warm-up ran no round" "$WORK/notifier.log" | sed 's/^.*WarmupGate *: /gate: /' || true
  mkdir -p "$KEEP" && cp "$WORK/timeline" "$KEEP/$suffix.timeline"
  awk -v n=0 -v mode="$mode" -v launched="$launched" -v ready="$ready_at" -v started="$(cat "$WORK/started")" \
    -v cold="$COLD_SECONDS" -v warm_at="$WARM_AT" -v warm_s="$WARM_SECONDS" '
    $1 ~ /^[0-9]+$/ { t[n] = $1; answered[n] = $2; failed[n] = $3; n++ }
    END {
      for (i = 0; i < n; i++) if (t[i] >= started + warm_at * 1000 && t[i] < started + (warm_at + warm_s) * 1000) { w += answered[i]; wn++ }
      warm = w / wn
      printf "start-up (launch to readiness UP): %.1f s; first request %.1f s after readiness\n", (ready - launched) / 1000, (started - ready) / 1000
      printf "%6s %9s %6s %6s\n", "s", "answered", "warm", "failed"
      to80 = -1
      for (i = 0; i < n; i++) {
        end = (t[i] + 1000 - ready) / 1000
        if (end <= cold) printf "%6.1f %9d %5.0f%% %6d\n", end, answered[i], 100 * answered[i] / warm, failed[i]
        if (to80 < 0 && answered[i] >= 0.8 * warm) to80 = end
        from = t[i]; to = t[i] + 1000; if (to > ready + 15000) to = ready + 15000
        if (to > from) first15 += answered[i] * (to - from) / 1000
        fails += failed[i]
      }
      printf "warm reference: %.0f streams/s (seconds %d-%d of the same process)\n", warm, warm_at, warm_at + warm_s
      printf "RESULT mode=%s startup_s=%.1f warm_per_s=%.0f seconds_to_80pct=%.1f first15_share=%.0f%% first15_per_s=%.0f failed=%d\n",
        mode, (ready - launched) / 1000, warm, to80, 100 * first15 / (15 * warm), first15 / 15, fails
    }' "$WORK/timeline" | tee -a "$WORK/results"
  stop "$NOTIFIER"
  stop "$FEED"
done
echo "== summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
grep '^RESULT' "$WORK/results"
