#!/usr/bin/env bash
# Time to peak of inventory-service started cold on what buyers ask it during a sale, GET /api/v1/sales/{id}
# (issue 21, "Fast from the first second"; docs/benchmarks/warmup-processor-inventory.md): a broker and a
# PostgreSQL of its own, one sale, then per mode a fresh service JVM read at saturation (closed loop over
# CONNECTIONS keep-alive connections) from the moment its readiness probe says UP, for WARM_AT + WARM_SECONDS
# seconds; warm reference = mean 200s/s of seconds WARM_AT..WARM_AT+WARM_SECONDS of the same process.
# The measuring JVM is io.spillway.inventory.bench.WarmupBenchmark (its comment has the method and limits).
# Rerun from the repository root:
#   flock /work/bench.lock inventory-service/bench/warmup.sh
# Knobs: MODES ("off on"; on = the warm-up gate's defaults), CONNECTIONS (64), ITEMS (20), WARM_AT (60),
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
  mvn -B -q -pl inventory-service -am install -DskipTests
  mvn -B -q -pl inventory-service test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
  # The service's own class path: what its image holds (no test classes).
  mvn -B -q -pl inventory-service dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$module/target/service.classpath"
fi
WORK=$(mktemp -d /tmp/inventory-warmup.XXXXXX)
# On failure the services' logs are shown before they go; the warm-up gate's lines always are.
trap 'rc=$?; if [ $rc = 0 ]; then grep -h "warm after\|warm-up ran no round" "$WORK"/*.log 2>/dev/null; else tail -n 40 "$WORK"/*.log 2>/dev/null; fi; rm -rf "$WORK"' EXIT
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
"$JAVA_HOME/bin/java" -Xmx512m \
  -Dbench.modes="${MODES:-off on}" -Dbench.connections="${CONNECTIONS:-64}" -Dbench.items="${ITEMS:-20}" \
  -Dbench.warm.at="${WARM_AT:-60}" -Dbench.warm.seconds="${WARM_SECONDS:-15}" \
  -Dbench.service.opts="${SERVICE_OPTS:--Xms768m -Xmx768m -XX:+UseG1GC}" -Dbench.work="$WORK" \
  -Dbench.service.classpath="$module/target/classes:$(cat "$module/target/service.classpath")" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  io.spillway.inventory.bench.WarmupBenchmark
