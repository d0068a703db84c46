#!/usr/bin/env bash
# The ingest benchmark (docs/benchmarks/ingest.md): a broker of its own, ingest-api on its test
# classpath with the bench profile (which adds the bare endpoint, everything but the Kafka send, from
# the test sources: orders/BareOrderController), and a constant-rate load generator, all on this
# machine. Rerun from the repository root with:
#   flock /work/bench.lock ingest-api/bench/run.sh
# Knobs (environment): DURATION (20 s per measured run), WARMUP (10 s per endpoint at RATE_LATENCY
# first, for the JIT; each measured run then has a 2 s lead-in that is not counted), RATE_SATURATION
# (30000), RATE_LATENCY (5000), RATE_COST (2000: both endpoints keep up, for CPU per order),
# WARM_BROKER (30000 single-record produce requests before anything is measured; 0: none),
# CONNECTIONS (256), PROFILE (1: 10 s of JFR on the service and on the generator at saturation,
# printed at the end), SERVICE_OPTS, GENERATOR_OPTS, BUILD (1: compile first;
# 0 reuses target/, e.g. to keep the build out of a benchmark lock).
# (Not SECONDS: that is bash's own clock and is always set.)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
LEAD_IN=2
RATE_LATENCY=${RATE_LATENCY:-5000}
RATE_COST=${RATE_COST:-2000}
RATE_SATURATION=${RATE_SATURATION:-30000}
CONNECTIONS=${CONNECTIONS:-256}
PROFILE=${PROFILE:-1}
WARM_BROKER=${WARM_BROKER:-30000}
PROFILE_DIR=${PROFILE_DIR:-/tmp/ingest-bench-profile}
WORK=$(mktemp -d /tmp/ingest-bench.XXXXXX)
BROKER_PORT=${BROKER_PORT:-19092}
HTTP_PORT=${HTTP_PORT:-18080}
# The service: heap capped at the target (256 MB).
SERVICE_OPTS=${SERVICE_OPTS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
# The generator is one thread that allocates next to nothing: a small serial heap is all it needs.
GENERATOR_OPTS=${GENERATOR_OPTS:-"-Xms64m -Xmx64m -XX:+UseSerialGC"}

if [ "${BUILD:-1}" = 1 ]; then
  # The modules it depends on, into the local repository: a fresh clone has none of them there.
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api -am install -DskipTests >/dev/null
  JAVA_HOME=$JAVA_HOME mvn -B -q -pl ingest-api test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
fi
CP="ingest-api/target/classes:ingest-api/target/test-classes:$(cat ingest-api/target/bench.classpath)"

# shellcheck source=ingest-api/bench/common.sh
source ingest-api/bench/common.sh
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

start_broker "$CP" "$BROKER_PORT"
# shellcheck disable=SC2086
INGEST=$(start_service "$CP" "$HTTP_PORT" "$BROKER_PORT" $SERVICE_OPTS)
pids+=("$INGEST")
await_ready "$HTTP_PORT"

# load PATH RATE SECONDS [LEAD_IN] [extra JVM options]: one generator line on stdout, ending with
# the CPU the hypervisor stole during it.
load() {
  local before line
  before=$(cpu_stat)
  # shellcheck disable=SC2086
  line=$("$JAVA" $GENERATOR_OPTS ${5:-} -cp "$CP" io.spillway.ingest.bench.LoadGenerator "http://127.0.0.1:$HTTP_PORT$1" \
    "$2" "$3" "$CONNECTIONS" bench GA "${4:-0}" 2>>"$WORK/load.err")
  echo "$line steal=$(steal_since "$before")"
}
memory() {
  local heap rss
  heap=$("$JAVA_HOME/bin/jcmd" "$INGEST" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | awk '{printf "%.0f", $2/1024}')
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$INGEST/status)
  echo "memory endpoint=$1 heap_used_mb=$heap rss_mb=$rss" | tee -a "$WORK/results"
}
# Sampled 3 s before the end of the measured part of a saturation run.
sample_memory() { sleep $((LEAD_IN + DURATION - 3)); memory "$1"; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); generator, broker and service on it"
echo "== warm-up (JIT): ${WARMUP} s per endpoint at ${RATE_LATENCY}/s, not counted"
load /bench/bare/orders "$RATE_LATENCY" "$WARMUP" >/dev/null
load /api/v1/orders "$RATE_LATENCY" "$WARMUP" >/dev/null
echo "== saturation: offered ${RATE_SATURATION}/s, ${CONNECTIONS} connections, ${DURATION} s (after a ${LEAD_IN} s lead-in)"
sample_memory bare & load /bench/bare/orders "$RATE_SATURATION" "$DURATION" "$LEAD_IN" | tee -a "$WORK/results"; wait $!
ingest_before=$(cpu_ticks "$INGEST"); broker_before=$(cpu_ticks "$BROKER")
sample_memory real & load /api/v1/orders "$RATE_SATURATION" "$DURATION" "$LEAD_IN" | tee -a "$WORK/results"; wait $!
echo "cpu during the real saturation run (lead-in included, % of one core): ingest=$(( ($(cpu_ticks "$INGEST") - ingest_before) * 100 / $(getconf CLK_TCK) / (LEAD_IN + DURATION) ))% broker=$(( ($(cpu_ticks "$BROKER") - broker_before) * 100 / $(getconf CLK_TCK) / (LEAD_IN + DURATION) ))%"
echo "== latency at ${RATE_LATENCY}/s (constant arrival rate, measured from each request's scheduled time)"
load /bench/bare/orders "$RATE_LATENCY" "$DURATION" "$LEAD_IN" | tee -a "$WORK/results"
load /api/v1/orders "$RATE_LATENCY" "$DURATION" "$LEAD_IN" | tee -a "$WORK/results"
load_line() { grep "url=$1 offered=$2/s" "$WORK/results" | tail -1; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
steal_of() { sed -n 's/.* steal=\([0-9]*%\).*/\1/p' <<<"$1"; }

# CPU per order at a rate both endpoints sustain: the work an order costs the service and the
# broker, which is what sets capacity when they share the cores, and which the noise of an
# overloaded run (how the scheduler shares out the excess) does not move as much as a rate.
cost() { # cost NAME PATH
  local service_before broker_before line answered
  service_before=$(cpu_ticks "$INGEST"); broker_before=$(cpu_ticks "$BROKER")
  line=$(load "$2" "$RATE_COST" "$DURATION" 0)
  answered=$(field completed "$line")
  echo "cost endpoint=$1 rate=$RATE_COST/s orders=$answered statuses=$(sed -n 's/.*statuses=\([^ ]*\).*/\1/p' <<<"$line")" \
    "service_us_per_order=$(microseconds_per $(($(cpu_ticks "$INGEST") - service_before)) "$answered")" \
    "broker_us_per_order=$(microseconds_per $(($(cpu_ticks "$BROKER") - broker_before)) "$answered")" \
    "steal=$(steal_of "$line")" | tee -a "$WORK/results"
}
echo "== CPU per order at ${RATE_COST}/s, ${DURATION} s per endpoint"
cost bare /bench/bare/orders
cost real /api/v1/orders
cost_field() { grep "endpoint=$1 " "$WORK/results" | grep '^cost' | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }

if [ "$PROFILE" = 1 ]; then
  # CPU-time samples (JDK 25) count time spent in native code and system calls too, which the
  # classic execution samples miss; per-thread CPU shows what the JVM itself (GC, JIT) takes.
  echo "== profile: 10 s of the real endpoint at saturation (JFR; files kept in $PROFILE_DIR)"
  "$JAVA_HOME/bin/jcmd" "$INGEST" JFR.start duration=10s filename="$WORK/real.jfr" settings=profile \
    'jdk.CPUTimeSample#enabled=true' >/dev/null
  load /api/v1/orders "$RATE_SATURATION" 10 0 "-XX:StartFlightRecording=filename=$WORK/generator.jfr,settings=profile" >/dev/null
  sleep 2
  mkdir -p "$PROFILE_DIR" && cp "$WORK/real.jfr" "$WORK/generator.jfr" "$PROFILE_DIR/"
  echo "-- service, CPU by thread"
  "$JAVA_HOME/bin/jfr" view --width 140 thread-cpu-load "$WORK/real.jfr" | head -25
  echo "-- service, hottest methods by CPU time"
  "$JAVA_HOME/bin/jfr" view --width 160 cpu-time-hot-methods "$WORK/real.jfr" | head -30
  echo "-- service, GC"
  "$JAVA_HOME/bin/jfr" view gc-cpu-time "$WORK/real.jfr" | head -12
  echo "-- generator, CPU by thread"
  "$JAVA_HOME/bin/jfr" view --width 140 thread-cpu-load "$WORK/generator.jfr" | head -8
fi

bare=$(load_line /bench/bare/orders "$RATE_SATURATION"); real=$(load_line /api/v1/orders "$RATE_SATURATION")
lat=$(load_line /api/v1/orders "$RATE_LATENCY"); barelat=$(load_line /bench/bare/orders "$RATE_LATENCY")
bare_rate=$(field accepted_per_s "$bare"); real_rate=$(field accepted_per_s "$real")
heap=$(grep "endpoint=real" "$WORK/results" | sed -n 's/.*heap_used_mb=\([0-9]*\).*/\1/p')
rss=$(grep "endpoint=real" "$WORK/results" | sed -n 's/.*rss_mb=\([0-9]*\).*/\1/p')
p99=$(field p99 "$lat"); lat_rate=$(field accepted_per_s "$lat")
verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }
echo "== summary (targets from issue 3; ratios against the bare endpoint of this same run)"
printf '%-44s %12s %14s %10s  %s\n' figure reached baseline ratio verdict
printf '%-44s %12s %14s %10s  %s\n' "accepted orders/s at saturation (>= 15000)" "$real_rate" "-" "-" "$(verdict "$real_rate >= 15000")"
printf '%-44s %12s %14s %10s  %s\n' "real / bare endpoint (>= 60 %)" "$real_rate" "bare $bare_rate" \
  "$(awk "BEGIN {printf \"%.0f %%\", 100 * $real_rate / $bare_rate}")" "$(verdict "$real_rate >= 0.6 * $bare_rate")"
