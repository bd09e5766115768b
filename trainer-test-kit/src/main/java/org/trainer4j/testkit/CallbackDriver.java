package org.trainer4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.DefaultFlowCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;
import org.trainer4j.core.internal.Session;
import org.trainer4j.core.metrics.MetricRows;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * Drives callbacks through a Trainer run without a model, so a plugin can be tested in milliseconds. It
 * runs core's own training loop, evaluation and checkpointing (the code behind {@code Trainer.train()},
 * {@code evaluate()} and {@code predict()}) on a synthetic engine, with core's {@link CallbackHandler},
 * {@link DefaultFlowCallback}, {@link TrainerState} and {@link TrainerControl}: flags, logging,
 * evaluation and save schedules, the loss bookkeeping ({@code nonfinite_losses} included) and the
 * final metrics are those of a real run of the same shape (a test of this kit compares the two). What a
 * model would compute is synthetic: the training loss and gradient norm follow {@link Curve}s, the
 * learning rate follows the real schedule of the arguments, evaluation metrics come from a {@link
 * MetricsFunction}, and time moves only by {@code seconds per step} for each optimizer step and {@code
 * seconds per eval batch} for each evaluation batch, so every logged value is deterministic.
 *
 * <pre>{@code
 * TrainingArguments args = TrainingArguments.builder().outputDir(tempDir).loggingSteps(2)
 *     .evalStrategy("epoch").reportTo("none").build();
 * CallbackDriver driver = CallbackDriver.builder(args)
 *     .trainExamples(40).evalExamples(10)                // 5 batches of 8 per epoch
 *     .evalMetrics(state -> Map.of("accuracy", 0.9))    // logged as eval_accuracy
 *     .callbacks(myCallback)
 *     .build();                                          // fires onInitEnd
 * driver.train();                                        // onTrainBegin ... onTrainEnd
 * driver.predict();                                      // onPredictionStep... onPredict (test_ metrics)
 * driver.close();                                        // closes AutoCloseable callbacks, as Trainer.close()
 * List<String> seen = driver.recorder().trace();         // e.g. "onLog@2[loss, grad_norm, ...]"
 * }</pre>
 *
 * <p>What differs from a real run: {@link CallbackContext} carries no model and no optimizer (it has
 * the scheduler, the data loaders over example indices, and the logged row and metrics); a save writes
 * the checkpoint folder as the Trainer does, with the synthetic engine's weights and optimizer files
 * empty (see {@link Builder#writeCheckpoints(boolean)}); {@code train_runtime} covers the evaluations
 * during training, as in the Trainer; nothing is printed (no progress bar). As in the Trainer, an {@code
 * output_dir} that already holds checkpoints is refused unless {@code overwrite_output_dir} is set. A
 * provider whose {@code create} throws makes {@link Builder#build()} throw rather than being skipped,
 * so the test sees it.
 *
 * <p>Not thread-safe: one test thread drives it, as one training thread drives a Trainer.
 */
public final class CallbackDriver implements AutoCloseable {
  private final TrainingArguments args;
  private final RunShape shape;
  private final CallbackHandler handler = new CallbackHandler();
  private final EventRecorder recorder = new EventRecorder();
  private final Session session;
  private MetricsFunction metrics;
  private boolean closed;

  private CallbackDriver(Builder b) {
    this.args = b.args;
    this.shape = new RunShape(b);
    this.metrics = shape.evalMetrics();
    handler.add(new DefaultFlowCallback(), CallbackRole.FLOW);
    if (b.discoverIntegrations) {
      for (Integrations.Selection selection : Integrations.select(args.reportTo(), b.classLoader)) {
        handler.add(selection.provider().create(args), CallbackRole.INTEGRATION);
      }
    }
    b.providers.forEach(p -> handler.add(p.create(args), CallbackRole.INTEGRATION));
    b.integrations.forEach(c -> handler.add(c, CallbackRole.INTEGRATION));
    b.callbacks.forEach(handler::add);
    handler.add(recorder, CallbackRole.CONSOLE);
    SyntheticClock clock = new SyntheticClock();
    Session[] self = new Session[1];
    SyntheticEngine engine = new SyntheticEngine(shape, clock, () -> self[0].state().globalStep());
    this.session = new Session(new Session.Setup(args, handler, engine,
        shape.trainExamples() == 0 ? null : new SyntheticDataset(shape.trainExamples()),
        shape.evalExamples() == 0 ? null : new SyntheticDataset(shape.evalExamples()),
        prediction -> metrics.compute(self[0].state()), null, 0, clock, shape::newState, null, null, null, true,
        shape.writeCheckpoints()));
    self[0] = session;
    session.fire(Event.ON_INIT_END);
  }

  /** A builder for a run with these arguments. */
  public static Builder builder(TrainingArguments args) {
    return new Builder(args);
  }

  /**
   * Runs training as {@code Trainer.train()} does, through the Trainer's own loop: from {@code
   * onTrainBegin} to {@code onTrainEnd}, with evaluations and saves where the arguments and the
   * callbacks' flags ask for them, resuming when {@code resume_from_checkpoint} names a checkpoint.
   *
   * @return the step reached, the mean training loss and the final metrics ({@code train_runtime}, ...)
   * @throws IllegalStateException when no train examples were given, or an evaluation is due and no
   *     eval examples were given
   * @throws org.trainer4j.core.callback.CallbackException when a callback added with {@link
   *     Builder#callbacks} throws
   */
  public TrainOutput train() {
    shape.trainBatches(); // says what to give when there are no examples
    return session.train();
  }

  /**
   * Evaluates as {@code Trainer.evaluate()}: one {@code onPredictionStep} per eval batch, then the
   * metrics of the {@link Builder#evalMetrics} function and the {@link Builder#evalLoss} curve are
   * prefixed {@code eval_}, logged ({@code onLog}) and passed to {@code onEvaluate}.
   *
   * @return the logged metrics, with {@code epoch}
   */
  public Map<String, Object> evaluate() {
    return evaluate(shape.evalMetrics(), "eval");
  }

  /**
   * Evaluates with these metrics standing in for {@code computeMetrics}' result; see {@link
   * #evaluate()}. Keys without {@code <prefix>_} get it.
   *
   * @param metricKeyPrefix {@code eval}, or another word as in {@code Trainer.evaluate(dataset, ignore, prefix)}
   * @throws IllegalArgumentException for a blank prefix or one with a {@code /}
   */
  public Map<String, Object> evaluate(Map<String, ?> computedMetrics, String metricKeyPrefix) {
    return evaluate(MetricsFunction.fixed(computedMetrics), metricKeyPrefix);
  }

  private Map<String, Object> evaluate(MetricsFunction computed, String prefix) {
    MetricRows.checkPrefix(prefix);
    requireExamples(shape.evalExamples(), "evaluate", "evalExamples(n)");
    return withMetrics(computed, () -> session.evaluate(new SyntheticDataset(shape.evalExamples()), List.of(), prefix));
  }

  /**
   * Predicts as {@code Trainer.predict(dataset)}: one {@code onPredictionStep} per test batch, then
   * {@code onPredict} with {@code test_}-prefixed metrics. Not logged, as in HF.
   *
   * @return the metrics
   */
  public Map<String, Object> predict() {
    return predict(shape.evalMetrics());
  }

  /** Predicts with these metrics standing in for {@code computeMetrics}' result; see {@link #predict()}. */
  public Map<String, Object> predict(Map<String, ?> computedMetrics) {
    return predict(MetricsFunction.fixed(computedMetrics));
  }

  private Map<String, Object> predict(MetricsFunction computed) {
    requireExamples(shape.testExamples(), "predict", "testExamples(n) or .evalExamples(n)");
    return withMetrics(computed,
        () -> session.predict(new SyntheticDataset(shape.testExamples()), List.of(), "test").metrics());
  }

  private Map<String, Object> withMetrics(MetricsFunction computed, java.util.function.Supplier<Map<String, Object>> run) {
    MetricsFunction before = metrics;
    metrics = computed;
    try {
      return run.get();
    } finally {
      metrics = before;
    }
  }

  private void requireExamples(int examples, String operation, String howToGiveExamples) {
    if (examples == 0) {
      throw new IllegalStateException(operation + "() needs examples to run over: give them to"
          + " CallbackDriver.builder(args)." + howToGiveExamples);
    }
  }

  /**
   * Logs a row as {@code Trainer.log(map)}: adds {@code epoch}, appends it with {@code step} to {@code
   * log_history} and fires {@code onLog}.
   *
   * @return the row as logged (with {@code epoch})
   */
  public Map<String, Object> log(Map<String, ?> logs) {
    return session.log(logs);
  }

  /**
   * Closes the callbacks that are {@link AutoCloseable}, in calling order, as {@code Trainer.close()}
   * does: the way to test a plugin's flush-and-stop path (rows of a {@link #predict()} after training,
   * threads ended, files closed). Every one is closed even when one fails; the Trainer logs such a
   * failure, the driver then throws the first one so that the test sees it. Closing again does nothing.
   *
   * @throws IllegalStateException naming the callback whose {@code close()} threw, with its exception as
   *     the cause (later failures are suppressed into it)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IllegalStateException failure = null;
    for (TrainerCallback callback : handler.callbacks()) {
      if (callback instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          IllegalStateException named = new IllegalStateException(
              "callback " + callback.getClass().getName() + " failed to close: " + e, e);
          if (failure == null) {
            failure = named;
          } else {
            failure.addSuppressed(named);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The arguments of the run. */
  public TrainingArguments args() {
    return args;
  }

  /** The state as the callbacks see it now (a new one from each {@link #train()}, as in the Trainer). */
  public TrainerState state() {
    return session.state();
  }

  /** The flags as the callbacks left them. */
  public TrainerControl control() {
    return session.control();
  }

  /** What every event carried, in order; it sits last in the handler, so it sees what the others did. */
  public EventRecorder recorder() {
    return recorder;
  }

  /** The handler with the callbacks in calling order (the flow callback first, the recorder last). */
  public CallbackHandler callbackHandler() {
    return handler;
  }

  /** Builds a {@link CallbackDriver}; only the arguments are required. */
  public static final class Builder {
    final TrainingArguments args;
    int trainExamples;
    int evalExamples;
    int testExamples = -1;
    final List<TrainerCallback> callbacks = new ArrayList<>();
    final List<TrainerCallback> integrations = new ArrayList<>();
    final List<TrainerCallbackProvider> providers = new ArrayList<>();
    boolean discoverIntegrations;
    ClassLoader classLoader = CallbackDriver.class.getClassLoader();
    Curve trainLoss = Curve.decaying(2.3, 0.1, 10);
    Curve gradNorm = Curve.decaying(4.0, 0.5, 10);
    Curve evalLoss = Curve.decaying(2.4, 0.15, 10);
    MetricsFunction evalMetrics = MetricsFunction.none();
    long parameterCount = 10_000;
    double secondsPerStep = 0.05;
    double secondsPerEvalBatch = 0.01;
    boolean writeCheckpoints = true;
    boolean worldProcessZero = true;
    boolean localProcessZero = true;

    private Builder(TrainingArguments args) {
      if (args == null) {
        throw new IllegalArgumentException("args must not be null: give TrainingArguments.builder()...build()");
      }
      this.args = args;
    }

    /**
     * Training examples; with {@code per_device_train_batch_size} and {@code dataloader_drop_last} they
     * give the batches per epoch (the last batch smaller, as a real data loader's). Required for {@link
     * #train()}.
     */
    public Builder trainExamples(int n) {
      trainExamples = nonNegative("trainExamples", n);
      return this;
    }

    /** Evaluation examples, in batches of {@code per_device_eval_batch_size}. Required to evaluate. */
    public Builder evalExamples(int n) {
      evalExamples = nonNegative("evalExamples", n);
      return this;
    }

    /** Examples {@link CallbackDriver#predict()} runs over (default: as many as {@link #evalExamples}). */
    public Builder testExamples(int n) {
      testExamples = nonNegative("testExamples", n);
      return this;
    }

    /**
     * Adds callbacks as a user would ({@code Trainer.builder().callbacks(...)}): one that throws stops
     * the run with a {@code CallbackException}, so a bug in the callback under test fails the test.
     */
    public Builder callbacks(TrainerCallback... v) {
      callbacks.addAll(allNonNull("callbacks", v));
      return this;
    }

    /**
     * Adds callbacks as integrations, in the place and with the failure policy of those {@code report_to}
     * selects: one that throws is logged once and switched off, and the run goes on.
     */
    public Builder integrations(TrainerCallback... v) {
      integrations.addAll(allNonNull("integrations", v));
      return this;
    }

    /** Adds the callbacks these providers create from the arguments, as integrations. */
    public Builder providers(TrainerCallbackProvider... v) {
      providers.addAll(allNonNull("providers", v));
      return this;
    }

    /**
     * Also adds the integrations {@code report_to} selects among the providers of {@code
     * META-INF/services} on the class path, as the Trainer does (an unknown name fails the same way).
     */
    public Builder discoverIntegrations() {
      discoverIntegrations = true;
      return this;
    }

    /** Where {@link #discoverIntegrations()} looks for providers (default: the kit's class loader). */
    public Builder classLoader(ClassLoader v) {
      classLoader = nonNull("classLoader", v);
      return this;
    }

    /** The training loss of each optimizer step (logged as the mean since the last log, 4 places). */
    public Builder trainLoss(Curve v) {
      trainLoss = nonNull("trainLoss", v);
      return this;
    }

    /** The gradient norm logged as {@code grad_norm} (only when {@code max_grad_norm > 0}, as in the Trainer). */
    public Builder gradNorm(Curve v) {
      gradNorm = nonNull("gradNorm", v);
      return this;
    }

    /** The evaluation loss ({@code eval_loss}, {@code test_loss}) at the current step. */
    public Builder evalLoss(Curve v) {
      evalLoss = nonNull("evalLoss", v);
      return this;
    }

    /** The metrics each evaluation and prediction computes, before prefixing (default: none). */
    public Builder evalMetrics(MetricsFunction v) {
      evalMetrics = nonNull("evalMetrics", v);
      return this;
    }

    /** The model size that {@code total_flos} is estimated from (6 × parameters × examples). */
    public Builder parameterCount(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("parameterCount=" + v + " is not allowed; use 0 or more");
      }
      parameterCount = v;
      return this;
    }

    /** Simulated seconds per optimizer step, for {@code train_runtime} and the rates (default 0.05). */
    public Builder secondsPerStep(double v) {
      secondsPerStep = positive("secondsPerStep", v);
      return this;
    }

    /** Simulated seconds per evaluation batch, for {@code eval_runtime} and the rates (default 0.01). */
    public Builder secondsPerEvalBatch(double v) {
      secondsPerEvalBatch = positive("secondsPerEvalBatch", v);
      return this;
    }

    /**
     * Whether a save creates {@code output_dir/checkpoint-<step>/} with {@code trainer_state.json} and
     * {@code training_args.json} (default true; never model or optimizer files). With false only {@code
     * onSave} fires.
     */
    public Builder writeCheckpoints(boolean v) {
      writeCheckpoints = v;
      return this;
    }

    /** Whether this process is the world's process zero (default true); plugins write only when it is. */
    public Builder worldProcessZero(boolean v) {
      worldProcessZero = v;
      return this;
    }

    /** Whether this process is its machine's process zero (default true). */
    public Builder localProcessZero(boolean v) {
      localProcessZero = v;
      return this;
    }

    /**
     * Builds the driver: orders the callbacks as the Trainer does and fires {@code onInitEnd}.
     *
     * @throws IllegalArgumentException for an unknown {@code report_to} name with {@link
     *     #discoverIntegrations()}
     */
    public CallbackDriver build() {
      return new CallbackDriver(this);
    }

    private static int nonNegative(String option, int n) {
      if (n < 0) {
        throw new IllegalArgumentException(option + "=" + n + " is not allowed; use 0 or more");
      }
      return n;
    }

    private static double positive(String option, double v) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(option + "=" + v + " is not allowed; use a positive number of seconds");
      }
      return v;
    }

    private static <T> T nonNull(String option, T v) {
      if (v == null) {
        throw new IllegalArgumentException(option + " must not be null");
      }
      return v;
    }

    @SafeVarargs
    private static <T> List<T> allNonNull(String option, T... values) {
      if (values == null) {
        throw new IllegalArgumentException(option + " must not be null");
      }
      for (T v : values) {
        nonNull(option, v);
      }
      return List.of(values);
    }
  }
}
