package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.optim.Gradients;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.NamedParameter;
import org.trainer4j.core.optim.Optimizer;
import org.trainer4j.core.optim.Optimizers;

/**
 * The baseline: a training loop written by hand against DJL, doing what the Trainer does for this
 * model and nothing else. Per step: collate a batch in a sub-manager, forward, loss, backward, read the
 * loss, clip to {@code max_grad_norm}, step AdamW at the schedule's rate, advance the schedule, zero
 * the gradients; every {@code logging_steps} it keeps the mean loss. The optimizer, schedule, clipping
 * and zeroing are core's ({@link Optimizers}, {@link Gradients}), built from the same arguments as the
 * Trainer's, and the batches come in the same order, so both loops compute the same numbers.
 *
 * <p>It can run whole ({@link #run}) or a few steps at a time ({@link #steps(int)}), so that its steps
 * can be interleaved with a Trainer's.
 */
final class PlainLoop<E> implements AutoCloseable {
  private final LoopSettings settings;
  private final LoopWorkload<E> workload;
  private final DataCollator<E> collator;
  private final BatchOrder order;
  private final Loss loss;
  private final Model model;
  private final List<NamedParameter> parameters;
  private final Optimizer optimizer;
  private final LrScheduler schedule;
  private final List<Double> logged = new ArrayList<>();
  private double lossSum;
  private int step;

  /** A fresh copy of the workload's model and an optimizer for it; nothing is trained yet. */
  PlainLoop(LoopWorkload<E> workload, LoopSettings settings, Path scratch) {
    this.settings = settings;
    TrainingArguments args = settings.arguments(scratch);
    this.workload = workload;
    this.collator = workload.collator();
    this.order = new BatchOrder(workload.examples(), collator, settings.batchSize());
    this.loss = workload.loss();
    this.model = workload.newModel();
    this.parameters = Optimizers.trainableParameters(model.getBlock());
    this.optimizer = Optimizers.create(args, parameters);
    this.schedule = Optimizers.schedule(args, settings.steps());
  }

  /** Trains a fresh copy of the workload's model for all its steps and returns the timing. */
  static LoopResult run(LoopWorkload<?> workload, LoopSettings settings, Path scratch) {
    try (PlainLoop<?> loop = new PlainLoop<>(workload, settings, scratch)) {
      long start = System.nanoTime();
      long cpuStart = LoopResult.processCpuNanos();
      loop.steps(settings.steps());
      return new LoopResult(settings.steps(), System.nanoTime() - start, LoopResult.processCpuNanos() - cpuStart,
          loop.loggedLosses());
    }
  }

  /** Runs the next {@code n} steps (fewer when the run ends first). */
  void steps(int n) {
    for (int i = 0; i < n && step < settings.steps(); i++) {
      step();
    }
  }

  /** The mean loss of every logging window so far, rounded as the Trainer logs it. */
  List<Double> loggedLosses() {
    return List.copyOf(logged);
  }

  private void step() {
    lossSum += forwardBackward(workload.pick(order.next()));
    if (settings.maxGradNorm() > 0) {
      Gradients.clipByGlobalNorm(parameters, settings.maxGradNorm());
    }
    optimizer.step(schedule.lastLr());
    schedule.step();
    Gradients.zero(parameters);
    step++;
    if (step % settings.loggingSteps() == 0) {
      logged.add(round4(lossSum / settings.loggingSteps()));
      lossSum = 0;
    }
  }

  private float forwardBackward(List<E> picked) {
    try (NDManager manager = model.getNDManager().newSubManager();
        Batch batch = collator.collate(picked, manager);
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), batch.inputs(), true);
      NDArray value = loss.evaluate(batch.labels(), outputs);
      collector.backward(value);
      return value.getFloat();
    }
  }

  private static double round4(double v) {
    return Double.isFinite(v) ? new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN).doubleValue() : v;
  }

  @Override
  public void close() {
    optimizer.close();
    model.close();
  }
}
