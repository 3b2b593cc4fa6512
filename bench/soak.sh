#!/usr/bin/env bash
# The kill -9 soak (outside ./mvnw verify): Caudal in a child JVM is killed and restarted under keyed, idempotent
# produces and a consuming group, then lost, duplicated, reordered, skipped and double-owned records are counted.
# Usage: bench/soak.sh [--cycles N] [--seed S]   (exits 1 unless every count is zero)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/soak.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/soak.classpath)" io.caudal.soak.Soak "$@"
