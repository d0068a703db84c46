#!/usr/bin/env bash
# Time to peak of order-processor started cold into the opening's backlog (issue 21, "Fast from the first
# second"; docs/benchmarks/warmup-processor-inventory.md): a broker and a PostgreSQL of its own (as run.sh),
# one uncounted drain to warm them, then per mode a published sale with BENCH_ORDERS orders already waiting
# in orders.requested and a fresh processor JVM; decisions per second from the moment its readiness probe
# says UP, the warm reference from the same process's seconds WARM_AT..WARM_AT+WARM_SECONDS.
# The measuring JVM is io.spillway.processor.bench.WarmupBenchmark (its comment has the method and limits).
# Rerun from the repository root:
#   flock /work/bench.lock order-processor/bench/warmup.sh
# Knobs: MODES ("off"; "on" = the warm-up gate's default), ORDERS (1500000), ITEMS (1000), WARM_AT (60),
#        WARM_SECONDS (15), SERVICE_OPTS (-Xms768m -Xmx768m -XX:+UseG1GC: 75 % of the pod's 1 GiB, as
#        infra/k8s runs it), BUILD (1; 0 reuses target/).
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
if [[ -z "${JAVA_HOME:-}" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/*; do
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then JAVA_HOME="$candidate"; break; fi
  done
fi
export JAVA_HOME
cd "$root"
if [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -pl order-processor -am install -DskipTests
  mvn -B -q -pl order-processor test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
  # The service's own class path: what its image holds (no test classes, no logback-test.xml).
  mvn -B -q -pl order-processor dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$module/target/service.classpath"
fi
WORK=$(mktemp -d /tmp/processor-warmup.XXXXXX)
# On failure the processors' logs are shown before they go.
trap 'rc=$?; [ $rc = 0 ] || tail -n 40 "$WORK"/*.log 2>/dev/null; rm -rf "$WORK"' EXIT
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
"$JAVA_HOME/bin/java" -Xmx1g \
  -Dbench.modes="${MODES:-off}" -Dbench.orders="${ORDERS:-1500000}" -Dbench.items="${ITEMS:-1000}" \
  -Dbench.warm.at="${WARM_AT:-60}" -Dbench.warm.seconds="${WARM_SECONDS:-15}" \
  -Dbench.service.opts="${SERVICE_OPTS:--Xms768m -Xmx768m -XX:+UseG1GC}" -Dbench.work="$WORK" \
  -Dbench.service.classpath="$module/target/classes:$(cat "$module/target/service.classpath")" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  io.spillway.processor.bench.WarmupBenchmark
