#!/usr/bin/env bash
# The admission benchmark (docs/benchmarks/admission.md): 100,000 buyers joining one room in 10 s at
# the door against the door's own order POST in the same run, then the admitter's precision against
# the set rate, from the admissions topic. The four services in one JVM (e2e's Spillway harness).
# Usage: e2e/bench/admission.sh [-Dbench.entries=100000 -Dbench.seconds=10 -Dbench.connections=256
#                                -Dbench.rate=6000 -Dbench.measure=120 -Dbench.warmup=10000]
# Uses SPILLWAY_TEST_KAFKA / SPILLWAY_TEST_POSTGRES when set, else starts a broker and a PostgreSQL of
# its own in the same JVM. Under the machine's benchmark lock: flock /work/bench.lock e2e/bench/admission.sh
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
  # In the reactor, so the services' classes come from their target/ (nothing installed, no images built).
  mvn -B -q -pl e2e -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
fi
echo "commit $(git rev-parse --short HEAD); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log="$module/target/admission-bench.log"
"$JAVA_HOME/bin/java" -Xmx2g "$@" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  io.spillway.e2e.AdmissionBenchmark >"$log" 2>&1 || { tail -50 "$log"; exit 1; }
# The services' logs stay in the log; the figures are these lines.
grep -E '^(admission benchmark|warm-up|orders|joins|room closed|admissions per|no admission)' "$log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
