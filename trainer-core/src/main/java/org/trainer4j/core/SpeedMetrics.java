package org.trainer4j.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code speed_metrics}: runtime (4 places), samples and steps per second (3 places). */
final class SpeedMetrics {
  private SpeedMetrics() {}

  static Map<String, Object> of(String split, long startNanos, int numSamples, int numSteps) {
    double runtime = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(split + "_runtime", Trainer.round(runtime, 4));
    m.put(split + "_samples_per_second", Trainer.round(numSamples / runtime, 3));
    m.put(split + "_steps_per_second", Trainer.round(numSteps / runtime, 3));
    return m;
  }
}
