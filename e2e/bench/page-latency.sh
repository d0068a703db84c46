#!/usr/bin/env bash
# The page's part of the opening benchmark (docs/benchmarks/opening.md): decision -> text in the buyers'
# page's status region, for a few real browser pages, without and with a load of pre-queue orders.
# Usage: e2e/bench/page-latency.sh [-Dbench.pages=4 -Dbench.load=3000 -Dbench.rounds=2]
# Needs /usr/bin/chromium and /usr/bin/chromedriver (as BuyersPageIT). Uses SPILLWAY_TEST_KAFKA /
# SPILLWAY_TEST_POSTGRES when set, else starts a broker and a PostgreSQL of its own.
# Run it under the machine's benchmark lock when others share it: flock /work/bench.lock e2e/bench/page-latency.sh
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
# In the reactor, so the services' classes come from their target/ (nothing installed, no images built);
# each module writes the file in turn, e2e (the last) wins.
mvn -B -q -pl e2e -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
exec "$JAVA_HOME/bin/java" -Xmx1g "$@" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  io.spillway.e2e.PageLatencyBenchmark
