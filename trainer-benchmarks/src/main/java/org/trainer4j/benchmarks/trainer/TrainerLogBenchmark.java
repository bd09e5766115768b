package org.trainer4j.benchmarks.trainer;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.engine.MeanSquaredErrorLoss;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.console.PrinterCallback;
import org.trainer4j.tensorboard.TensorBoardCallback;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbSettings;

/**
 * {@code Trainer.log} of a 10-key row with TensorBoard and W&B (offline) attached, as the training
 * thread sees it: the Trainer adds {@code epoch}, copies the row into {@code log_history}, and fires
 * {@code onLog} to every callback; the integrations hand the row to their writer threads. Target: at
 * most 2 µs on average.
 *
 * <p>Each invocation logs a burst of {@link #BURST} rows (all at step 0: only the loop moves the step). The burst is short enough
 * that neither writer thread is woken during it (TensorBoard wakes its writer every 512 events, W&B at
 * half a queue), and between invocations (untimed) both writers empty their queues: every row meets
 * idle writers, as a training run's rows do, which come one per step. A new Trainer every {@link
 * #BURSTS_PER_TRAINER} bursts (untimed) keeps {@code log_history} from growing without end; the
 * callbacks, with their open event file and W&B run, stay the same all along.
 *
 * <p>{@code console}: {@code none} removes the console callback ({@code disable_tqdm} would print each
 * row); {@code null-stream} keeps a {@link PrinterCallback} that formats each row and prints it to a
 * stream that discards it, to show what the console line costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainerLogBenchmark {
  public static final int BURST = 100;
  static final int BURSTS_PER_TRAINER = 50;

  @Param({"none", "null-stream"})
  public String console;

  private Path dir;
  private Model model;
  private TrainingArguments args;
  private TensorBoardCallback tensorboard;
  private WandbCallback wandb;
  private Trainer trainer;
  private int bursts;
  private final Map<String, Object> row = new LinkedHashMap<>();

  @Setup(Level.Trial)
  public void start() throws IOException {
    model = Model.newInstance("bench-log");
    model.setBlock(Linear.builder().setUnits(2).build());
    model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
    // Values as a run logs them: full-precision doubles, not round numbers.
    row.put("loss", 0.6931);
    row.put("grad_norm", 1.2345678901234567);
    row.put("learning_rate", 4.999000000000001e-05);
    row.put("eval_loss", 0.7012345678901234);
    row.put("eval_accuracy", 0.8765432109876543);
    row.put("eval_f1", 0.4567891234567891);
    row.put("eval_runtime", 1.5234);
    row.put("eval_samples_per_second", 812.345);
    row.put("eval_steps_per_second", 101.543);
    row.put("tokens_per_second", 12345.678901234);
    dir = Files.createTempDirectory("trainer-log-bench");
    args = TrainingArguments.builder().outputDir(dir.resolve("out")).loggingDir(dir.resolve("tensorboard"))
        .reportTo("none").disableTqdm(true).build();
    tensorboard = new TensorBoardCallback();
    wandb = new WandbCallback(WandbSettings.builder().mode(WandbMode.OFFLINE).directory(dir).silent(true).build());
    // As at the start of training: TensorBoard opens its file, W&B starts its run.
    tensorboard.onTrainBegin(args, new TrainerState(), new TrainerControl(), CallbackContext.empty());
    wandb.onTrainBegin(args, new TrainerState(), new TrainerControl(), CallbackContext.empty());
  }

  /** Untimed: now and then a fresh Trainer (empty log_history); always idle writers. */
  @Setup(Level.Invocation)
  public void freshTrainerIdleWriters() throws InterruptedException {
    if (bursts++ % BURSTS_PER_TRAINER == 0) {
      trainer = Trainer.builder().model(model).loss(MeanSquaredErrorLoss.halved()).args(args)
          .callbacks(tensorboard, wandb).build();
      trainer.removeCallback(PrinterCallback.class);
      if (console.equals("null-stream")) {
        trainer.addCallback(new PrinterCallback(new PrintStream(OutputStream.nullOutputStream())));
      }
    }
    tensorboard.writer().ifPresent(w -> w.flush());
    while (wandb.run().orElseThrow().backlog() > 0) {
      Thread.sleep(1);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void log10Keys() {
    // Rows at step 0: only the training loop can move the global step (TrainerState.Writer); the step is
    // a number in the row and costs the same at any value.
    for (int i = 0; i < BURST; i++) {
      trainer.log(row);
    }
  }

  @TearDown(Level.Trial)
  public void finish() {
    tensorboard.onTrainEnd(args, trainer.state(), new TrainerControl(), CallbackContext.empty());
    wandb.close();
    model.close();
    Checkpoints.deleteTree(dir);
  }
}
