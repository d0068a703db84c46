# What the ingest benchmark scripts (run.sh, compare.sh) do alike; sourced, not run. Expects JAVA,
# WORK (a scratch folder), WARM_BROKER (requests; 0: none) and a pids array that the caller's
# cleanup kills.

# start_broker CLASSPATH PORT: a KRaft broker of its own on PORT (controller on PORT+1), the bench
# sale published to it, its request path warmed; sets BROKER to the broker's pid (the launcher runs
# Kafka in a JVM of its own, whose CPU is the broker's; killing the launcher stops it too).
start_broker() {
  "$JAVA" -Xmx64m -cp "$1" io.spillway.localstack.KafkaBroker --dir "$WORK/kafka" --port "$2" \
    --controller-port $(($2 + 1)) --heap 512m >"$WORK/broker.log" 2>&1 &
  pids+=("$!")
  until grep -qs "kafka broker ready" "$WORK/broker.log"; do sleep 0.5; done
  BROKER=$(cat "$WORK/kafka/broker.pid")
  "$JAVA" -cp "$1" io.spillway.ingest.bench.PublishSale "127.0.0.1:$2" >/dev/null 2>"$WORK/publish.err"
  # A broker that has been running has its per-request code compiled; a fresh one does not, and the
  # door's batched load sends too few requests to get it there (WarmBroker says why and by how much).
  if [ "$WARM_BROKER" -gt 0 ]; then
    # Its Kafka clients log to standard output; only its own line is kept.
    "$JAVA" -cp "$1" io.spillway.ingest.bench.WarmBroker "127.0.0.1:$2" "$WARM_BROKER" 2>"$WORK/warm.err" |
      grep '^broker warmed'
  fi
}

# start_service CLASSPATH HTTP-PORT BROKER-PORT [JVM option...]: ingest-api with the bench profile
# (CLASSPATH must hold ingest-api's test classes: the bare endpoint lives there, never in the jar),
# rate limits on, with address and global buckets above the offered load (one client address sends
# everything here; the generator spreads customers over 300,000 ids); prints its pid.
start_service() {
  local classpath=$1 port=$2 broker=$3
  shift 3
  # The payment credential has no default and the service refuses to start without one.
  SPILLWAY_PAYMENT_TOKEN=${SPILLWAY_PAYMENT_TOKEN:-benchmark-payment-token-of-at-least-32-bytes} \
  "$JAVA" "$@" -cp "$classpath" io.spillway.ingest.IngestApplication \
    --spring.profiles.active=bench --server.port="$port" \
    --spring.kafka.bootstrap-servers="127.0.0.1:$broker" \
    --spillway.order-token.secret=benchmark-secret-of-at-least-32-bytes \
    --spillway.ingest.rate-limit.address.requests=10000000 \
    --spillway.ingest.rate-limit.global.requests=10000000 \
    --logging.level.root=WARN --logging.level.io.spillway.contract.spring.WarmupGate=INFO \
    >"$WORK/ingest-$port.log" 2>&1 &
  echo $!
}

await_ready() { until curl -sf "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null; do sleep 0.5; done; }

# A process's CPU ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# microseconds_per TICKS ORDERS: CPU ticks spent on that many orders, in µs per order.
microseconds_per() { echo $(( $1 * 1000000 / $(getconf CLK_TCK) / $2 )); }

# The machine's CPU ticks as /proc/stat counts them: "steal total". Steal is time the hypervisor
# gave this virtual machine's cores to someone else; seen here at 0-39 % of a phase, and a phase
# with much of it measures the neighbours, not Spillway.
cpu_stat() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }

# steal_since "$(cpu_stat)": the share of the machine's CPU stolen since then, e.g. "12%".
steal_since() { echo "$1 $(cpu_stat)" | awk '{printf "%.0f%%", 100 * ($3 - $1) / ($4 - $2)}'; }
