#!/usr/bin/env bash
# Processor benchmark: decided orders/s for one hot item and for 1,000 items, next to a baseline of one
# conditional UPDATE per transaction on the same database, and p99 enqueue-to-decision below saturation;
# all of it on the test PostgreSQL (fsync=off) and again on a durable one (fsync=on, synchronous_commit=on).
# Usage: order-processor/bench/run.sh [-Dbench.orders=50000 -Dbench.rate=2000 -Dbench.concurrency=N ...]
# Uses SPILLWAY_TEST_KAFKA / SPILLWAY_TEST_POSTGRES when set, else starts a broker and a PostgreSQL of its own.
# Run it under the machine's benchmark lock when others share it: flock /work/bench.lock order-processor/bench/run.sh
# -Dbench.scenario=holds runs the holds benchmark instead (HoldsBenchmark: a mass expiry of 10,000 and 100,000
# holds in one hot line under a standing backlog; docs/benchmarks/holds.md), e.g. -Dbench.holds.sizes=10000 -Dbench.runs=1.
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
# The modules it depends on, into the local repository: a fresh clone has none of them there.
mvn -B -q -pl order-processor -am install -DskipTests
mvn -B -q -pl order-processor test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
main=io.spillway.processor.bench.ProcessorBenchmark
for arg in "$@"; do
  if [[ "$arg" == "-Dbench.scenario=holds" ]]; then main=io.spillway.processor.bench.HoldsBenchmark; fi
done
exec "$JAVA_HOME/bin/java" -Xmx1g "$@" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  "$main"
