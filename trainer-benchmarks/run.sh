#!/bin/sh
# Builds the benchmarks jar and runs every measurement of the benchmark issue, then prints one table.
# Usage: trainer-benchmarks/run.sh [harness options], e.g. --only 1,2 or --quick (see docs/BENCHMARKS.md).
# Progress and JMH's own report go to standard error; the table (Markdown) to standard output.
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -pl trainer-benchmarks -am package -DskipTests
# A lower nice value needs privileges; without them the run goes on at normal priority.
if nice -n -10 true 2>/dev/null; then NICE="nice -n -10"; else NICE=""; fi
exec $NICE java -cp trainer-benchmarks/target/benchmarks.jar org.trainer4j.benchmarks.harness.Harness "$@"
