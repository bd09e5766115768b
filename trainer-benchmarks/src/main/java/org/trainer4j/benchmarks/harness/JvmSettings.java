package org.trainer4j.benchmarks.harness;

import java.util.List;

/** System properties every benchmark JVM needs before DJL or SLF4J start. */
final class JvmSettings {
  /**
   * PyTorch's intra-op threads. One: on the two shared cores this model trains as fast with one thread
   * as with two, and two threads sometimes stall for seconds when another program holds a core; the
   * second core is left to the JVM's own threads (JIT, GC) and the integrations' writers.
   */
  static final String TORCH_THREADS = "1";

  private JvmSettings() {}

  /** Never download an engine (the jars are on the class path); log warnings only; PyTorch threads. */
  static void apply() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", TORCH_THREADS);
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", TORCH_THREADS);
    }
  }

  /** The same settings as options for a child JVM (JMH forks, memory and start-up runs). */
  static List<String> childOptions() {
    return List.of("-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", TORCH_THREADS),
        "-Dai.djl.pytorch.num_interop_threads=" + System.getProperty("ai.djl.pytorch.num_interop_threads", TORCH_THREADS));
  }
}
