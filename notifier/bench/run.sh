#!/usr/bin/env bash
# The notifier benchmark: one notifier process against a broker, see docs/benchmarks/notifier.md.
# Usage: flock /work/bench.lock notifier/bench/run.sh [-Dstreams=10000] [-Drate=5000] [-Dseconds=20] [-DdrainRate=50] [-DnotifierHeap=3g]
# BENCH=StatusTableFootprint notifier/bench/run.sh -Djava.io.tmpdir=/dev/shm [-Dorders=50000] measures the table's disk per order.
# BENCH=AdmissionBenchmark notifier/bench/run.sh [-Dentries=10000] ...: admission rooms, see docs/benchmarks/admission.md.
# Uses $SPILLWAY_TEST_KAFKA as the broker if set, otherwise starts one inside the driver.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
# The modules it depends on, into the local repository: a fresh clone has none of them there.
mvn -B -q -pl notifier -am install -DskipTests
mvn -B -q -pl notifier test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-test.cp -Dmdep.includeScope=test
mvn -B -q -pl notifier dependency:build-classpath \
    -Dmdep.outputFile=target/bench-runtime.cp -Dmdep.includeScope=runtime
cd notifier
ulimit -n 20000 || true
exec "$JAVA_HOME/bin/java" -Xmx1g \
    -DnotifierClasspath="target/classes:$(cat target/bench-runtime.cp)" \
    "$@" \
    -cp "target/test-classes:target/classes:$(cat target/bench-test.cp)" \
    "io.spillway.notifier.bench.${BENCH:-NotifierBenchmark}"
