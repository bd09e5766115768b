package org.trainer4j.core.callback;

import ai.djl.Model;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.Optimizer;

/**
 * What an event carries besides arguments, state and control (HF's {@code **kwargs}): the model,
 * optimizer, scheduler and data loaders, plus the {@link #logs()} of {@code onLog} and the {@link
 * #metrics()} of {@code onEvaluate} and {@code onPredict}. Immutable; the maps are read-only.
 */
public final class CallbackContext {
  private static final CallbackContext EMPTY = new CallbackContext(null, null, null, null, null, Map.of(), Map.of());

  private final Model model;
  private final Optimizer optimizer;
  private final LrScheduler scheduler;
  private final DataLoader trainDataLoader;
  private final DataLoader evalDataLoader;
  private final Map<String, Object> logs;
  private final Map<String, Object> metrics;

  private CallbackContext(Model model, Optimizer optimizer, LrScheduler scheduler, DataLoader train,
      DataLoader eval, Map<String, Object> logs, Map<String, Object> metrics) {
    this.model = model;
    this.optimizer = optimizer;
    this.scheduler = scheduler;
    this.trainDataLoader = train;
    this.evalDataLoader = eval;
    this.logs = logs;
    this.metrics = metrics;
  }

  /** A context with nothing in it (e.g. for driving a callback in a test). */
  public static CallbackContext empty() {
    return EMPTY;
  }

  public Optional<Model> model() { return Optional.ofNullable(model); }
  public Optional<Optimizer> optimizer() { return Optional.ofNullable(optimizer); }
  public Optional<LrScheduler> scheduler() { return Optional.ofNullable(scheduler); }
  public Optional<DataLoader> trainDataLoader() { return Optional.ofNullable(trainDataLoader); }
  public Optional<DataLoader> evalDataLoader() { return Optional.ofNullable(evalDataLoader); }
  /** The logged row in {@code onLog} (HF names, insertion order); empty for other events. */
  public Map<String, Object> logs() { return logs; }
  /** The metrics in {@code onEvaluate} and {@code onPredict}; empty for other events. */
  public Map<String, Object> metrics() { return metrics; }

  public CallbackContext withModel(Model m) {
    return new CallbackContext(m, optimizer, scheduler, trainDataLoader, evalDataLoader, logs, metrics);
  }

  public CallbackContext withOptimizer(Optimizer o, LrScheduler s) {
    return new CallbackContext(model, o, s, trainDataLoader, evalDataLoader, logs, metrics);
  }

  public CallbackContext withDataLoaders(DataLoader train, DataLoader eval) {
    return new CallbackContext(model, optimizer, scheduler, train, eval, logs, metrics);
  }

  public CallbackContext withLogs(Map<String, Object> l) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader,
        Collections.unmodifiableMap(l), Map.of());
  }

  public CallbackContext withMetrics(Map<String, Object> m) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader, Map.of(),
        Collections.unmodifiableMap(m));
  }
}
