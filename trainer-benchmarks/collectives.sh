#!/bin/sh
# Measures the gradient-exchange candidates (XGBoost4J's collective, Spark's barrier allGather) on loopback
# with two workers and prints one Markdown table (docs/DISTRIBUTED.md, docs/BENCHMARKS.md).
# Usage: trainer-benchmarks/collectives.sh [--sizes 1,200000,22000000] [--repeats 20] [--only xgboost|spark|training]
#        [--hidden 350,1300,4560] [--steps 13]; then the Trainer on 1 vs 2 workers (steps/s, exchange per step).
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -pl trainer-benchmarks -am package -DskipTests
exec java -cp "trainer-benchmarks/target/classes:$(cat trainer-benchmarks/target/collectives-classpath.txt)" \
  org.trainer4j.benchmarks.collective.CollectiveBenchmark "$@"
