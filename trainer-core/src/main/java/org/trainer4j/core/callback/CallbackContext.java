package org.trainer4j.core.callback;

import ai.djl.Model;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.Optimizer;

/**
 * What an event carries besides arguments, state and control (HF's {@code **kwargs}): the model,
 * optimizer, scheduler and data loaders, plus the {@link #logs()} of {@code onLog} and the {@link
 * #metrics()} of {@code onEvaluate} and {@code onPredict}, the {@link #error()} of {@code onTrainAbort},
 * and {@link #log(Map)} for values of the
 * callback's own. Immutable; the maps are read-only.
 */
public final class CallbackContext {
  private static final Consumer<Map<String, ?>> NO_TRAINER = values -> {
    throw new IllegalStateException("this context belongs to no Trainer (CallbackContext.empty()), so context.log"
        + " has nowhere to log " + values.keySet());
  };
  private static final CallbackContext EMPTY =
      new CallbackContext(null, null, null, null, null, Map.of(), Map.of(), NO_TRAINER, null);

  private final Model model;
  private final Optimizer optimizer;
  private final LrScheduler scheduler;
  private final DataLoader trainDataLoader;
  private final DataLoader evalDataLoader;
  private final Map<String, Object> logs;
  private final Map<String, Object> metrics;
  private final Consumer<Map<String, ?>> logger;
  private final Throwable error;

  private CallbackContext(Model model, Optimizer optimizer, LrScheduler scheduler, DataLoader train,
      DataLoader eval, Map<String, Object> logs, Map<String, Object> metrics, Consumer<Map<String, ?>> logger,
      Throwable error) {
    this.model = model;
    this.optimizer = optimizer;
    this.scheduler = scheduler;
    this.trainDataLoader = train;
    this.evalDataLoader = eval;
    this.logs = logs;
    this.metrics = metrics;
    this.logger = logger;
    this.error = error;
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
  /**
   * The logged row in {@code onLog} (HF names, insertion order); empty for other events. Read-only: to
   * add a value, {@link #log(Map)} it.
   */
  public Map<String, Object> logs() { return logs; }
  /** The metrics in {@code onEvaluate} and {@code onPredict}; empty for other events. Read-only. */
  public Map<String, Object> metrics() { return metrics; }
  /** What made {@code train()} fail, in {@code onTrainAbort}; empty for other events. */
  public Optional<Throwable> error() { return Optional.ofNullable(error); }

  /**
   * Logs values of the callback's own as a row of their own, as {@code Trainer.log} does: with {@code
   * epoch}, into {@code log_history} with {@code step}, and through {@code onLog} to every callback and
   * integration (name them {@code eval_…} to file them under {@code eval/}). The row is logged right
   * after the current event has reached every callback, so all of them see rows in the order of {@code
   * log_history}: a row logged from {@code onLog} comes right after the row being logged, e.g. {@code
   * if (context.logs().containsKey("loss")) context.log(Map.of("perplexity", Math.exp(loss)))}.
   *
   * @throws IllegalStateException when called from the {@code onLog} of a row a callback logged (that
   *     could go on forever), or on a context of no Trainer ({@link #empty()})
   */
  public void log(Map<String, ?> values) {
    logger.accept(values);
  }

  public CallbackContext withModel(Model m) {
    return new CallbackContext(m, optimizer, scheduler, trainDataLoader, evalDataLoader, logs, metrics, logger, error);
  }

  public CallbackContext withOptimizer(Optimizer o, LrScheduler s) {
    return new CallbackContext(model, o, s, trainDataLoader, evalDataLoader, logs, metrics, logger, error);
  }

  public CallbackContext withDataLoaders(DataLoader train, DataLoader eval) {
    return new CallbackContext(model, optimizer, scheduler, train, eval, logs, metrics, logger, error);
  }

  public CallbackContext withLogs(Map<String, Object> l) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader,
        new ReadOnlyValues(l, "onLog's logs"), Map.of(), logger, error);
  }

  public CallbackContext withMetrics(Map<String, Object> m) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader, Map.of(),
        new ReadOnlyValues(m, "the metrics of onEvaluate and onPredict"), logger, error);
  }

  /** The context of {@code onTrainAbort}: this one with the error that ended training. */
  public CallbackContext withError(Throwable e) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader, logs, metrics, logger,
        Objects.requireNonNull(e, "error"));
  }

  /** A context whose {@link #log(Map)} hands the values to {@code logger} (the Trainer's, or a test driver's). */
  public CallbackContext withLogger(Consumer<Map<String, ?>> logger) {
    return new CallbackContext(model, optimizer, scheduler, trainDataLoader, evalDataLoader, logs, metrics,
        Objects.requireNonNull(logger, "logger"), error);
  }
}
