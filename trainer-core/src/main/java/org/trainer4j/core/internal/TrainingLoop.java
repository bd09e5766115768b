package org.trainer4j.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.data.Seeds;
import org.trainer4j.core.engine.MicroBatch;
import org.trainer4j.core.internal.engine.EngineThreads;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.MetricRows;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.Optimizers;
import org.trainer4j.core.python.PyFloat;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * The loop of one {@code train()} call, with its running sums: epochs, accumulation windows, the
 * optimizer step through the {@link TrainingEngine}, then the checks HF makes after each step and epoch
 * (log, evaluate, save). The only loop there is: the Trainer and the test kit both run it.
 */
final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger("org.trainer4j.core.Trainer");

  private final Session session;
  private final TrainingArguments args;
  private final TrainerState state;
  private final TrainerState.Writer writer;
  private final TrainerControl control;
  private final TrainingEngine engine;
  private final StepPlan plan;
  private final DataLoader loader;
  private final LrScheduler scheduler;
  private final LossTracker losses;
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

  TrainingLoop(Session session, StepPlan plan, DataLoader loader) {
    this.session = session;
    this.args = session.args;
    this.state = session.state;
    this.writer = session.writer;
    this.control = session.control;
    this.engine = session.engine;
    this.plan = plan;
    this.loader = loader;
    this.scheduler = Optimizers.schedule(args, plan.maxSteps());
    this.losses = new LossTracker(args.loggingNanInfFilter());
    this.lastLoggedStep = state.globalStep();
  }

  LrScheduler scheduler() {
    return scheduler;
  }

  /** Continues from a checkpoint: optimizer, schedule, loss sums and the data position. */
  void restore(Path checkpoint, Optional<String> stopped) {
    resumedStep = state.globalStep();
    stoppedBefore = stopped;
    Path loop = checkpoint.resolve(Checkpoints.LOOP_STATE);
    if (Files.isRegularFile(loop)) {
      engine.loadOptimizer(checkpoint);
      CheckpointState.loadScheduler(checkpoint, scheduler);
      LoopState saved = CheckpointFiles.read(loop, LoopState::read);
      losses.restore(saved.losses());
      lastLoggedStep = saved.lastLoggedStep();
      learningRate = saved.learningRate();
      gradNorm = saved.gradNorm();
      epochFinished = saved.epochFinished();
      if (saved.seed() != args.seed() || saved.dataSeed() != session.dataSeed()) {
        LOG.warn("the checkpoint was trained with seed={} data_seed={}, this run uses seed={} data_seed={}:"
            + " data order and dropout will differ from an uninterrupted run", saved.seed(), saved.dataSeed(),
            args.seed(), session.dataSeed());
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
    } else if (args.ignoreDataSkip() && skipBatches > 0) {
      // HF's ignore_data_skip: the epoch starts again from its first batch (faster, not exact).
      LOG.info("ignore_data_skip=true: not skipping the {} batches of epoch {} trained before the checkpoint",
          skipBatches, startEpoch);
      skipBatches = 0;
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
    long start = session.now();
    session.fire(Event.ON_TRAIN_BEGIN);
    if (stoppedBefore.isPresent()) {
      control.setShouldTrainingStop(true); // as it was when the run stopped
    }
    if (args.evalOnStart()) {
      evaluateDuringTraining();
      if (missingMetric != null) {
        throw new IllegalArgumentException(missingMetric + "; nothing was trained yet (eval_on_start)");
      }
    }
    boolean replayEpochEnd = skipBatches == plan.batchesPerEpoch();
    for (int epoch = startEpoch; stoppedBefore.isEmpty() && epoch < plan.numTrainEpochs()
        && state.globalStep() < plan.maxSteps() || epoch == startEpoch && replayEpochEnd; epoch++) {
      int first = epoch == startEpoch ? skipBatches : 0;
      Iterator<BatchFeed.Planned> batchPlan;
      if (session.trainDataset.streaming()) {
        StreamPlan<?> stream = session.streamPlan(first);
        if (stream.skippedBatches() < first) {
          // A resumed run: the whole epoch was trained before the checkpoint; read on in the next one.
          stream.close();
          skipBatches = first - stream.skippedBatches();
          startEpoch = epoch + 1;
          continue;
        }
        if (!stream.hasNext()) {
          stream.close();
          throw new IllegalArgumentException("the streaming training dataset yielded no batch in epoch " + epoch
              + " (its source is empty" + (args.dataloaderDropLast() ? " or holds fewer examples than"
              + " per_device_train_batch_size=" + args.perDeviceTrainBatchSize() + " with dataloader_drop_last=true"
              : "") + ")");
        }
        batchPlan = stream;
        epochOrder = null;
      } else {
        int[] order = loader.order(epoch);
        epochOrder = LoopState.EpochOrder.of(epoch, order);
        batchPlan = indexedPlan(order, first);
      }
      epochFinished = false;
      session.fire(Event.ON_EPOCH_BEGIN);
      try (BatchFeed feed = new BatchFeed(session.trainDataset, batchPlan, epoch, first, args.dataloaderNumWorkers(),
          args.dataloaderPrefetchFactor().orElse(2))) {
        trainEpoch(feed, epoch, first);
      } finally {
        if (batchPlan instanceof StreamPlan<?> stream) {
          stream.close();
        }
      }
      epochFinished = true;
      session.fire(Event.ON_EPOCH_END);
      maybeLogSaveEvaluate();
      if (control.shouldTrainingStop()) {
        break;
      }
    }
    if (args.loadBestModelAtEnd()) {
      loadBestModel();
    }
    double trainLoss = losses.trainLoss(state.globalStep());
    Map<String, Object> metrics = MetricRows.speed("train", session.secondsSince(start), numTrainSamples(),
        plan.maxSteps());
    metrics.put("total_flos", state.totalFlos());
    metrics.put("train_loss", trainLoss);
    session.log(metrics);
    if (args.saveTotalLimit().orElse(0) == 1) {
      state.bestModelCheckpoint().ifPresent(best -> Checkpoints.keepOnly(args.outputDir(), Path.of(best)));
    }
    session.fire(Event.ON_TRAIN_END);
    return new TrainOutput(state.globalStep(), trainLoss, metrics);
  }

  /**
   * The batches of one epoch from {@code first} on, until its end (for a stream, also when its data
   * ends: a window cut short still steps) or until a callback stops it.
   */
  private void trainEpoch(BatchFeed feed, int epoch, int first) {
    int accumulation = args.gradientAccumulationSteps();
    int batches = plan.batchesPerEpoch();
    boolean windowOpen = false;
    int step = first;
    for (; step < batches && feed.hasNext(); step++) {
      int windowStart = step - step % accumulation;
      int windowSize = Math.min(accumulation, batches - windowStart);
      if (step == windowStart) {
        session.fire(Event.ON_STEP_BEGIN);
      }
      losses.addMicroBatch(forwardBackward(feed, feed.next(), windowSize, step - windowStart, epoch, step));
      windowOpen = step - windowStart != windowSize - 1;
      if (!windowOpen) {
        endWindow(epoch, step, batches);
      } else {
        session.fire(Event.ON_SUBSTEP_END);
      }
      if (control.shouldEpochStop() || control.shouldTrainingStop()) {
        return;
      }
    }
    if (windowOpen) {
      endWindow(epoch, step - 1, batches); // the stream ended inside a window
    }
  }

  private void endWindow(int epoch, int step, int batches) {
    losses.endStep();
    optimizerStep();
    writer.setEpoch(epoch + (double) (step + 1) / batches);
    session.fire(Event.ON_STEP_END);
    maybeLogSaveEvaluate();
  }

  /** The batches of an indexed dataset's epoch from {@code first} on, in the sampler's order. */
  private Iterator<BatchFeed.Planned> indexedPlan(int[] order, int first) {
    List<BatchFeed.Planned> batches = new ArrayList<>(plan.batchesPerEpoch() - first);
    for (int b = first; b < plan.batchesPerEpoch(); b++) {
      int[] indices = loader.batchIndices(order, b);
      batches.add(new BatchFeed.Planned(indices, manager -> session.trainDataset.batch(manager, indices)));
    }
    return batches.iterator();
  }

  private int numTrainSamples() {
    return args.maxSteps() > 0
        ? args.maxSteps() * args.perDeviceTrainBatchSize() * args.gradientAccumulationSteps() * engine.worldSize()
        : (int) Math.round(session.trainDataset.size() * args.numTrainEpochs());
  }

  /** One micro-batch through the engine; returns its unscaled loss. */
  private float forwardBackward(BatchFeed feed, int[] indices, int windowSize, int microIndex, int epoch, int batch) {
    int globalStep = state.globalStep();
    float loss = engine.forwardBackward(feed,
        new MicroBatch(indices, windowSize, microIndex, stepSeed(globalStep, microIndex), globalStep, epoch, batch));
    writer.setTotalFlos(state.totalFlos() + 6.0 * engine.parameterCount() * indices.length);
    return loss;
  }

  private int stepSeed(int globalStep, int microIndex) {
    return (int) (Seeds.mix(Seeds.mix(args.seed(), globalStep), microIndex) & Integer.MAX_VALUE);
  }

  /**
   * Runs the first batch forward and through the loss, without training: proof that the engine, the
   * model and the data work, before anything of an old run is deleted.
   */
  void tryFirstBatch() {
    Session.FirstBatch first = session.firstBatch(loader);
    engine.checkForward(first.data(), new MicroBatch(first.indices(), 1, 0, stepSeed(state.globalStep(), 0),
        state.globalStep(), 0, 0));
  }

  private void optimizerStep() {
    gradNorm = args.maxGradNorm() > 0 ? engine.clipGradients(args.maxGradNorm()) : null;
    session.fire(Event.ON_PRE_OPTIMIZER_STEP);
    learningRate = scheduler.lastLr();
    engine.optimizerStep(learningRate);
    session.fire(Event.ON_OPTIMIZER_STEP);
    scheduler.step();
    engine.zeroGradients();
    writer.setGlobalStep(state.globalStep() + 1);
  }

  private void maybeLogSaveEvaluate() {
    if (control.shouldLog() && state.globalStep() > lastLoggedStep) {
      LossTracker.Logged loss = losses.takeLog();
      Map<String, Object> logs = new LinkedHashMap<>();
      logs.put("loss", PyFloat.round(loss.meanLoss(), 4));
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
      session.log(logs);
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
        session.fire(Event.ON_SAVE);
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
    if (session.evalDataset == null) {
      throw new IllegalStateException("eval_strategy=" + args.evalStrategy() + " needs an eval dataset:"
          + " give one to Trainer.builder().evalDataset(...)");
    }
    Map<String, Object> metrics = session.evaluate(session.evalDataset, List.of(), "eval");
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
      boolean newBest = BestModel.update(args, writer, metrics);
      if (args.saveStrategy() == SaveStrategy.BEST) {
        control.setShouldSave(newBest);
      }
    }
    scheduler.onEvaluate(metrics);
  }

  private void saveCheckpoint(Path folder) {
    writer.setStatefulCallbacks(CallbackStates.export(control, session.callbacks.callbacks()));
    BestModel.bestCheckpoint(args, state, folder).ifPresent(best -> writer.setBestModelCheckpoint(best.toString()));
    if (!session.writeCheckpoints()) {
      return;
    }
    LoopState loopState = new LoopState(losses.save(), lastLoggedStep, learningRate, gradNorm,
        epochFinished, args.seed(), session.dataSeed(), epochOrder, EngineThreads.intraOp().orElse(null));
    try {
      Checkpoints.writeAtomically(folder, dir -> {
        engine.saveWeights(dir.resolve(Checkpoints.MODEL));
        if (!args.saveOnlyModel()) {
          engine.saveOptimizer(dir);
          CheckpointState.saveScheduler(dir, scheduler);
          loopState.write(dir.resolve(Checkpoints.LOOP_STATE));
        }
        state.saveToJson(dir.resolve(Checkpoints.TRAINER_STATE));
        Files.writeString(dir.resolve(Checkpoints.TRAINING_ARGS), args.toJson());
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save checkpoint " + folder, e);
    }
    args.saveTotalLimit().ifPresent(limit -> Checkpoints.rotate(args.outputDir(), limit,
        state.bestModelCheckpoint().map(Path::of).map(Set::of).orElse(Set.of())));
  }

  private void loadBestModel() {
    Optional<Path> best = state.bestModelCheckpoint().map(Path::of);
    if (best.isEmpty() || !Files.isRegularFile(best.get().resolve(Checkpoints.MODEL))) {
      LOG.warn("load_best_model_at_end=true, but no best checkpoint was saved ({}); keeping the last model",
          best.map(Path::toString).orElse("no evaluation produced " + args.metricForBestModel().orElse("a metric")));
      return;
    }
    LOG.info("Loading best model from {} (score: {}).", best.get(), state.bestMetric().orElse(Double.NaN));
    CheckpointFiles.load(best.get().resolve(Checkpoints.MODEL), engine::loadWeights);
  }
}
