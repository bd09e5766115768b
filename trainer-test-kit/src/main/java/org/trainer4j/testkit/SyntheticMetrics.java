package org.trainer4j.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.metrics.MetricRows;

/** The metrics an evaluation or prediction reports, built the way the Trainer builds them. */
final class SyntheticMetrics {
  private SyntheticMetrics() {}

  /**
   * The computed metrics plus {@code <prefix>_loss}, keys without {@code <prefix>_} prefixed (those that
   * had it first, as the Trainer orders them), then runtime and rates.
   */
  static Map<String, Object> of(Map<String, ?> computed, double loss, String prefix, int examples, int batches,
      double secondsPerBatch) {
    Map<String, Object> metrics = new LinkedHashMap<>(computed);
    metrics.put(prefix + "_loss", loss);
    Map<String, Object> prefixed = MetricRows.prefixed(metrics, prefix);
    prefixed.putAll(MetricRows.speed(prefix, batches * secondsPerBatch, examples, batches));
    return prefixed;
  }
}
