package org.trainer4j.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.callback.Event;

/**
 * One event as the callbacks saw it.
 *
 * @param event which event
 * @param globalStep {@code state.globalStep()} when it fired
 * @param epoch {@code state.epoch()} when it fired (empty before training, as in HF)
 * @param logs the row of an {@code onLog} (HF names); empty for other events
 * @param metrics the metrics of an {@code onEvaluate} or {@code onPredict}; empty for other events
 * @param control the flags as the callbacks that ran before the recorder left them
 */
public record RecordedEvent(Event event, int globalStep, Optional<Double> epoch, Map<String, Object> logs,
    Map<String, Object> metrics, ControlFlags control) {

  public RecordedEvent {
    logs = Collections.unmodifiableMap(new LinkedHashMap<>(logs));
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /**
   * A short form for comparing sequences: {@code onStepEnd@3}, and for events that carry values the
   * keys in order, e.g. {@code onLog@2[loss, grad_norm, learning_rate, epoch]}.
   */
  @Override
  public String toString() {
    String at = event.methodName() + "@" + globalStep;
    if (!logs.isEmpty()) {
      return at + logs.keySet();
    }
    return metrics.isEmpty() ? at : at + metrics.keySet();
  }
}
