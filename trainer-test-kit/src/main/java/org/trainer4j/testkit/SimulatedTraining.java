package org.trainer4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.trainer4j.core.BestModel;
import org.trainer4j.core.CallbackStates;
import org.trainer4j.core.StepPlan;
import org.trainer4j.core.TrainOutput;
import org.trainer4j.core.TrainerControl;
import org.trainer4j.core.TrainerState;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.metrics.MetricRows;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.Optimizers;

/**
 * One {@link CallbackDriver#train()}: the Trainer's loop with the model taken out. Epochs, micro-batches,
 * accumulation windows, the checks after each step and epoch, the loss bookkeeping and the final
 * metrics follow {@code Trainer.train()} step by step; only the numbers a model would produce are
 * synthetic.
 */
final class SimulatedTraining {
  private final CallbackDriver driver;
  private final RunShape shape;
  private final TrainingArguments args;
  private final TrainerState state;
  private final TrainerControl control;
  private final StepPlan plan;
  private final LrScheduler scheduler;
  private double loggedLossSum;
  private double totalLoss;
  private int lastLoggedStep;
  private Double gradNorm;
  private double learningRate;

  SimulatedTraining(CallbackDriver driver, RunShape shape) {
    this.driver = driver;
    this.shape = shape;
    this.args = driver.args();
    this.state = driver.state();
    this.control = driver.control();
    this.plan = StepPlan.of(args, shape.trainBatches());
    this.scheduler = Optimizers.schedule(args, plan.maxSteps());
    state.setMaxSteps(plan.maxSteps());
    state.setNumTrainEpochs(plan.numTrainEpochs());
    state.setTrainBatchSize(args.perDeviceTrainBatchSize());
    state.setLoggingSteps(plan.loggingSteps());
    state.setEvalSteps(plan.evalSteps());
    state.setSaveSteps(plan.saveSteps());
  }

  TrainOutput execute() {
    state.setEpoch(0); // as the Trainer: empty before training
    fire(Event.ON_TRAIN_BEGIN);
    if (args.evalOnStart()) {
      evaluateDuringTraining();
    }
    int accumulation = args.gradientAccumulationSteps();
    int batches = plan.batchesPerEpoch();
    for (int epoch = 0; epoch < plan.numTrainEpochs() && state.globalStep() < plan.maxSteps(); epoch++) {
      fire(Event.ON_EPOCH_BEGIN);
      for (int step = 0; step < batches; step++) {
        int windowStart = step - step % accumulation;
        int windowSize = Math.min(accumulation, batches - windowStart);
        if (step == windowStart) {
          fire(Event.ON_STEP_BEGIN);
        }
        addMicroBatch(step, windowSize);
        if (step - windowStart == windowSize - 1) {
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
      fire(Event.ON_EPOCH_END);
      maybeLogSaveEvaluate();
      if (control.shouldTrainingStop()) {
        break;
      }
    }
    totalLoss += loggedLossSum;
    double trainLoss = totalLoss / Math.max(state.globalStep(), 0.001);
    double runtime = Math.max(state.globalStep(), 1) * shape.secondsPerStep();
    Map<String, Object> metrics = MetricRows.speed("train", runtime, numTrainSamples(), plan.maxSteps());
    metrics.put("total_flos", state.totalFlos());
    metrics.put("train_loss", trainLoss);
    driver.log(metrics);
    fire(Event.ON_TRAIN_END);
    return new TrainOutput(state.globalStep(), trainLoss, metrics);
  }

  /** A micro-batch's share of its step's loss (NaN and infinity filtered as the Trainer does), and its flos. */
  private void addMicroBatch(int batchIndex, int windowSize) {
    double stepLoss = (float) shape.trainLoss().at(state.globalStep() + 1);
    if (args.loggingNanInfFilter() && !Double.isFinite(stepLoss)) {
      loggedLossSum += loggedLossSum / (1 + state.globalStep() - lastLoggedStep);
    } else {
      loggedLossSum += stepLoss / windowSize;
    }
    state.setTotalFlos(state.totalFlos() + 6.0 * shape.parameterCount() * shape.trainBatchSize(batchIndex));
  }

  private void optimizerStep() {
    gradNorm = args.maxGradNorm() > 0 ? shape.gradNorm().at(state.globalStep() + 1) : null;
    fire(Event.ON_PRE_OPTIMIZER_STEP);
    learningRate = scheduler.lastLr();
    fire(Event.ON_OPTIMIZER_STEP);
    scheduler.step();
    state.setGlobalStep(state.globalStep() + 1);
  }

  private void maybeLogSaveEvaluate() {
    if (control.shouldLog() && state.globalStep() > lastLoggedStep) {
      Map<String, Object> logs = new LinkedHashMap<>();
      logs.put("loss", MetricRows.round(loggedLossSum / (state.globalStep() - lastLoggedStep), 4));
      if (gradNorm != null) {
        logs.put("grad_norm", gradNorm);
      }
      logs.put("learning_rate", learningRate);
      totalLoss += loggedLossSum;
      loggedLossSum = 0;
      lastLoggedStep = state.globalStep();
      driver.log(logs);
    }
    if (control.shouldEvaluate()) {
      evaluateDuringTraining();
    }
    if (control.shouldSave()) {
      save();
      fire(Event.ON_SAVE);
    }
  }

  private void evaluateDuringTraining() {
    Map<String, Object> metrics = driver.evaluate();
    if (args.metricForBestModel().isPresent()) {
      boolean newBest = BestModel.update(args, state, metrics);
      if (args.saveStrategy() == SaveStrategy.BEST) {
        control.setShouldSave(newBest);
      }
    }
    scheduler.onEvaluate(metrics);
  }

  /** What a save leaves for callbacks to see: the state (with callback states) and, if asked, the folder. */
  private void save() {
    Path folder = args.outputDir().resolve(Checkpoints.folderName(state.globalStep()));
    state.setStatefulCallbacks(CallbackStates.export(control, driver.callbackHandler().callbacks()));
    BestModel.bestCheckpoint(args, state, folder).ifPresent(best -> state.setBestModelCheckpoint(best.toString()));
    if (!shape.writeCheckpoints()) {
      return;
    }
    try {
      Checkpoints.writeAtomically(folder, dir -> {
        state.saveToJson(dir.resolve(Checkpoints.TRAINER_STATE));
        Files.writeString(dir.resolve(Checkpoints.TRAINING_ARGS), args.toJson());
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write simulated checkpoint " + folder, e);
    }
    args.saveTotalLimit().ifPresent(limit -> Checkpoints.rotate(args.outputDir(), limit,
        state.bestModelCheckpoint().map(Path::of).map(Set::of).orElse(Set.of())));
  }

  private int numTrainSamples() {
    return args.maxSteps() > 0
        ? args.maxSteps() * args.perDeviceTrainBatchSize() * args.gradientAccumulationSteps()
        : (int) Math.round(shape.trainExamples() * args.numTrainEpochs());
  }

  private void fire(Event event) {
    driver.fire(event, CallbackContext.empty());
  }
}
