package org.trainer4j.core;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.DefaultFlowCallback;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.console.PrinterCallback;
import org.trainer4j.core.console.ProgressCallback;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.Seeds;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.checkpoint.ModelWeights;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.MetricRows;
import org.trainer4j.core.optim.Gradients;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.NamedParameter;
import org.trainer4j.core.optim.Optimizer;
import org.trainer4j.core.optim.Optimizers;

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

  private final Model model; // null when only an InferenceModel was given
  private final InferenceModel inference;
  private final NDManager manager;
  private final Loss loss;
  private final TrainingArguments args;
  private final TrainerDataset trainDataset;
  private final TrainerDataset evalDataset;
  private final ComputeMetrics computeMetrics;
  private final Sampler trainSampler;
  private final CallbackHandler callbacks = new CallbackHandler();
  private final List<Integrations.Selection> integrations = new ArrayList<>(); // those that started
  private final List<String> integrationsOff = new ArrayList<>();
  private final TrainerControl control = new TrainerControl();
  private TrainerState state = new TrainerState();
  private final CallbackLogs callbackLogs = new CallbackLogs(this::logForCallback);
  private final int logHistoryLimit;
  private CallbackContext context;

  private Trainer(Builder b) {
    if ((b.model == null) == (b.inference == null)) {
      throw new IllegalArgumentException("give the Trainer one model: Trainer.builder().model(djlModel) to train,"
          + " or .inferenceModel(model) to evaluate and predict only");
    }
    this.model = b.model;
    if (model != null && model.getBlock() == null) {
      throw new IllegalArgumentException("the model has no block; call model.setBlock(block) first");
    }
    this.inference = model != null ? new BlockInference(model) : b.inference;
    this.manager = model != null ? model.getNDManager() : NDManager.newBaseManager();
    EngineCheck.requireEngine(manager, b.classLoader);
    if (b.loss == null) {
      throw new IllegalArgumentException("a loss is required, e.g. Trainer.builder().loss(Loss.softmaxCrossEntropyLoss())");
    }
    this.loss = b.loss;
    this.args = b.args != null ? b.args : TrainingArguments.builder().build();
    if (model != null) {
      Optimizers.create(args, List.of()).close(); // an optim_args key the optimizer lacks fails here, not at train()
    }
    this.trainDataset = b.trainDataset;
    this.evalDataset = b.evalDataset;
    this.computeMetrics = b.computeMetrics;
    this.trainSampler = TrainingOrder.choose(args, b.trainSampler);
    ConstructionChecks.check(args, model, trainDataset, evalDataset, computeMetrics);
    this.logHistoryLimit = b.logHistoryLimit;
    state.limitLogHistory(logHistoryLimit);
    this.context = CallbackContext.empty().withLogger(callbackLogs::add).withModel(model)
        .withDataLoaders(trainDataset == null ? null : trainLoader(), evalDataset == null ? null : evalLoader(evalDataset));

    callbacks.add(new DefaultFlowCallback(), CallbackRole.FLOW);
    for (Integrations.Selection selection : Integrations.select(args.reportTo(), b.classLoader)) {
      try {
        callbacks.add(selection.provider().create(args), CallbackRole.INTEGRATION);
        integrations.add(selection);
      } catch (RuntimeException e) {
        integrationsOff.add(selection.name());
        LOG.error("integration {} could not start and is switched off for this run; training goes on",
            selection.name(), e);
      }
    }
    b.callbacks.forEach(callbacks::add);
    callbacks.add(consoleCallback(), CallbackRole.CONSOLE);
    fire(Event.ON_INIT_END);
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
    return runTraining(args.resumeFromCheckpoint().flatMap(this::resumeTarget));
  }

  /**
   * Trains, resuming from the latest {@code checkpoint-<step>} folder of {@code output_dir} when {@code
   * resumeFromLatest} is true: model, optimizer, schedule, state, log history and data position.
   *
   * @throws IllegalStateException "no valid checkpoint found in ..." when there is none
   */
  public TrainOutput train(boolean resumeFromLatest) {
    return runTraining(resumeFromLatest ? resumeTarget("true") : Optional.empty());
  }

  /** Trains, resuming from this checkpoint folder. */
  public TrainOutput train(Path checkpoint) {
    return runTraining(resumeTarget(checkpoint.toString()));
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
    return state;
  }

  /**
   * The DJL model being trained.
   *
   * @throws IllegalStateException when the Trainer was given an {@link InferenceModel} instead
   */
  public Model model() {
    if (model == null) {
      throw new IllegalStateException("this Trainer evaluates an InferenceModel; it has no DJL model");
    }
    return model;
  }

  /**
   * Closes the callbacks that hold resources ({@link AutoCloseable} ones, e.g. writers that flush rows
   * from a {@code predict()} after training) and an {@link InferenceModel} given to the builder. A DJL
   * model stays open: it is the caller's.
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
    if (model == null) {
      inference.close();
      manager.close();
    }
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
    MetricRows.checkPrefix(metricKeyPrefix);
    DataLoader loader = evalLoader(dataset);
    Map<String, Object> metrics = predictionMetrics(loader, ignoreKeys, metricKeyPrefix).metrics();
    Map<String, Object> logged = log(metrics);
    fire(Event.ON_EVALUATE, context.withDataLoaders(context.trainDataLoader().orElse(null), loader).withMetrics(logged));
    return logged;
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
    MetricRows.checkPrefix(metricKeyPrefix);
    DataLoader loader = evalLoader(dataset);
    PredictionRun run = predictionMetrics(loader, ignoreKeys, metricKeyPrefix);
    fire(Event.ON_PREDICT, context.withDataLoaders(context.trainDataLoader().orElse(null), loader).withMetrics(run.metrics()));
    return new PredictionOutput(run.result().predictions(), run.result().labels(), run.metrics());
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
    if (callbackLogs.dispatching()) {
      callbackLogs.add(logs);
      return Collections.unmodifiableMap(state.withEpoch(logs)); // as it is logged when the event ends
    }
    return logNow(logs);
  }

  private Map<String, Object> logNow(Map<String, ?> logs) {
    Map<String, Object> row = state.recordLog(logs);
    fire(Event.ON_LOG, context.withLogs(row));
    return row;
  }

  /** A row a callback logged: its onLog (which resets should_log) must not cancel the log a step asked for. */
  private void logForCallback(Map<String, ?> logs) {
    boolean logDue = control.shouldLog();
    logNow(logs);
    control.setShouldLog(logDue || control.shouldLog());
  }

  // ---- training ----

  private TrainOutput runTraining(Optional<Path> resumeFrom) {
    if (model == null) {
      throw new IllegalStateException(inference.trainingUnsupportedMessage());
    }
    if (trainDataset == null) {
      throw new IllegalStateException("no train dataset: give one to Trainer.builder().trainDataset(...)");
    }
    DataLoader loader = trainLoader();
    StepPlan plan = StepPlan.of(args, loader.length());
    Checkpoints.recoverInterruptedSaves(args.outputDir());
    List<Path> overwritten = resumeFrom.isEmpty() ? checkpointsToOverwrite() : List.of();
    initializeBlock(loader);
    List<NamedParameter> parameters = Optimizers.trainableParameters(model.getBlock());

    state = resumeFrom.map(c -> resumedState(c, plan)).orElseGet(TrainerState::new);
    Optional<String> stoppedBefore = resumeFrom.flatMap(c -> ResumePoint.stopReason(state, plan));
    state.limitLogHistory(logHistoryLimit);
    if (resumeFrom.isEmpty()) {
      state.setEpoch(0); // as HF: None before training, 0 from onTrainBegin on
    }
    state.setMaxSteps(plan.maxSteps());
    state.setNumTrainEpochs(plan.numTrainEpochs());
    state.setTrainBatchSize(args.perDeviceTrainBatchSize());
    state.setLoggingSteps(plan.loggingSteps());
    state.setEvalSteps(plan.evalSteps());
    state.setSaveSteps(plan.saveSteps());

    try (Optimizer optimizer = Optimizers.create(args, parameters)) {
      LrScheduler scheduler = Optimizers.schedule(args, plan.maxSteps());
      context = context.withOptimizer(optimizer, scheduler).withDataLoaders(loader, context.evalDataLoader().orElse(null));
      TrainingRun run = new TrainingRun(plan, loader, parameters, optimizer, scheduler);
      resumeFrom.ifPresent(c -> run.restore(c, stoppedBefore));
      if (!overwritten.isEmpty()) {
        run.tryFirstBatch(); // the run can start: only now may the old run's checkpoints go
        deleteOverwritten(overwritten);
      }
      String reporting = Integrations.describe(integrations, args.reportTo(), integrationsOff);
      if (integrationsOff.isEmpty()) {
        LOG.info(reporting);
      } else {
        LOG.warn(reporting); // not everything report_to asked for is reported to
      }
      LOG.info("Training: {} examples, {} epochs, batch size {}, gradient accumulation {}, {} optimizer steps",
          trainDataset.size(), plan.numTrainEpochs(), args.perDeviceTrainBatchSize(),
          args.gradientAccumulationSteps(), plan.maxSteps());
      return run.execute();
    }
  }

  /**
   * The old run's checkpoints a new run replaces with {@code overwrite_output_dir}; they are deleted only
   * once the new run is known to start. Without the option, mixing runs is refused.
   */
  private List<Path> checkpointsToOverwrite() {
    List<Path> old = Checkpoints.list(args.outputDir());
    if (!old.isEmpty() && !args.overwriteOutputDir()) {
      throw new IllegalStateException("output_dir " + args.outputDir() + " already holds checkpoints ("
          + old.stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.joining(", "))
          + "); resume them with train(true) or --resume_from_checkpoint true, choose another output_dir,"
          + " or set overwrite_output_dir=true to delete them");
    }
    return old;
  }

  private static void deleteOverwritten(List<Path> old) {
    for (Path p : old) {
      LOG.info("overwrite_output_dir=true: deleting {}", p);
      Checkpoints.delete(p);
    }
  }

  private TrainerState resumedState(Path checkpoint, StepPlan plan) {
    if (args.saveOnlyModel()) {
      Checkpoints.requireComplete(checkpoint, Checkpoints.MODEL_ONLY, "save_only_model=true needs "
          + String.join(", ", Checkpoints.MODEL_ONLY));
    } else {
      Checkpoints.requireComplete(checkpoint, Checkpoints.FULL, "a resume needs all of " + String.join(", ",
          Checkpoints.FULL) + " to continue exactly; resume a model-only checkpoint with save_only_model=true");
    }
    TrainerState loaded = TrainerState.loadFromJson(checkpoint.resolve(Checkpoints.TRAINER_STATE));
    warnIfChanged("logging_steps", loaded.loggingSteps(), plan.loggingSteps());
    warnIfChanged("eval_steps", loaded.evalSteps(), plan.evalSteps());
    warnIfChanged("save_steps", loaded.saveSteps(), plan.saveSteps());
    CheckpointFiles.load(checkpoint.resolve(Checkpoints.MODEL), file -> ModelWeights.load(model.getBlock(), file));
    if (args.restoreCallbackStatesFromCheckpoint()) {
      CallbackStates.restore(loaded.statefulCallbacks(), control, callbacks.callbacks());
    }
    return loaded;
  }

  private static void warnIfChanged(String option, int saved, int now) {
    if (saved != now) {
      LOG.warn("{} is {} in the checkpoint but {} now; the new value is used", option, saved, now);
    }
  }

  /** The checkpoint {@code train(...)} resumes from, as HF: a folder, or the latest in {@code output_dir}. */
  private Optional<Path> resumeTarget(String resumeFromCheckpoint) {
    String value = resumeFromCheckpoint.trim();
    if (value.isEmpty() || value.equalsIgnoreCase("false")) {
      return Optional.empty();
    }
    if (value.equalsIgnoreCase("true")) {
      Checkpoints.recoverInterruptedSaves(args.outputDir());
      return Optional.of(Checkpoints.latest(args.outputDir()).orElseThrow(() -> new IllegalStateException(
          "no valid checkpoint found in " + args.outputDir() + " (resume_from_checkpoint=true looks for"
              + " checkpoint-<step> folders there)")));
    }
    Path folder = Path.of(value);
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("resume_from_checkpoint=" + value + " is not allowed: no valid checkpoint"
          + " found in " + folder + " (there is no such folder); give a checkpoint-<step> folder or true");
    }
    return Optional.of(folder);
  }

  /** The loop of one {@link #train()} call, with its running sums. */
  private final class TrainingRun {
    private final StepPlan plan;
    private final DataLoader loader;
    private final List<NamedParameter> parameters;
    private final Optimizer optimizer;
    private final LrScheduler scheduler;
    private final long parameterCount;
    private final LossTracker losses = new LossTracker(args.loggingNanInfFilter());
    private int lastLoggedStep;
    private Double gradNorm;
    private double learningRate;
    private boolean epochFinished;
    private int startEpoch;
    private int skipBatches;
    private LoopState.EpochOrder epochOrder;
    /** The step of the checkpoint this run resumed from, which it never saves again; -1 for a new run. */
    private int resumedStep = -1;
    /** Why the run this one resumes had already stopped; empty when it trains on. */
    private Optional<String> stoppedBefore = Optional.empty();
    /** The evaluation lacked metric_for_best_model: reported once the checkpoint of that step is saved. */
    private String missingMetric;
    private boolean warnedNaNMetric;

    TrainingRun(StepPlan plan, DataLoader loader, List<NamedParameter> parameters, Optimizer optimizer,
        LrScheduler scheduler) {
      this.plan = plan;
      this.loader = loader;
      this.parameters = parameters;
      this.optimizer = optimizer;
      this.scheduler = scheduler;
      this.parameterCount = parameters.stream().mapToLong(p -> p.array().size()).sum();
      this.lastLoggedStep = state.globalStep();
    }

    /** Continues from a checkpoint: optimizer, schedule, loss sums and the data position. */
    void restore(Path checkpoint, Optional<String> stopped) {
      resumedStep = state.globalStep();
      stoppedBefore = stopped;
      Path loop = checkpoint.resolve(Checkpoints.LOOP_STATE);
      if (Files.isRegularFile(loop)) {
        CheckpointState.loadOptimizer(checkpoint, optimizer, scheduler);
        LoopState saved = CheckpointFiles.read(loop, LoopState::read);
        losses.restore(saved.losses());
        lastLoggedStep = saved.lastLoggedStep();
        learningRate = saved.learningRate();
        gradNorm = saved.gradNorm();
        epochFinished = saved.epochFinished();
        if (saved.seed() != args.seed() || saved.dataSeed() != dataSeed()) {
          LOG.warn("the checkpoint was trained with seed={} data_seed={}, this run uses seed={} data_seed={}:"
              + " data order and dropout will differ from an uninterrupted run", saved.seed(), saved.dataSeed(),
              args.seed(), dataSeed());
        } else if (saved.epochOrder() != null) {
          warnIfOrderChanged(saved.epochOrder(), checkpoint);
        }
        Optional<Integer> threads = EngineThreads.intraOp();
        if (saved.intraOpThreads() != null && threads.isPresent() && !threads.get().equals(saved.intraOpThreads())) {
          LOG.warn("checkpoint {} was written with {} intra-op threads, this run has {}: sums over large arrays are"
              + " split by thread, so results can differ from the uninterrupted run in the last bits; start with"
              + " -Dai.djl.pytorch.num_threads={} for an exact continuation", checkpoint, saved.intraOpThreads(),
              threads.get(), saved.intraOpThreads());
        }
      } else {
        LOG.warn("checkpoint {} holds the model only (save_only_model): the optimizer and schedule start"
            + " fresh, so the resumed run will differ from an uninterrupted one", checkpoint);
        CheckpointState.fastForward(scheduler, state.globalStep());
      }
      int done = state.globalStep();
      startEpoch = done / plan.updatesPerEpoch();
      skipBatches = (done % plan.updatesPerEpoch()) * args.gradientAccumulationSteps();
      if (done > 0 && done % plan.updatesPerEpoch() == 0 && !epochFinished) {
        startEpoch--; // the checkpoint was written before that epoch's end-of-epoch events ran
        skipBatches = plan.batchesPerEpoch();
      }
      if (stoppedBefore.isPresent()) {
        LOG.warn("{} ends a run that had already stopped ({}): resuming trains nothing and returns its final state{}",
            checkpoint, stoppedBefore.get(), epochFinished ? "" : " (after the end-of-epoch events still due)");
        skipBatches = epochFinished ? 0 : plan.batchesPerEpoch();
        return;
      }
      LOG.info("Continuing training from checkpoint {} at step {}: skipping {} epochs and {} batches", checkpoint,
          done, startEpoch, skipBatches);
    }

    /** A sampler whose order is not a function of the epoch breaks an exact resume: say so. */
    private void warnIfOrderChanged(LoopState.EpochOrder saved, Path checkpoint) {
      if (!saved.equals(LoopState.EpochOrder.of(saved.epoch(), loader.order(saved.epoch())))) {
        LOG.warn("the training sampler gives epoch {} another order than when checkpoint {} was saved: the"
            + " resumed run skips the batches already trained but visits other examples than an uninterrupted"
            + " run; make the sampler's order a function of the epoch (e.g. seed its Random with the epoch)",
            saved.epoch(), checkpoint);
      }
    }

    TrainOutput execute() {
      long start = System.nanoTime();
      fire(Event.ON_TRAIN_BEGIN);
      if (stoppedBefore.isPresent()) {
        control.setShouldTrainingStop(true); // as it was when the run stopped
      }
      if (args.evalOnStart()) {
        evaluateDuringTraining();
        if (missingMetric != null) {
          throw new IllegalArgumentException(missingMetric + "; nothing was trained yet (eval_on_start)");
        }
      }
      int accumulation = args.gradientAccumulationSteps();
      boolean replayEpochEnd = skipBatches == plan.batchesPerEpoch();
      for (int epoch = startEpoch; stoppedBefore.isEmpty() && epoch < plan.numTrainEpochs()
          && state.globalStep() < plan.maxSteps() || epoch == startEpoch && replayEpochEnd; epoch++) {
        int[] order = loader.order(epoch);
        epochOrder = LoopState.EpochOrder.of(epoch, order);
        int batches = plan.batchesPerEpoch();
        int first = epoch == startEpoch ? skipBatches : 0;
        epochFinished = false;
        fire(Event.ON_EPOCH_BEGIN);
        for (int step = first; step < batches; step++) {
          int windowStart = step - step % accumulation;
          int windowSize = Math.min(accumulation, batches - windowStart);
          if (step == windowStart) {
            fire(Event.ON_STEP_BEGIN);
          }
          losses.addMicroBatch(forwardBackward(loader.batchIndices(order, step), windowSize, step - windowStart,
              new BatchCheck.Place("training", epoch, step)));
          if (step - windowStart == windowSize - 1) {
            losses.endStep();
            optimizerStep();
            state.setEpoch(epoch + (double) (step + 1) / batches);
            fire(Event.ON_STEP_END);
            maybeLogSaveEvaluate();
          } else {
            fire(Event.ON_SUBSTEP_END);
          }
          if (control.shouldEpochStop() || control.shouldTrainingStop()) {
            break;
          }
        }
        epochFinished = true;
        fire(Event.ON_EPOCH_END);
        maybeLogSaveEvaluate();
        if (control.shouldTrainingStop()) {
          break;
        }
      }
      if (args.loadBestModelAtEnd()) {
        loadBestModel();
      }
      double trainLoss = losses.trainLoss(state.globalStep());
      Map<String, Object> metrics = MetricRows.speed("train", secondsSince(start), numTrainSamples(), plan.maxSteps());
      metrics.put("total_flos", state.totalFlos());
      metrics.put("train_loss", trainLoss);
      log(metrics);
      if (args.saveTotalLimit().orElse(0) == 1) {
        state.bestModelCheckpoint().ifPresent(best -> Checkpoints.keepOnly(args.outputDir(), Path.of(best)));
      }
      fire(Event.ON_TRAIN_END);
      return new TrainOutput(state.globalStep(), trainLoss, metrics);
    }

    private int numTrainSamples() {
      return args.maxSteps() > 0
          ? args.maxSteps() * args.perDeviceTrainBatchSize() * args.gradientAccumulationSteps()
          : (int) Math.round(trainDataset.size() * args.numTrainEpochs());
    }

    /** One micro-batch: forward, loss scaled by the window's length, backward. Returns the unscaled loss. */
    private float forwardBackward(int[] indices, int windowSize, int microIndex, BatchCheck.Place place) {
      // Dropout draws depend on the seed and the position in the run only, so a resumed run repeats them.
      Engine.getInstance().setRandomSeed(stepSeed(state.globalStep(), microIndex));
      try (NDScope scope = new NDScope();
          NDManager manager = model.getNDManager().newSubManager();
          Batch batch = trainDataset.batch(manager, indices);
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        scope.suppressNotUsedWarning();
        NDArray value = forwardLoss(batch, indices, place, manager, true);
        collector.backward(windowSize == 1 ? value : value.div(windowSize));
        state.setTotalFlos(state.totalFlos() + 6.0 * parameterCount * batch.size());
        return value.toType(DataType.FLOAT32, false).getFloat();
      }
    }

    /** The batch's loss, after checking its shapes; a loss the engine rejects is explained when it can be. */
    private NDArray forwardLoss(Batch batch, int[] indices, BatchCheck.Place place, NDManager manager, boolean training) {
      BatchCheck.shapes(batch, indices, place);
      NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), batch.inputs(), training);
      NDList labels = PredictionLoop.selectLabels(batch.labels(), args.labelNames());
      try {
        return loss.evaluate(labels, outputs);
      } catch (RuntimeException e) {
        throw BatchCheck.explain(e, loss, labels, outputs, indices, place);
      }
    }

    /**
     * Runs the first batch forward and through the loss, without training: proof that the engine, the
     * model and the data work, before anything of an old run is deleted.
     */
    void tryFirstBatch() {
      int[] indices = loader.batchIndices(loader.order(0), 0);
      try (NDScope scope = new NDScope();
          NDManager manager = model.getNDManager().newSubManager();
          Batch batch = trainDataset.batch(manager, indices)) {
        scope.suppressNotUsedWarning();
        forwardLoss(batch, indices, new BatchCheck.Place("training", 0, 0), manager, false);
      }
    }

    private void optimizerStep() {
      gradNorm = args.maxGradNorm() > 0 ? Gradients.clipByGlobalNorm(parameters, args.maxGradNorm()) : null;
      fire(Event.ON_PRE_OPTIMIZER_STEP);
      learningRate = scheduler.lastLr();
      optimizer.step(learningRate);
      fire(Event.ON_OPTIMIZER_STEP);
      scheduler.step();
      Gradients.zero(parameters);
      state.setGlobalStep(state.globalStep() + 1);
    }

    private void maybeLogSaveEvaluate() {
      if (control.shouldLog() && state.globalStep() > lastLoggedStep) {
        LossTracker.Logged loss = losses.takeLog();
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("loss", MetricRows.round(loss.meanLoss(), 4));
        if (loss.nonFiniteLosses() > 0) {
          // Said in the row itself, so a NaN-ridden window never passes for a normal one.
          logs.put("nonfinite_losses", loss.nonFiniteLosses());
          LOG.warn("{} micro-batch losses between steps {} and {} were NaN or infinite{}", loss.nonFiniteLosses(),
              lastLoggedStep + 1, state.globalStep(), Double.isNaN(loss.meanLoss()) ? " (all of them)" : " and were left out");
        }
        if (gradNorm != null) {
          logs.put("grad_norm", gradNorm);
        }
        logs.put("learning_rate", learningRate);
        lastLoggedStep = state.globalStep();
        log(logs);
      }
      if (control.shouldEvaluate()) {
        evaluateDuringTraining();
      }
      if (control.shouldSave()) {
        Path folder = args.outputDir().resolve(Checkpoints.folderName(state.globalStep()));
        if (state.globalStep() == resumedStep && Files.isDirectory(folder)) {
          // The checkpoint this run resumed from: saving it again would only put it at risk.
          LOG.info("Not saving {} again: this run resumed from it", folder);
          control.setShouldSave(false);
        } else {
          saveCheckpoint(folder);
          fire(Event.ON_SAVE);
        }
      }
      if (missingMetric != null) {
        Path saved = args.outputDir().resolve(Checkpoints.folderName(state.globalStep()));
        throw new IllegalArgumentException(missingMetric + "; " + (Files.isDirectory(saved)
            ? "the work so far is saved in " + saved + ": fix the metric and resume from it"
            : "nothing was saved (save_strategy=" + args.saveStrategy() + ")"));
      }
    }

    private void evaluateDuringTraining() {
      if (evalDataset == null) {
        throw new IllegalStateException("eval_strategy=" + args.evalStrategy() + " needs an eval dataset:"
            + " give one to Trainer.builder().evalDataset(...)");
      }
      Map<String, Object> metrics = evaluate(evalDataset, List.of(), "eval");
      if (args.metricForBestModel().isPresent()) {
        Optional<Double> value = BestModel.value(args, metrics);
        if (value.isEmpty()) {
          // Known only now: keep the work done so far (unless saving is off), then fail.
          missingMetric = BestModel.missingMessage(args, metrics);
          control.setShouldSave(args.saveStrategy() != SaveStrategy.NO);
          return;
        }
        if (value.get().isNaN() && !warnedNaNMetric) {
          warnedNaNMetric = true;
          LOG.warn("{} is NaN at step {}: a NaN never counts as the best model (warned once per run)",
              EarlyStoppingCallback.metricKey(args.metricForBestModel().get()), state.globalStep());
        }
        boolean newBest = BestModel.update(args, state, metrics);
        if (args.saveStrategy() == SaveStrategy.BEST) {
          control.setShouldSave(newBest);
        }
      }
      scheduler.onEvaluate(metrics);
    }

    private void saveCheckpoint(Path folder) {
      state.setStatefulCallbacks(CallbackStates.export(control, callbacks.callbacks()));
      BestModel.bestCheckpoint(args, state, folder).ifPresent(best -> state.setBestModelCheckpoint(best.toString()));
      LoopState loopState = new LoopState(losses.save(), lastLoggedStep, learningRate, gradNorm,
          epochFinished, args.seed(), dataSeed(), epochOrder, EngineThreads.intraOp().orElse(null));
      try {
        Checkpoints.writeAtomically(folder, dir -> {
          ModelWeights.save(model.getBlock(), dir.resolve(Checkpoints.MODEL));
          if (!args.saveOnlyModel()) {
            CheckpointState.saveOptimizer(dir, optimizer, scheduler);
            loopState.write(dir.resolve(Checkpoints.LOOP_STATE));
          }
          state.saveToJson(dir.resolve(Checkpoints.TRAINER_STATE));
          Files.writeString(dir.resolve(Checkpoints.TRAINING_ARGS), args.toJson());
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save checkpoint " + folder, e);
      }
      args.saveTotalLimit().ifPresent(limit -> Checkpoints.rotate(args.outputDir(), limit,
          state.bestModelCheckpoint().map(Path::of).map(java.util.Set::of).orElse(java.util.Set.of())));
    }

    private void loadBestModel() {
      Optional<Path> best = state.bestModelCheckpoint().map(Path::of);
      if (best.isEmpty() || !Files.isRegularFile(best.get().resolve(Checkpoints.MODEL))) {
        LOG.warn("load_best_model_at_end=true, but no best checkpoint was saved ({}); keeping the last model",
            best.map(Path::toString).orElse("no evaluation produced " + args.metricForBestModel().orElse("a metric")));
        return;
      }
      LOG.info("Loading best model from {} (score: {}).", best.get(), state.bestMetric().orElse(Double.NaN));
      CheckpointFiles.load(best.get().resolve(Checkpoints.MODEL), file -> ModelWeights.load(model.getBlock(), file));
    }
  }

  // ---- helpers ----

  /** A DJL model run forward without gradients. */
  private record BlockInference(Model model) implements InferenceModel {
    @Override
    public NDList forward(NDList inputs, NDManager manager) {
      return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }

    @Override
    public void close() {}
  }

  private record PredictionRun(PredictionLoop.Result result, Map<String, Object> metrics) {}

  private PredictionRun predictionMetrics(DataLoader loader, Collection<String> ignoreKeys, String prefix) {
    if (loader.dataset().size() == 0) {
      throw new IllegalArgumentException("the dataset to " + (prefix.equals("test") ? "predict" : "evaluate")
          + " is empty (0 examples); give one with examples");
    }
    long start = System.nanoTime();
    CallbackContext stepContext = context.withDataLoaders(context.trainDataLoader().orElse(null), loader);
    initializeBlock(loader);
    PredictionLoop.Result result = PredictionLoop.run(inference, manager, loss, loader, args.labelNames(), ignoreKeys,
        args.includeForMetrics().contains("inputs"), () -> fire(Event.ON_PREDICTION_STEP, stepContext));
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (computeMetrics != null && result.labels().isPresent()) {
      EvalPrediction prediction = new EvalPrediction(result.predictions(), result.labels().get(), result.inputs(),
          args.includeForMetrics().contains("loss") ? result.losses() : Optional.empty());
      Map<String, ?> computed = computeMetrics.compute(prediction);
      if (computed != null) {
        metrics.putAll(computed);
      }
    }
    result.meanLoss().ifPresent(l -> metrics.put(prefix + "_loss", l));
    Map<String, Object> prefixed = MetricRows.prefixed(metrics, prefix);
    int steps = (int) Math.ceil((double) result.numSamples() / args.perDeviceEvalBatchSize());
    prefixed.putAll(MetricRows.speed(prefix, secondsSince(start), result.numSamples(), steps));
    return new PredictionRun(result, prefixed);
  }

  private void initializeBlock(DataLoader loader) {
    if (model == null || model.getBlock().isInitialized()) {
      return;
    }
    Block block = model.getBlock();
    Engine.getInstance().setRandomSeed(args.seed());
    try (NDManager manager = model.getNDManager().newSubManager();
        Batch first = loader.dataset().batch(manager, loader.batchIndices(loader.order(0), 0))) {
      Shape[] shapes = first.inputs().stream().map(NDArray::getShape).toArray(Shape[]::new);
      DataType type = first.inputs().get(0).getDataType();
      block.initialize(model.getNDManager(), type.isFloating() ? type : DataType.FLOAT32, shapes);
    }
  }



  private DataLoader trainLoader() {
    return new DataLoader(trainDataset, args.perDeviceTrainBatchSize(), trainSampler, args.dataloaderDropLast());
  }

  private int dataSeed() {
    return TrainingOrder.dataSeed(args);
  }

  private DataLoader evalLoader(TrainerDataset dataset) {
    return new DataLoader(dataset, args.perDeviceEvalBatchSize(), Sampler.sequential(), args.dataloaderDropLast());
  }

  private TrainerCallback consoleCallback() {
    boolean bars = args.disableTqdm().map(disable -> !disable).orElse(System.console() != null);
    return bars ? new ProgressCallback() : new PrinterCallback();
  }

  private void fire(Event event) {
    fire(event, context);
  }

  private void fire(Event event, CallbackContext eventContext) {
    boolean completed = false;
    callbackLogs.enter();
    try {
      callbacks.fire(event, args, state, control, eventContext);
      completed = true;
    } finally {
      callbackLogs.exit(completed); // logs what callbacks logged during the event
    }
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private int stepSeed(int globalStep, int microIndex) {
    return (int) (Seeds.mix(Seeds.mix(args.seed(), globalStep), microIndex) & Integer.MAX_VALUE);
  }

  /** Builds a {@link Trainer}; {@code model} and {@code loss} are required. */
  public static final class Builder {
    private Model model;
    private InferenceModel inference;
    private Loss loss;
    private TrainingArguments args;
    private TrainerDataset trainDataset;
    private TrainerDataset evalDataset;
    private ComputeMetrics computeMetrics;
    private Sampler trainSampler;
    private final List<TrainerCallback> callbacks = new ArrayList<>();
    private ClassLoader classLoader = Trainer.class.getClassLoader();
    private int logHistoryLimit;

    /** The DJL model to train; its block is initialized from the first batch if it is not yet. */
    public Builder model(Model v) { model = v; return this; }
    /** A model to evaluate and predict with only (e.g. ONNX Runtime); closed with the Trainer. */
    public Builder inferenceModel(InferenceModel v) { inference = v; return this; }
    /** The loss, called as {@code loss.evaluate(labels, predictions)}. */
    public Builder loss(Loss v) { loss = v; return this; }
    public Builder args(TrainingArguments v) { args = v; return this; }
    public Builder trainDataset(TrainerDataset v) { trainDataset = v; return this; }
    public Builder trainDataset(ai.djl.training.dataset.RandomAccessDataset v) { return trainDataset(TrainerDataset.of(v)); }
    public <T> Builder trainDataset(List<T> examples, DataCollator<T> collator) { return trainDataset(TrainerDataset.of(examples, collator)); }
    public Builder evalDataset(TrainerDataset v) { evalDataset = v; return this; }
    public Builder evalDataset(ai.djl.training.dataset.RandomAccessDataset v) { return evalDataset(TrainerDataset.of(v)); }
    public <T> Builder evalDataset(List<T> examples, DataCollator<T> collator) { return evalDataset(TrainerDataset.of(examples, collator)); }
    public Builder computeMetrics(ComputeMetrics v) { computeMetrics = v; return this; }
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
     * Keeps only the newest {@code rows} rows of {@code log_history} in memory and in each {@code
     * trainer_state.json} (default 0: all, as HF). For long runs that log often: the history otherwise
     * grows without bound and every save rewrites all of it. Integrations (TensorBoard, W&B) still get
     * every row; best model, early stopping and resume are unaffected (docs/TRAINER.md).
     *
     * @throws IllegalArgumentException for a negative number
     */
    public Builder logHistoryLimit(int rows) {
      new TrainerState().limitLogHistory(rows); // the same check, now rather than at build()
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
