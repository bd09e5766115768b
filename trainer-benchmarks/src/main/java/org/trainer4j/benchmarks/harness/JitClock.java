package org.trainer4j.benchmarks.harness;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** Time the JIT compiler threads have spent compiling in this JVM. */
final class JitClock {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

  private JitClock() {}

  /** Milliseconds of compilation so far (all compiler threads), or 0 when the JVM does not say. */
  static long millis() {
    return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported() ? COMPILER.getTotalCompilationTime() : 0;
  }
}
