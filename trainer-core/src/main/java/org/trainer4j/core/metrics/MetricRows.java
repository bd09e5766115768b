package org.trainer4j.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.python.PyFloat;

/**
 * How HF builds the rows of {@code evaluate()} and {@code predict()}: key prefixes, speed metrics and
 * rounding. Public so that tools simulating a run (the test kit) build the very same rows.
 */
public final class MetricRows {
  private MetricRows() {}

  /**
   * Gives every key that does not start with {@code <prefix>_} that prefix, as HF's {@code evaluate}:
   * keys that had it come first, then the others in their order.
   */
  public static Map<String, Object> prefixed(Map<String, ?> metrics, String prefix) {
    checkPrefix(prefix);
    String start = prefix + "_";
    Map<String, Object> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (k.startsWith(start)) {
        out.put(k, v);
      }
    });
    metrics.forEach((k, v) -> {
      if (!k.startsWith(start)) {
        out.put(start + k, v);
      }
    });
    return out;
  }

  /** HF's {@code speed_metrics}: {@code <split>_runtime} (4 places), samples and steps per second (3 places). */
  public static Map<String, Object> speed(String split, double runtimeSeconds, int samples, int steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(split + "_runtime", PyFloat.round(runtimeSeconds, 4));
    m.put(split + "_samples_per_second", PyFloat.round(samples / runtimeSeconds, 3));
    m.put(split + "_steps_per_second", PyFloat.round(steps / runtimeSeconds, 3));
    return m;
  }

  /**
   * @throws IllegalArgumentException for a blank prefix or one with a {@code /}
   */
  public static void checkPrefix(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("/")) {
      throw new IllegalArgumentException("metric_key_prefix=" + prefix
          + " is not allowed; use a plain word such as eval or test");
    }
  }
}
