package org.trainer4j.testkit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metrics an evaluation or prediction reports, built the way the Trainer builds them. */
final class SyntheticMetrics {
  private SyntheticMetrics() {}

  /**
   * The computed metrics plus {@code <prefix>_loss}, keys without {@code <prefix>_} prefixed (those that
   * had it first, as the Trainer orders them), then runtime and rates.
   */
  static Map<String, Object> of(Map<String, ?> computed, double loss, String prefix, int examples, int batches,
      double secondsPerBatch) {
    checkPrefix(prefix);
    Map<String, Object> metrics = new LinkedHashMap<>(computed);
    metrics.put(prefix + "_loss", loss);
    Map<String, Object> prefixed = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (k.startsWith(prefix + "_")) {
        prefixed.put(k, v);
      }
    });
    metrics.forEach((k, v) -> {
      if (!k.startsWith(prefix + "_")) {
        prefixed.put(prefix + "_" + k, v);
      }
    });
    prefixed.putAll(speed(prefix, batches * secondsPerBatch, examples, batches));
    return prefixed;
  }

  static void checkPrefix(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("/")) {
      throw new IllegalArgumentException("metric_key_prefix=" + prefix
          + " is not allowed; use a plain word such as eval or test");
    }
  }

  /** HF's {@code speed_metrics} for a simulated runtime: runtime (4 places), rates (3 places). */
  static Map<String, Object> speed(String split, double runtimeSeconds, int samples, int steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(split + "_runtime", round(runtimeSeconds, 4));
    m.put(split + "_samples_per_second", round(samples / runtimeSeconds, 3));
    m.put(split + "_steps_per_second", round(steps / runtimeSeconds, 3));
    return m;
  }

  static double round(double value, int places) {
    if (!Double.isFinite(value)) {
      return value;
    }
    return new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }
}
