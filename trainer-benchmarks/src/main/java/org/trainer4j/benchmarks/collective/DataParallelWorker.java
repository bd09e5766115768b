package org.trainer4j.benchmarks.collective;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.distributed.Collective;
import org.trainer4j.distributed.DataParallelEngine;
import org.trainer4j.distributed.WorkerEnvironment;
import org.trainer4j.distributed.XgboostCollective;

/**
 * One worker of the data-parallel throughput measurement: a 256 → H → H → 2 MLP trained with the
 * Trainer for a number of steps, no logging, no saving. Prints (worker 0) the seconds per step after
 * {@link #WARM_UP} steps and the exchange's share of it.
 *
 * <p>Arguments: hidden width H, per-device batch size, steps.
 */
public final class DataParallelWorker {
  static final int FEATURES = 256;
  static final int WARM_UP = 3;

  private DataParallelWorker() {}

  /** Parameters of the MLP of hidden width {@code h}. */
  static long parameters(int h) {
    return (long) FEATURES * h + h + (long) h * h + h + 2L * h + 2;
  }

  public static void main(String[] argv) throws Exception {
    int hidden = Integer.parseInt(argv[0]);
    int batch = Integer.parseInt(argv[1]);
    int steps = Integer.parseInt(argv[2]);
    WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
    Path output = Files.createTempDirectory("dp-benchmark");
    TrainingArguments args = TrainingArguments.builder().outputDir(output.toString())
        .perDeviceTrainBatchSize(batch).maxSteps(steps).loggingSteps(1_000_000).saveStrategy("no")
        .reportTo("none").disableTqdm(true).seed(3).build();
    try (Collective collective = env.worldSize() > 1 ? XgboostCollective.connect(env) : Collective.single();
        Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock()
          .add(Linear.builder().setUnits(hidden).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(hidden).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      DataParallelEngine engine = DataParallelEngine.of(model, Loss.softmaxCrossEntropyLoss(), args, collective,
          env.localRank());
      StepClock clock = new StepClock(engine);
      try (Trainer trainer = Trainer.builder().args(args).engine(engine)
          .trainDataset(dataset(batch * env.worldSize() * steps)).callbacks(clock).build()) {
        trainer.train();
      }
      if (env.rank() == 0) {
        int measured = steps - WARM_UP;
        System.out.println("RESULT seconds_per_step=" + (clock.end - clock.start) / 1e9 / measured);
        System.out.println("RESULT exchange_seconds_per_step=" + (clock.exchangeEnd - clock.exchangeStart) / measured);
      }
    }
  }

  static TrainerDataset dataset(int size) {
    Random random = new Random(5);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      float[] x = new float[FEATURES];
      for (int k = 0; k < FEATURES; k++) {
        x[k] = (float) random.nextGaussian();
      }
      rows.add(x);
    }
    DataCollator<float[]> collator = (examples, manager) -> {
      float[][] x = examples.toArray(float[][]::new);
      int[] y = new int[x.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = x[i][0] > 0 ? 1 : 0;
      }
      return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), x.length);
    };
    return TrainerDataset.of(rows, collator);
  }

  /** Time and exchange time from the end of the warm-up steps to the end of the last. */
  static final class StepClock implements TrainerCallback {
    private final DataParallelEngine engine;
    long start;
    long end;
    double exchangeStart;
    double exchangeEnd;

    StepClock(DataParallelEngine engine) {
      this.engine = engine;
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control,
        CallbackContext context) {
      if (state.globalStep() == WARM_UP) {
        start = System.nanoTime();
        exchangeStart = engine.exchangeSeconds();
      }
      end = System.nanoTime();
      exchangeEnd = engine.exchangeSeconds();
    }
  }
}
