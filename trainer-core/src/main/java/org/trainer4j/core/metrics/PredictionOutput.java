package org.trainer4j.core.metrics;

import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.Trainer;

/** What {@link Trainer#predict} returns, as HF's {@code PredictionOutput}. */
public record PredictionOutput(HostArray predictions, Optional<HostArray> labelIds, Map<String, Object> metrics) {
  public PredictionOutput {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }
}
