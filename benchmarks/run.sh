#!/usr/bin/env bash
# Runs the whole benchmark set and writes JMH JSON (and the console table) to benchmarks/results/.
# Builds target/benchmarks.jar first when it is missing (or REBUILD=1). Settings come from the
# environment so that one quick look and one quiet full run use the same script:
#   FORKS (1), WARMUP (3), ITERATIONS (5), TIME (1s: each warmup and measurement iteration)
#   ONLY (a regexp of benchmark classes, default all six), PROF (e.g. "gc", adds -prof)
# Usage: benchmarks/run.sh             # about 15-20 minutes on 2 cores with the defaults
#        FORKS=1 WARMUP=2 ITERATIONS=3 ONLY=FmaPeak benchmarks/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# The host JVM must be a JDK 25: JMH forks with the host's java, and the benchmarks are class file 69.
. "$root/.mvn/find-jdk.sh" && forecaster_find_jdk

jar="$here/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ "${REBUILD:-0}" = 1 ]; then
  (cd "$root" && ./mvnw -q -pl benchmarks -am package -DskipTests)
fi

forks="${FORKS:-1}" warmup="${WARMUP:-3}" iterations="${ITERATIONS:-5}" time="${TIME:-1s}"
only="${ONLY:-FmaPeakBenchmark KernelBenchmark LstmStepBenchmark OnnxRuntimeLstmBenchmark WireJsonBenchmark PointPathBenchmark}"
results="$here/results"
# ONNX Runtime unpacks its native library into a fresh java.io.tmpdir subfolder per JVM and leaves the
# empty folder behind: point the forks (only; the host keeps /tmp/jmh.lock, which stops two JMH runs from
# sharing the cores) at target/tmp.
tmp="$here/target/tmp"
mkdir -p "$results" "$tmp"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

for bench in $only; do
  out="$results/$bench-$stamp"
  args=("$bench" -f "$forks" -wi "$warmup" -i "$iterations" -w "$time" -r "$time"
        -jvmArgsPrepend "-Djava.io.tmpdir=$tmp" -rf json -rff "$out.json")
  if [ -n "${PROF:-}" ]; then args+=(-prof "$PROF"); fi
  echo "== $bench -> $out.json"
  # No --add-modules here: the host JVM only lists and forks; every @Fork adds the vector module itself.
  "$JAVA_HOME/bin/java" -jar "$jar" "${args[@]}" | tee "$out.txt"
done