printf '%-44s %12s %14s %10s  %s\n' "p99 at ${RATE_LATENCY}/s, ms (<= 20)" "$p99" "bare $(field p99 "$barelat")" "-" \
  "$(verdict "$p99 <= 20 && $lat_rate >= 0.98 * $RATE_LATENCY")"
printf '%-44s %12s %14s %10s  %s\n' "p50 / p99.9 at ${RATE_LATENCY}/s, ms" "$(field p50 "$lat") / $(field p99.9 "$lat")" \
  "bare $(field p50 "$barelat") / $(field p99.9 "$barelat")" "-" "-"
bare_cost=$(cost_field bare service_us_per_order); real_cost=$(cost_field real service_us_per_order)
real_broker=$(cost_field real broker_us_per_order)
printf '%-44s %12s %14s %10s  %s\n' "service CPU per order at ${RATE_COST}/s, us" "$real_cost" "bare $bare_cost" \
  "$(awk "BEGIN {printf \"%.2f\", $real_cost / $bare_cost}")" "-"
printf '%-44s %12s %14s %10s  %s\n' "  + broker CPU per order, us" "$real_broker" "-" "-" \
  "$(awk "BEGIN {printf \"real/bare incl. broker %.2f\", ($real_cost + $real_broker) / $bare_cost}")"
