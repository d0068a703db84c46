#!/usr/bin/env bash
# Opening benchmark (docs/benchmarks/opening.md): 50,000 pre-queue orders over 10 s for 5,000 units, then
# the time from opensAt to the last pre-queue decision, next to the same orders decided without a pre-queue.
# Usage: order-processor/bench/opening.sh [-Dbench.orders=50000 -Dbench.seconds=10 -Dbench.stock=5000]
# Uses SPILLWAY_TEST_KAFKA / SPILLWAY_TEST_POSTGRES when set, else starts a broker and a PostgreSQL of its own.
# Run it under the machine's benchmark lock when others share it: flock /work/bench.lock order-processor/bench/opening.sh
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
mvn -B -q -pl order-processor -am install -DskipTests
mvn -B -q -pl order-processor test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
exec "$JAVA_HOME/bin/java" -Xmx1g "$@" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  io.spillway.processor.bench.OpeningBenchmark
