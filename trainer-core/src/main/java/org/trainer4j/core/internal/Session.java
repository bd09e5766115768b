package org.trainer4j.core.internal;

import ai.djl.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.StreamingDataset;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.BatchComputeMetrics;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.MetricRows;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * What one Trainer is at run time, whoever drives it ({@code Trainer}, the test kit's {@code
 * CallbackDriver}): arguments, engine, datasets, the callback handler, state and control, and the
 * operations of HF's Trainer on them (train, evaluate, predict, log). The loop itself is {@link
 * TrainingLoop}; events go out through {@link #fire}, rows through {@link #log}.
 *
 * <p>Internal: its shape follows what the Trainer and the test kit need, not a compatibility promise.
 */
public final class Session {
  private static final Logger LOG = LoggerFactory.getLogger("org.trainer4j.core.Trainer");

  /**
   * How a session is made.
   *
   * @param trainSampler the sampler given to the builder, or null for {@code train_sampling_strategy}
   * @param nanoTime the clock runtimes are measured with ({@code System::nanoTime} but in tests)
   * @param newState a fresh state for a run that does not resume
   * @param callbackModel what callbacks see as the model (null: none)
   * @param trainingUnsupported why this session cannot train (null: it can)
   * @param reporting the line that says where the run reports to (null: none is logged)
   * @param writeCheckpoints false to fire {@code onSave} without writing folders (test kit)
   */
  public record Setup(TrainingArguments args, CallbackHandler handler, TrainingEngine engine,
      TrainerDataset trainDataset, TrainerDataset evalDataset, ComputeMetrics computeMetrics, Sampler trainSampler,
      int logHistoryLimit, LongSupplier nanoTime, Supplier<TrainerState.Writer> newState, Model callbackModel,
      String trainingUnsupported, String reporting, boolean reportingComplete, boolean writeCheckpoints) {}

  final TrainingArguments args;
  final CallbackHandler callbacks;
  final TrainingEngine engine;
  final TrainerDataset trainDataset;
  final TrainerDataset evalDataset;
  private final ComputeMetrics computeMetrics;
  private final Sampler trainSampler;
  final TrainerControl control = new TrainerControl();
  /** The state of the current run, and the only handle that changes it (callbacks get the state alone). */
  TrainerState.Writer writer;
  TrainerState state;
  private final CallbackLogs callbackLogs = new CallbackLogs(this::logForCallback);
  private final int logHistoryLimit;
  private final LongSupplier nanoTime;
  private final Supplier<TrainerState.Writer> newState;
  private final Setup setup;
  CallbackContext context;

  public Session(Setup setup) {
    this.setup = setup;
    this.args = setup.args();
    this.callbacks = setup.handler();
    this.engine = setup.engine();
    this.trainDataset = setup.trainDataset();
    this.evalDataset = setup.evalDataset();
    this.computeMetrics = setup.computeMetrics();
    if (args.batchEvalMetrics() && computeMetrics != null && !(computeMetrics instanceof BatchComputeMetrics)) {
      // HF's message (Trainer.__init__); in Java, the function is a BatchComputeMetrics.
      throw new IllegalArgumentException("When using `batch_eval_metrics`, your `compute_metrics` function must take"
          + " a `compute_result` boolean argument which will be triggered after the last batch of the eval set to"
          + " signal that the summary statistics should be returned by the function: give a BatchComputeMetrics,"
          + " (prediction, computeResult) -> ...");
    }
    if (trainDataset != null && trainDataset.streaming()) {
      checkStreaming(args, setup.trainSampler());
    }
    this.trainSampler = TrainingOrder.choose(args, setup.trainSampler(), setup.trainDataset());
    this.logHistoryLimit = setup.logHistoryLimit();
    this.nanoTime = setup.nanoTime();
    this.newState = setup.newState();
    startState(newState.get());
    writer.limitLogHistory(logHistoryLimit);
    this.context = CallbackContext.empty().withLogger(callbackLogs::add).withModel(setup.callbackModel())
        .withDataLoaders(trainDataset == null ? null : trainLoader(), evalDataset == null ? null : evalLoader(evalDataset));
  }

  /** HF's rules for a training dataset without a length. */
  private static void checkStreaming(TrainingArguments args, Sampler given) {
    requireMaxSteps(args);
    if (given != null) {
      throw new IllegalArgumentException("a trainSampler does not apply to a StreamingDataset: its examples come in"
          + " the source's order");
    }
    if (args.trainSamplingStrategy() != org.trainer4j.core.args.SamplingStrategy.RANDOM) {
      LOG.warn("train_sampling_strategy={} is ignored because the training dataset is a StreamingDataset (no length):"
          + " examples are consumed in the source's order", args.trainSamplingStrategy());
    }
  }

  /** A dataset without a length needs max_steps. */
  static void requireMaxSteps(TrainingArguments args) {
    if (args.maxSteps() <= 0) {
      // HF's message (Trainer.__init__).
      throw new IllegalArgumentException("The train_dataset does not implement __len__, so the number of training"
          + " steps cannot be inferred; max_steps has to be specified. The total number of steps must be known in"
          + " advance to bound the training loop and to configure the learning rate scheduler.");
    }
  }

  public TrainerState state() {
    return state;
  }

  private void startState(TrainerState.Writer w) {
    writer = w;
    state = w.state();
  }

  public TrainerControl control() {
    return control;
  }

  // ---- events and logs ----

  public void fire(Event event) {
    fire(event, context);
  }

  void fire(Event event, CallbackContext eventContext) {
    boolean completed = false;
    callbackLogs.enter();
    try {
      callbacks.fire(event, args, state, control, eventContext);
      completed = true;
    } finally {
      callbackLogs.exit(completed); // logs what callbacks logged during the event
    }
  }

  /** {@code Trainer.log}: from a callback, the row waits for the end of the current event. */
  public Map<String, Object> log(Map<String, ?> logs) {
    if (callbackLogs.dispatching()) {
      callbackLogs.add(logs);
      return Collections.unmodifiableMap(state.withEpoch(logs)); // as it is logged when the event ends
    }
    return logNow(logs);
  }

  private Map<String, Object> logNow(Map<String, ?> logs) {
    Map<String, Object> row = writer.recordLog(logs);
    fire(Event.ON_LOG, context.withLogs(row));
    return row;
  }

  /** A row a callback logged: its onLog (which resets should_log) must not cancel the log a step asked for. */
  private void logForCallback(Map<String, ?> logs) {
    boolean logDue = control.shouldLog();
    logNow(logs);
    control.setShouldLog(logDue || control.shouldLog());
  }

  // ---- evaluation and prediction ----

  /** {@code Trainer.evaluate(dataset, ignoreKeys, prefix)}. */
  public Map<String, Object> evaluate(TrainerDataset dataset, Collection<String> ignoreKeys, String metricKeyPrefix) {
    MetricRows.checkPrefix(metricKeyPrefix);
    DataLoader loader = evalLoader(dataset);
    Map<String, Object> metrics = predictionMetrics(loader, ignoreKeys, metricKeyPrefix).metrics();
    Map<String, Object> logged = log(metrics);
    fire(Event.ON_EVALUATE, context.withDataLoaders(context.trainDataLoader().orElse(null), loader).withMetrics(logged));
    return logged;
  }

  /** {@code Trainer.predict(dataset, ignoreKeys, prefix)}. */
  public PredictionOutput predict(TrainerDataset dataset, Collection<String> ignoreKeys, String metricKeyPrefix) {
    MetricRows.checkPrefix(metricKeyPrefix);
    DataLoader loader = evalLoader(dataset);
    PredictionRun run = predictionMetrics(loader, ignoreKeys, metricKeyPrefix);
    fire(Event.ON_PREDICT, context.withDataLoaders(context.trainDataLoader().orElse(null), loader).withMetrics(run.metrics()));
    return new PredictionOutput(run.result().predictions(), run.result().labels(), run.metrics());
  }

  private record PredictionRun(PredictionLoop.Result result, Map<String, Object> metrics) {}

  private PredictionRun predictionMetrics(DataLoader loader, Collection<String> ignoreKeys, String prefix) {
    if (loader.dataset().streaming()) {
      throw new IllegalArgumentException("a StreamingDataset cannot be " + (prefix.equals("test") ? "predicted"
          : "evaluated") + " here: evaluation and prediction need a dataset with a length (TrainerDataset.of(...))");
    }
    if (loader.dataset().size() == 0) {
      throw new IllegalArgumentException("the dataset to " + (prefix.equals("test") ? "predict" : "evaluate")
          + " is empty (0 examples); give one with examples");
    }
    long start = nanoTime.getAsLong();
    CallbackContext stepContext = context.withDataLoaders(context.trainDataLoader().orElse(null), loader);
    prepare(loader);
    // HF computes metrics batch by batch in evaluation only; predict() keeps every prediction.
    boolean batchMetrics = args.batchEvalMetrics() && computeMetrics != null && !prefix.equals("test");
    PredictionLoop.Gathering gathering = new PredictionLoop.Gathering(args.includeForMetrics().contains("inputs"),
        args.includeForMetrics().contains("loss"), args.evalAccumulationSteps().orElse(0),
        batchMetrics ? (BatchComputeMetrics) computeMetrics : null);
    PredictionLoop.Result result = PredictionLoop.run(engine, loader, args.labelNames(), ignoreKeys, gathering,
        () -> fire(Event.ON_PREDICTION_STEP, stepContext));
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (result.batchMetrics().isPresent()) {
      metrics.putAll(result.batchMetrics().get());
    } else if (computeMetrics != null && result.labels().isPresent() && !batchMetrics) {
      EvalPrediction prediction = new EvalPrediction(result.predictions(), result.labels().get(), result.inputs(),
          args.includeForMetrics().contains("loss") ? result.losses() : Optional.empty());
      Map<String, ?> computed = computeMetrics.compute(prediction);
      if (computed != null) {
        metrics.putAll(computed);
      }
    }
    result.meanLoss().ifPresent(l -> metrics.put(prefix + "_loss", l));
    Map<String, Object> prefixed = MetricRows.prefixed(metrics, prefix);
    int steps = (int) Math.ceil((double) result.numSamples() / (args.perDeviceEvalBatchSize() * engine.worldSize()));
    prefixed.putAll(MetricRows.speed(prefix, secondsSince(start), result.numSamples(), steps));
    return new PredictionRun(result, prefixed);
  }

  /** Lets the engine ready the model from the loader's first batch (a DJL block's shapes). */
  void prepare(DataLoader loader) {
    if (loader.dataset().streaming() || loader.length() > 0) {
      FirstBatch first = firstBatch(loader);
      engine.prepare(first.data(), first.indices(), args.seed());
    }
  }

  /** The first batch a loader gives, as a dataset the engine can read it from. */
  record FirstBatch(TrainerDataset data, int[] indices) {}

  FirstBatch firstBatch(DataLoader loader) {
    if (!loader.dataset().streaming()) {
      return new FirstBatch(loader.dataset(), loader.batchIndices(loader.order(0), 0));
    }
    try (StreamPlan<?> stream = streamPlan(0)) {
      if (!stream.hasNext()) {
        throw new IllegalArgumentException("the streaming training dataset is empty: its source gave no example");
      }
      BatchFeed.Planned planned = stream.next();
      TrainerDataset one = new TrainerDataset() {
        @Override
        public int size() {
          return planned.indices().length;
        }

        @Override
        public org.trainer4j.core.data.Batch batch(ai.djl.ndarray.NDManager manager, int[] indices) {
          return planned.collate().apply(manager);
        }
      };
      return new FirstBatch(one, planned.indices());
    }
  }

  /** A training epoch of the streaming dataset, read past its first {@code skipBatches} batches. */
  StreamPlan<?> streamPlan(int skipBatches) {
    return new StreamPlan<>((StreamingDataset<?>) trainDataset, args.perDeviceTrainBatchSize(),
        args.dataloaderDropLast(), skipBatches);
  }

  long now() {
    return nanoTime.getAsLong();
  }

  double secondsSince(long startNanos) {
    return (nanoTime.getAsLong() - startNanos) / 1e9;
  }

  // ---- training ----

  /**
   * Trains from scratch, or resumes from {@code resume_from_checkpoint} when the arguments name one.
   */
  public TrainOutput train() {
    return train(args.resumeFromCheckpoint().flatMap(this::resumeTarget));
  }

  /**
   * Trains, resuming from this checkpoint folder when one is given. When training fails, fires {@code
   * onTrainAbort} once with the exception, then throws it.
   */
  public TrainOutput train(Optional<Path> resumeFrom) {
    try {
      return runTraining(resumeFrom);
    } catch (RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  /** {@code onTrainAbort}: a callback failing here must not hide the error that ended training. */
  private void abort(Throwable error) {
    try {
      callbacks.fireAll(Event.ON_TRAIN_ABORT, args, state, control, context.withError(error));
    } catch (RuntimeException | Error e) {
      if (e != error) {
        error.addSuppressed(e);
      }
    }
  }

  private TrainOutput runTraining(Optional<Path> resumeFrom) {
    if (setup.trainingUnsupported() != null) {
      throw new IllegalStateException(setup.trainingUnsupported());
    }
    if (trainDataset == null) {
      throw new IllegalStateException("no train dataset: give one to Trainer.builder().trainDataset(...)");
    }
    DataLoader loader = trainLoader();
    StepPlan plan = trainDataset.streaming() ? StepPlan.streaming(args) : StepPlan.of(args, loader.length());
    Checkpoints.recoverInterruptedSaves(args.outputDir());
    List<Path> overwritten = resumeFrom.isEmpty() ? checkpointsToOverwrite() : List.of();
    prepare(loader);

    startState(resumeFrom.map(c -> resumedState(c, plan)).orElseGet(newState));
    Optional<String> stoppedBefore = resumeFrom.flatMap(c -> ResumePoint.stopReason(state, plan));
    writer.limitLogHistory(logHistoryLimit);
    if (resumeFrom.isEmpty()) {
      writer.setEpoch(0); // as HF: None before training, 0 from onTrainBegin on
    }
    writer.setMaxSteps(plan.maxSteps());
    writer.setNumTrainEpochs(plan.numTrainEpochs());
    writer.setTrainBatchSize(args.perDeviceTrainBatchSize());
    if (engine.worldSize() > 1) { // a worker of a data-parallel job; a resumed state is process zero's
      writer.setProcessZero(engine.isLocalProcessZero(), engine.isWorldProcessZero());
    }
    writer.setLoggingSteps(plan.loggingSteps());
    writer.setEvalSteps(plan.evalSteps());
    writer.setSaveSteps(plan.saveSteps());

    engine.beginTraining(args);
    try {
      TrainingLoop run = new TrainingLoop(this, plan, loader);
      context = context.withOptimizer(engine.optimizer().orElse(null), run.scheduler())
          .withDataLoaders(loader, context.evalDataLoader().orElse(null));
      resumeFrom.ifPresent(c -> run.restore(c, stoppedBefore));
      if (!overwritten.isEmpty()) {
        run.tryFirstBatch(); // the run can start: only now may the old run's checkpoints go
        deleteOverwritten(overwritten);
      }
      if (setup.reporting() != null) {
        if (setup.reportingComplete()) {
          LOG.info(setup.reporting());
        } else {
          LOG.warn(setup.reporting()); // not everything report_to asked for is reported to
        }
      }
      LOG.info("Training: {} examples, {} epochs, batch size {}, gradient accumulation {}, {} optimizer steps",
          trainDataset.streaming() ? "streamed" : trainDataset.size(),
          trainDataset.streaming() ? "as many" : plan.numTrainEpochs(), args.perDeviceTrainBatchSize(),
          args.gradientAccumulationSteps(), plan.maxSteps());
      return run.execute();
    } finally {
      engine.endTraining();
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
          + old.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))
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

  private TrainerState.Writer resumedState(Path checkpoint, StepPlan plan) {
    if (args.saveOnlyModel()) {
      Checkpoints.requireComplete(checkpoint, Checkpoints.MODEL_ONLY, "save_only_model=true needs "
          + String.join(", ", Checkpoints.MODEL_ONLY));
    } else {
      Checkpoints.requireComplete(checkpoint, Checkpoints.FULL, "a resume needs all of " + String.join(", ",
          Checkpoints.FULL) + " to continue exactly; resume a model-only checkpoint with save_only_model=true");
    }
    TrainerState.Writer loadedWriter = TrainerState.Writer.load(checkpoint.resolve(Checkpoints.TRAINER_STATE));
    TrainerState loaded = loadedWriter.state();
    warnIfChanged("logging_steps", loaded.loggingSteps(), plan.loggingSteps());
    warnIfChanged("eval_steps", loaded.evalSteps(), plan.evalSteps());
    warnIfChanged("save_steps", loaded.saveSteps(), plan.saveSteps());
    CheckpointFiles.load(checkpoint.resolve(Checkpoints.MODEL), engine::loadWeights);
    if (args.restoreCallbackStatesFromCheckpoint()) {
      CallbackStates.restore(loaded.statefulCallbacks(), control, callbacks.callbacks());
    }
    return loadedWriter;
  }

  private static void warnIfChanged(String option, int saved, int now) {
    if (saved != now) {
      LOG.warn("{} is {} in the checkpoint but {} now; the new value is used", option, saved, now);
    }
  }

  /** The checkpoint {@code train(...)} resumes from, as HF: a folder, or the latest in {@code output_dir}. */
  public Optional<Path> resumeTarget(String resumeFromCheckpoint) {
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

  boolean writeCheckpoints() {
    return setup.writeCheckpoints() && engine.isWorldProcessZero();
  }

  int dataSeed() {
    return TrainingOrder.dataSeed(args);
  }

  DataLoader trainLoader() {
    // A data-parallel engine shares each batch among its workers: the loop's batch is all of theirs.
    return new DataLoader(trainDataset, args.perDeviceTrainBatchSize() * engine.worldSize(), trainSampler,
        args.dataloaderDropLast());
  }

  public DataLoader evalLoader(TrainerDataset dataset) {
    return new DataLoader(dataset, args.perDeviceEvalBatchSize() * engine.worldSize(), Sampler.sequential(),
        args.dataloaderDropLast());
  }
}