printf '%-44s %12s %14s %10s  %s\n' "CPU stolen by the hypervisor, real / bare" \
  "sat $(steal_of "$real") / $(steal_of "$bare")" "lat $(steal_of "$lat") / $(steal_of "$barelat")" "-" \
  "cost $(steal_of "$(grep '^cost endpoint=real' "$WORK/results")") / $(steal_of "$(grep '^cost endpoint=bare' "$WORK/results")")"
printf '%-44s %12s %14s %10s  %s\n' "heap used at saturation, MB (<= 256)" "$heap" "bare $(grep "endpoint=bare" "$WORK/results" | sed -n 's/.*heap_used_mb=\([0-9]*\).*/\1/p')" "-" "$(verdict "$heap <= 256")"
printf '%-44s %12s %14s %10s  %s\n' "RSS at saturation, MB" "$rss" "-" "-" "-"
curl -s "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" >"$WORK/metrics" || true
grep -E '^spillway_ingest_(orders_accepted_total|orders_refused_total|sends_in_flight)' "$WORK/metrics" || true
# The broker's acknowledgement time as the service saw it, over the whole run (all phases).
awk '/^spillway_ingest_broker_ack_seconds_sum\{.*outcome="acked"/ {sum=$2}
     /^spillway_ingest_broker_ack_seconds_count\{.*outcome="acked"/ {n=$2}
     /^spillway_ingest_broker_ack_seconds_max\{.*outcome="acked"/ {max=$2}
     END {if (n > 0) printf "broker ack (send to acks=all answer): mean=%.2fms over %d orders, recent max=%.1fms\n", 1000*sum/n, n, 1000*max}' "$WORK/metrics"
