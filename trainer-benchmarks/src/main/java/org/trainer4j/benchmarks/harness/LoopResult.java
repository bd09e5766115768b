package org.trainer4j.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * One timed training run.
 *
 * @param nanos wall time of the run, as the calling thread saw it
 * @param cpuNanos CPU time the whole JVM used meanwhile (all threads: training, PyTorch, JIT, GC,
 *     writers); less sensitive than wall time to other programs on a shared machine
 * @param loggedLosses the mean loss of each logging window, rounded to 4 places as the Trainer logs it
 */
record LoopResult(int steps, long nanos, long cpuNanos, List<Double> loggedLosses) {
  double stepsPerSecond() {
    return steps / (nanos / 1e9);
  }

  /** The JVM's CPU time so far, in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
