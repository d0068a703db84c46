#!/usr/bin/env bash
# The ingest benchmark (docs/benchmarks/ingest.md): a broker of its own, ingest-api with the bench
# profile (which adds the bare endpoint: everything but the Kafka send), and a constant-rate load
# generator, all on this machine. Rerun with: ingest-api/bench/run.sh   (from the repository root)
# Knobs (environment): RATE_LATENCY (5000), RATE_SATURATION (30000), SECONDS (20), CONNECTIONS (64).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
RATE_LATENCY=${RATE_LATENCY:-5000}
RATE_LOW=${RATE_LOW:-1000}
RATE_SATURATION=${RATE_SATURATION:-30000}
SECONDS_PER_RUN=${SECONDS:-20}
CONNECTIONS=${CONNECTIONS:-64}
WORK=$(mktemp -d /tmp/ingest-bench.XXXXXX)
BROKER_PORT=${BROKER_PORT:-19092}
HTTP_PORT=${HTTP_PORT:-18080}

JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="ingest-api/target/classes:ingest-api/target/test-classes:$(cat ingest-api/target/bench.classpath)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$JAVA" -Xmx512m -cp "$CP" io.spillway.localstack.KafkaBroker --dir "$WORK/kafka" --port "$BROKER_PORT" \
  --controller-port $((BROKER_PORT + 1)) >"$WORK/broker.log" 2>&1 &
pids+=($!)
until grep -q "ready" "$WORK/broker.log"; do sleep 0.5; done
"$JAVA" -cp "$CP" io.spillway.ingest.bench.PublishSale "127.0.0.1:$BROKER_PORT"

# Heap capped at the target (256 MB); rate limits on, with address and global buckets above the
# offered load (one client address sends everything here).
"$JAVA" -Xmx256m -XX:+UseG1GC -cp "$CP" io.spillway.ingest.IngestApplication \
  --spring.profiles.active=bench --server.port="$HTTP_PORT" \
  --spring.kafka.bootstrap-servers="127.0.0.1:$BROKER_PORT" \
  --spillway.order-token.secret=benchmark-secret-of-at-least-32-bytes \
  --spillway.ingest.rate-limit.address.requests=1000000 \
  --spillway.ingest.rate-limit.global.requests=1000000 \
  --server.tomcat.max-keep-alive-requests=-1 \
  --logging.level.root=WARN >"$WORK/ingest.log" 2>&1 &
INGEST=$!
pids+=($INGEST)
until curl -sf "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" >/dev/null; do sleep 0.5; done

load() { "$JAVA" -Xmx512m -cp "$CP" io.spillway.ingest.bench.LoadGenerator "http://127.0.0.1:$HTTP_PORT$1" "$2" "$SECONDS_PER_RUN" \
  "$CONNECTIONS" bench GA "${3:-0}" 2>>"$WORK/load.err"; }
memory() {
  local heap rss
  heap=$("$JAVA_HOME/bin/jcmd" "$INGEST" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | awk '{printf "%.0f", $2/1024}')
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$INGEST/status)
  echo "memory at saturation ($1): heap_used=${heap}MB rss=${rss}MB (max heap 256MB)"
}
sample_memory() { sleep $((SECONDS_PER_RUN - 3)); memory "$1"; }

echo "== machine: $(nproc) cores, shared; load generator, broker and service on it"
echo "== latency at ${RATE_LATENCY}/s (after 10 s warm-up)"
load /bench/bare/orders "$RATE_LATENCY" 10
load /api/v1/orders "$RATE_LATENCY" 10
echo "== latency at ${RATE_LOW}/s, a rate this shared machine sustains"
load /bench/bare/orders "$RATE_LOW"
load /api/v1/orders "$RATE_LOW"
echo "== saturation: offered ${RATE_SATURATION}/s"
sample_memory bare & load /bench/bare/orders "$RATE_SATURATION"; wait $!
sample_memory real & load /api/v1/orders "$RATE_SATURATION"; wait $!
echo "== profile: 10 s of the real endpoint at ${RATE_LATENCY}/s (JFR execution samples, top frames)"
"$JAVA_HOME/bin/jcmd" "$INGEST" JFR.start duration=10s filename="$WORK/real.jfr" settings=profile >/dev/null
SECONDS_PER_RUN=12 load /api/v1/orders "$RATE_LATENCY" >/dev/null
sleep 1
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$WORK/real.jfr" | grep -A1 'stackTrace = \[' \
  | grep -v -e 'stackTrace' -e '^--' | sed 's/line:.*//' | sort | uniq -c | sort -rn | head -15
echo "== CPU share by process during the run above: see load average $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" | grep -E '^spillway_ingest_(orders_accepted_total|orders_refused_total|sends_in_flight)' || true
