package org.trainer4j.core;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.DefaultFlowCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.IntegrationConfig;
import org.trainer4j.core.callback.IntegrationContext;
import org.trainer4j.core.callback.IntegrationSettings;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.console.PrinterCallback;
import org.trainer4j.core.console.ProgressCallback;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.engine.ComputeLoss;
import org.trainer4j.core.engine.DjlEngine;
import org.trainer4j.core.engine.InferenceModel;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.internal.ConstructionChecks;
import org.trainer4j.core.internal.engine.CpuEngineNoise;
import org.trainer4j.core.internal.engine.EngineCheck;
import org.trainer4j.core.internal.Session;
import org.trainer4j.core.internal.TrainerLoss;
import org.trainer4j.core.metrics.BatchComputeMetrics;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.optim.Optimizers;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * Trains, evaluates and predicts with a DJL model the way HF's {@code Trainer} does: hand it a model
 * (block and loss), {@link TrainingArguments}, datasets and a {@link ComputeMetrics} function, call
 * {@link #train()}. Everything around the loop (logging, progress, evaluation and saving schedules,
 * integrations) happens in callbacks that read {@link TrainerState} and set {@link TrainerControl}.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *     .model(model).loss(Loss.softmaxCrossEntropyLoss())
 *     .args(TrainingArguments.builder().outputDir("out").evalStrategy("epoch").build())
 *     .trainDataset(train).evalDataset(eval)
 *     .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
 *     .build();
 * trainer.train();
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives a Trainer.
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  static {
    CpuEngineNoise.quietCudaProbe();
  }

  private final Model model; // null when an InferenceModel or an engine was given instead
  private final TrainingEngine engine;
  private final TrainingArguments args;
  private final TrainerDataset evalDataset;
  private final CallbackHandler callbacks = new CallbackHandler();
  private final Session session;

  private Trainer(Builder b) {
    int models = (b.model != null ? 1 : 0) + (b.inference != null ? 1 : 0) + (b.engine != null ? 1 : 0);
    if (models != 1) {
      throw new IllegalArgumentException("give the Trainer one model: Trainer.builder().model(djlModel) to train,"
          + " or .inferenceModel(model) to evaluate and predict only, or .engine(engine) for an engine of your own");
    }
    this.model = b.model;
    if (model != null && model.getBlock() == null) {
      throw new IllegalArgumentException("the model has no block; call model.setBlock(block) first");
    }
    this.args = b.args != null ? b.args : TrainingArguments.builder().build();
    if (b.engine == null) {
      NDManager manager = model != null ? model.getNDManager() : NDManager.newBaseManager();
      EngineCheck.requireEngine(manager, b.classLoader);
      ComputeLoss loss = TrainerLoss.of(b.loss, b.computeLoss, args);
      this.engine = model != null ? new DjlEngine(model, loss, args.labelNames())
          : DjlEngine.forInference(b.inference, manager, loss, args.labelNames());
    } else {
      TrainerLoss.checkOwnEngine(args, b.engine);
      this.engine = b.engine;
    }
    if (b.engine != null || model != null) {
      Optimizers.create(args, List.of()).close(); // an optim_args key the optimizer lacks fails here, not at train()
    }
    this.evalDataset = b.evalDataset;
    ConstructionChecks.check(args, model, b.trainDataset, evalDataset, b.computeMetrics);

    callbacks.add(new DefaultFlowCallback(), CallbackRole.FLOW);
    List<Integrations.Selection> integrations = new ArrayList<>(); // those that started
    List<String> integrationsOff = new ArrayList<>();
    Integrations.checkConfigured(b.integrationSettings.keySet(), b.classLoader);
    // Only world process zero reports (HF's integrations return early elsewhere).
    List<Integrations.Selection> selected = engine.isWorldProcessZero()
        ? Integrations.select(args.reportTo(), b.classLoader) : List.of();
    for (Integrations.Selection selection : selected) {
      try {
        IntegrationConfig config = IntegrationConfig.of(selection.name(),
            b.integrationSettings.getOrDefault(selection.name(), new IntegrationSettings()).values());
        callbacks.add(selection.provider().create(new IntegrationContext(args, config)), CallbackRole.INTEGRATION);
        integrations.add(selection);
      } catch (RuntimeException e) {
        integrationsOff.add(selection.name());
        LOG.error("integration {} could not start and is switched off for this run; training goes on",
            selection.name(), e);
      }
    }
    b.callbacks.forEach(callbacks::add);
    callbacks.add(consoleCallback(), CallbackRole.CONSOLE);
    String trainingUnsupported = b.inference != null ? b.inference.trainingUnsupportedMessage() : null;
    this.session = new Session(new Session.Setup(args, callbacks, engine, b.trainDataset, evalDataset,
        b.computeMetrics, b.trainSampler, b.logHistoryLimit, System::nanoTime, TrainerState.Writer::create, model,
        trainingUnsupported, Integrations.describe(integrations, args.reportTo(), integrationsOff),
        integrationsOff.isEmpty(), true));
    session.fire(Event.ON_INIT_END);
  }

  /** A builder; a {@code model} (or {@code inferenceModel}) and a {@code loss} are required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- public API ----

  /**
   * Trains from scratch, or resumes from {@code resume_from_checkpoint} when the arguments name one (a
   * folder, or {@code true} for the latest checkpoint in {@code output_dir}).
   *
   * @throws IllegalStateException when {@code output_dir} already holds checkpoints of another run and
   *     neither resuming nor {@code overwrite_output_dir} was asked for
   */
  public TrainOutput train() {
    return session.train();
  }

  /**
   * Trains, resuming from the latest {@code checkpoint-<step>} folder of {@code output_dir} when {@code
   * resumeFromLatest} is true: model, optimizer, schedule, state, log history and data position.
   *
   * @throws IllegalStateException "no valid checkpoint found in ..." when there is none
   */
  public TrainOutput train(boolean resumeFromLatest) {
    return session.train(resumeFromLatest ? session.resumeTarget("true") : Optional.empty());
  }

  /** Trains, resuming from this checkpoint folder. */
  public TrainOutput train(Path checkpoint) {
    return session.train(session.resumeTarget(checkpoint.toString()));
  }

  /** Adds a callback (before the progress bar, after the others). */
  public void addCallback(TrainerCallback callback) {
    callbacks.add(callback);
  }

  /** Removes and returns the first callback of this class. */
  public <T extends TrainerCallback> Optional<T> popCallback(Class<T> type) {
    return callbacks.pop(type);
  }

  /** Removes the first callback of this class. */
  public boolean removeCallback(Class<? extends TrainerCallback> type) {
    return callbacks.remove(type);
  }

  /** The callbacks in calling order. */
  public CallbackHandler callbackHandler() {
    return callbacks;
  }

  public TrainingArguments args() {
    return args;
  }

  public TrainerState state() {
    return session.state();
  }

  /**
   * The DJL model being trained.
   *
   * @throws IllegalStateException when the Trainer was given an {@link InferenceModel} or an engine instead
   */
  public Model model() {
    if (model == null) {
      throw new IllegalStateException("this Trainer evaluates an InferenceModel or runs an engine of its own;"
          + " it has no DJL model");
    }
    return model;
  }

  /**
   * Closes the callbacks that hold resources ({@link AutoCloseable} ones, e.g. writers that flush rows
   * from a {@code predict()} after training) and the engine, which closes an {@link InferenceModel} given
   * to the builder. A DJL model stays open: it is the caller's.
   */
  @Override
  public void close() {
    for (TrainerCallback callback : callbacks.callbacks()) {
      if (callback instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.error("callback {} failed to close", callback.getClass().getName(), e);
        }
      }
    }
    engine.close();
  }

  /** Evaluates on the eval dataset given to the builder, with the {@code eval} prefix. */
  public Map<String, Object> evaluate() {
    if (evalDataset == null) {
      throw new IllegalStateException("no eval dataset: give one to Trainer.builder().evalDataset(...) or"
          + " call evaluate(dataset)");
    }
    return evaluate(evalDataset, List.of(), "eval");
  }

  /** Evaluates on this dataset with the {@code eval} prefix. */
  public Map<String, Object> evaluate(TrainerDataset dataset) {
    return evaluate(dataset, List.of(), "eval");
  }

  /**
   * Computes the loss and {@code computeMetrics} on a dataset, as HF's {@code evaluate}: every key that
   * does not start with {@code <prefix>_} gets it, {@code <prefix>_runtime}, {@code
   * _samples_per_second} and {@code _steps_per_second} are added, the row is logged (with {@code epoch})
   * and {@code onEvaluate} fires.
   *
   * @param ignoreKeys names of model outputs not to use as predictions
   * @return the metrics, including {@code epoch}
   */
  public Map<String, Object> evaluate(TrainerDataset dataset, Collection<String> ignoreKeys, String metricKeyPrefix) {
    return session.evaluate(dataset, ignoreKeys, metricKeyPrefix);
  }

  /** Predicts on a dataset with the {@code test} prefix. */
  public PredictionOutput predict(TrainerDataset dataset) {
    return predict(dataset, List.of(), "test");
  }

  /**
   * Runs the model over a dataset, as HF's {@code predict}: predictions, labels when the data has them,
   * and {@code test_}-prefixed metrics. Fires {@code onPredict}; the metrics are not logged (as HF).
   */
  public PredictionOutput predict(TrainerDataset dataset, Collection<String> ignoreKeys, String metricKeyPrefix) {
    return session.predict(dataset, ignoreKeys, metricKeyPrefix);
  }

  /**
   * Logs a row: adds {@code epoch}, appends it with {@code step} to {@code log_history} and fires
   * {@code onLog}. Use it for values computed outside {@code evaluate}; prefix them {@code eval_} or
   * {@code test_} to file them under {@code eval/} or {@code test/}. Called from a callback (as HF
   * users do), it logs as {@link CallbackContext#log(Map)}: right after the current event.
   *
   * @return the row as logged (with {@code epoch})
   */
  public Map<String, Object> log(Map<String, ?> logs) {
    return session.log(logs);
  }

  private TrainerCallback consoleCallback() {
    boolean bars = args.disableTqdm().map(disable -> !disable).orElse(System.console() != null);
    return bars ? new ProgressCallback() : new PrinterCallback();
  }

  /** Builds a {@link Trainer}; {@code model} and {@code loss} are required. */
  public static final class Builder {
    private Model model;
    private InferenceModel inference;
    private TrainingEngine engine;
    private Loss loss;
    private ComputeLoss computeLoss;
    private TrainingArguments args;
    private TrainerDataset trainDataset;
    private TrainerDataset evalDataset;
    private ComputeMetrics computeMetrics;
    private Sampler trainSampler;
    private final List<TrainerCallback> callbacks = new ArrayList<>();
    private final Map<String, IntegrationSettings> integrationSettings = new java.util.LinkedHashMap<>();
    private ClassLoader classLoader = Trainer.class.getClassLoader();
    private int logHistoryLimit;

    /** The DJL model to train; its block is initialized from the first batch if it is not yet. */
    public Builder model(Model v) { model = v; return this; }
    /** A model to evaluate and predict with only (e.g. ONNX Runtime); closed with the Trainer. */
    public Builder inferenceModel(InferenceModel v) { inference = v; return this; }
    /**
     * An engine of your own instead of a DJL model and loss (docs/ARCHITECTURE.md): the Trainer runs its
     * loop, evaluation and checkpoints on it and closes it with {@link Trainer#close()}. A data-parallel
     * engine wraps a {@link DjlEngine} this way.
     */
    public Builder engine(TrainingEngine v) { engine = v; return this; }
    /**
     * The loss, called as {@code loss.evaluate(labels, predictions)}; with {@code label_smoothing_factor} above
     * 0, its label-smoothed copy ({@link org.trainer4j.core.engine.LabelSmoothable}).
     */
    public Builder loss(Loss v) { loss = v; return this; }
    /**
     * HF's {@code compute_loss} override instead of a {@code loss}: a function that runs the model on each
     * batch's inputs and returns the loss and the outputs ({@link ComputeLoss}).
     */
    public Builder computeLoss(ComputeLoss v) { computeLoss = v; return this; }
    public Builder args(TrainingArguments v) { args = v; return this; }
    public Builder trainDataset(TrainerDataset v) { trainDataset = v; return this; }
    public Builder trainDataset(ai.djl.training.dataset.RandomAccessDataset v) { return trainDataset(TrainerDataset.of(v)); }
    public <T> Builder trainDataset(List<T> examples, DataCollator<T> collator) { return trainDataset(TrainerDataset.of(examples, collator)); }
    public Builder evalDataset(TrainerDataset v) { evalDataset = v; return this; }
    public Builder evalDataset(ai.djl.training.dataset.RandomAccessDataset v) { return evalDataset(TrainerDataset.of(v)); }
    public <T> Builder evalDataset(List<T> examples, DataCollator<T> collator) { return evalDataset(TrainerDataset.of(examples, collator)); }
    public Builder computeMetrics(ComputeMetrics v) { computeMetrics = v; return this; }
    /** HF's {@code compute_metrics} with {@code compute_result}, for {@code batch_eval_metrics=true}. */
    public Builder computeMetrics(BatchComputeMetrics v) { computeMetrics = v; return this; }
    /**
     * The order of the training examples in each epoch, replacing {@code train_sampling_strategy}
     * (HF's {@code _get_train_sampler} override); it must be a function of the epoch for an exact
     * resume, see {@link Sampler}.
     */
    public Builder trainSampler(Sampler v) { trainSampler = v; return this; }
    /** Adds user callbacks, called after integrations and before the progress bar. */
    public Builder callbacks(TrainerCallback... v) { callbacks.addAll(List.of(v)); return this; }
    public Builder callbacks(List<? extends TrainerCallback> v) { callbacks.addAll(v); return this; }
    /** Where integrations are looked up with ServiceLoader (default: this library's class loader). */
    public Builder classLoader(ClassLoader v) { classLoader = v; return this; }

    /**
     * Customizes an integration found through {@code report_to}, by its name, e.g. {@code
     * integration("wandb", cfg -> cfg.set("project", "my-project"))}. The settings win over system
     * properties and environment variables (see {@link IntegrationConfig}); they apply when {@code
     * report_to} selects the integration. Several calls for one name add up.
     *
     * @throws IllegalArgumentException (at {@link #build()}) when no integration of that name is on the
     *     class path; the message lists those that are
     */
    public Builder integration(String name, java.util.function.Consumer<IntegrationSettings> settings) {
      if (name == null || name.isBlank() || settings == null) {
        throw new IllegalArgumentException("integration(name, settings) needs a name such as wandb and a function"
            + " that sets values, got name=" + name + ", settings=" + settings);
      }
      settings.accept(integrationSettings.computeIfAbsent(name.trim().toLowerCase(java.util.Locale.ROOT),
          n -> new IntegrationSettings()));
      return this;
    }

    /**
     * Keeps only the newest {@code rows} rows of {@code log_history} in memory and in each {@code
     * trainer_state.json} (default 0: all, as HF). For long runs that log often: the history otherwise
     * grows without bound and every save rewrites all of it. Integrations (TensorBoard, W&B) still get
     * every row; best model, early stopping and resume are unaffected (docs/TRAINER.md).
     *
     * @throws IllegalArgumentException for a negative number
     */
    public Builder logHistoryLimit(int rows) {
      TrainerState.Writer.create().limitLogHistory(rows); // the same check, now rather than at build()
      logHistoryLimit = rows;
      return this;
    }

    /**
     * Builds the Trainer: resolves {@code report_to}, orders the callbacks and fires {@code onInitEnd}.
     *
     * @throws IllegalArgumentException for an unknown {@code report_to} name
     */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
