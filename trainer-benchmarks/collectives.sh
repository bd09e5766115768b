#!/bin/sh
# Measures the gradient-exchange candidates (XGBoost4J's collective, Spark's barrier allGather) on loopback
# with two workers and prints one Markdown table (docs/DISTRIBUTED.md, docs/BENCHMARKS.md).
# Usage: trainer-benchmarks/collectives.sh [--sizes 1,200000,22000000] [--repeats 20] [--only xgboost|spark]
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -pl trainer-benchmarks -am package -DskipTests
exec java -cp "trainer-benchmarks/target/classes:$(cat trainer-benchmarks/target/collectives-classpath.txt)" \
  org.trainer4j.benchmarks.collective.CollectiveBenchmark "$@"
