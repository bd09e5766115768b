package org.trainer4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.TrainOutput;
import org.trainer4j.core.TrainerControl;
import org.trainer4j.core.TrainerState;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.DefaultFlowCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;
import org.trainer4j.core.metrics.MetricRows;

/**
 * Drives callbacks through the events of a Trainer run without a model, so a plugin can be tested in
 * milliseconds. It uses core's own {@link CallbackHandler}, {@link DefaultFlowCallback}, {@link
 * TrainerState} and {@link TrainerControl}: flags are set and reset, and logging, evaluation and save
 * schedules resolved, exactly as in a real run of the same shape (a test of this kit compares the two).
 * What a model would compute is synthetic: the training loss and gradient norm follow {@link Curve}s,
 * the learning rate follows the real schedule of the arguments, evaluation metrics come from a {@link
 * MetricsFunction}, and runtimes are {@code seconds per step × steps}, so every logged value is
 * deterministic.
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
 * <p>What differs from a real run: {@link CallbackContext} carries the logged row and the metrics but no
 * model, optimizer, scheduler or data loaders; a save creates {@code output_dir/checkpoint-<step>/} with
 * {@code trainer_state.json} and {@code training_args.json} only (no model or optimizer files; see
 * {@link Builder#writeCheckpoints(boolean)}); there is no resume, and existing checkpoints are neither
 * refused nor deleted; nothing is printed (no progress bar). A provider whose {@code create} throws makes
 * {@link Builder#build()} throw rather than being skipped, so the test sees it.
 *
 * <p>Not thread-safe: one test thread drives it, as one training thread drives a Trainer.
 */
public final class CallbackDriver implements AutoCloseable {
  private final TrainingArguments args;
  private final RunShape shape;
  private final CallbackHandler handler = new CallbackHandler();
  private final TrainerControl control = new TrainerControl();
  private final EventRecorder recorder = new EventRecorder();
  private TrainerState state;
  private boolean closed;

  private CallbackDriver(Builder b) {
    this.args = b.args;
    this.shape = new RunShape(b);
    this.state = shape.newState();
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
    fire(Event.ON_INIT_END, CallbackContext.empty());
  }

  /** A builder for a run with these arguments. */
  public static Builder builder(TrainingArguments args) {
    return new Builder(args);
  }

  /**
   * Runs training from step 0 as {@code Trainer.train()} does, from {@code onTrainBegin} to {@code
   * onTrainEnd}, with evaluations and saves where the arguments and the callbacks' flags ask for them.
   *
   * @return the step reached, the mean training loss and the final metrics ({@code train_runtime}, ...)
   * @throws IllegalStateException when no train examples were given, or an evaluation is due and no
   *     eval examples were given
   * @throws org.trainer4j.core.callback.CallbackException when a callback added with {@link
   *     Builder#callbacks} throws
   */
  public TrainOutput train() {
    state = shape.newState();
    return new SimulatedTraining(this, shape).execute();
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
    Map<String, Object> metrics = runPrediction(computed, prefix, shape.evalExamples(), shape.evalBatches(),
        "evaluate", "evalExamples(n)");
    Map<String, Object> logged = log(metrics);
    fire(Event.ON_EVALUATE, CallbackContext.empty().withMetrics(logged));
    return logged;
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
    Map<String, Object> metrics = runPrediction(computed, "test", shape.testExamples(), shape.testBatches(),
        "predict", "testExamples(n) or .evalExamples(n)");
    fire(Event.ON_PREDICT, CallbackContext.empty().withMetrics(metrics));
    return metrics;
  }

  /** One {@code onPredictionStep} per batch, then the metrics, as the Trainer's prediction loop. */
  private Map<String, Object> runPrediction(MetricsFunction computed, String prefix, int examples, int batches,
      String operation, String howToGiveExamples) {
    MetricRows.checkPrefix(prefix);
    if (batches == 0) {
      throw new IllegalStateException(operation + "() needs examples to run over: give them to"
          + " CallbackDriver.builder(args)." + howToGiveExamples);
    }
    for (int i = 0; i < batches; i++) {
      fire(Event.ON_PREDICTION_STEP, CallbackContext.empty());
    }
    return SyntheticMetrics.of(computed.compute(state), shape.evalLoss().at(state.globalStep()), prefix,
        examples, batches, shape.secondsPerEvalBatch());
  }

  /**
   * Logs a row as {@code Trainer.log(map)}: adds {@code epoch}, appends it with {@code step} to {@code
   * log_history} and fires {@code onLog}.
   *
   * @return the row as logged (with {@code epoch})
   */
  public Map<String, Object> log(Map<String, ?> logs) {
    Map<String, Object> row = state.recordLog(logs);
    fire(Event.ON_LOG, CallbackContext.empty().withLogs(row));
    return row;
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
    return state;
  }

  /** The flags as the callbacks left them. */
  public TrainerControl control() {
    return control;
  }

  /** What every event carried, in order; it sits last in the handler, so it sees what the others did. */
  public EventRecorder recorder() {
    return recorder;
  }

  /** The handler with the callbacks in calling order (the flow callback first, the recorder last). */
  public CallbackHandler callbackHandler() {
    return handler;
  }

  void fire(Event event, CallbackContext context) {
    handler.fire(event, args, state, control, context);
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
