package org.trainer4j.benchmarks.wandb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbRun;
import org.trainer4j.wandb.WandbSettings;

/**
 * What W&B logging costs the training thread. {@code log10Keys} and {@code callbackOnLog} time a
 * 10-key row as the calling thread sees it: each invocation logs a burst of rows into an empty queue
 * (the writer drains it between invocations, untimed), so the figure is the enqueue, not the disk.
 * {@code writerPerRow} is the other side: logging rows and waiting until the writer thread has written
 * them to the {@code .wandb} file, i.e. the sustained cost per row beyond which {@code log()} would wait.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WandbLogBenchmark {
  private static final int BURST = 1_000;
  private static final int SUSTAINED = 10_000;

  private Path dir;
  private WandbRun run;
  private WandbCallback callback;
  private Map<String, Object> row;
  private CallbackContext logContext;
  private final TrainingArguments args = TrainingArguments.builder().outputDir("bench-out").build();
  private final TrainerState state = new TrainerState();
  private final TrainerControl control = new TrainerControl();

  @Setup(Level.Trial)
  public void start() throws IOException {
    dir = Files.createTempDirectory("wandb-bench");
    WandbSettings settings = WandbSettings.builder().mode(WandbMode.OFFLINE).directory(dir)
        .maxQueuedRows(4 * SUSTAINED).silent(true).build();
    run = WandbRun.start(settings, args.toMap());
    row = new LinkedHashMap<>();
    row.put("train/loss", 0.6931);
    row.put("train/grad_norm", 1.2345678);
    row.put("train/learning_rate", 4.5e-05);
    row.put("train/epoch", 1.25);
    row.put("train/global_step", 1000);
    row.put("train/accuracy", 0.875);
    row.put("train/tokens_per_second", 12345.6);
    row.put("train/memory_mb", 2048L);
    row.put("train/perplexity", 1.99);
    row.put("train/stage", "warmup");
    callback = new WandbCallback(settings.toBuilder().runId(WandbSettings.builder().build().runId()).build());
    callback.onTrainBegin(args, state, control, CallbackContext.empty());
    Map<String, Object> logs = new LinkedHashMap<>();
    logs.put("loss", 0.6931);
    logs.put("grad_norm", 1.2345678);
    logs.put("learning_rate", 4.5e-05);
    logs.put("accuracy", 0.875);
    logs.put("tokens_per_second", 12345.6);
    logs.put("memory_mb", 2048L);
    logs.put("perplexity", 1.99);
    logs.put("stage", "warmup");
    logs.put("epoch", 1.25);
    logContext = CallbackContext.empty().withLogs(logs);
  }

  /** Untimed: lets the writer empty the queue, so that every burst starts from an empty queue. */
  @Setup(Level.Invocation)
  public void drain() throws InterruptedException {
    while (run.backlog() > 0 || callback.run().orElseThrow().backlog() > 0) {
      Thread.sleep(1);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void log10Keys() {
    for (int i = 0; i < BURST; i++) {
      run.log(row);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void callbackOnLog() {
    for (int i = 0; i < BURST; i++) {
      callback.onLog(args, state, control, logContext);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SUSTAINED)
  public void writerPerRow() throws InterruptedException {
    for (int i = 0; i < SUSTAINED; i++) {
      run.log(row);
    }
    while (run.backlog() > 0) {
      LockSupport.parkNanos(20_000); // leave the CPU to the writer
    }
  }

  @TearDown(Level.Trial)
  public void finish() {
    run.finish(0);
    callback.finish(0);
    Checkpoints.deleteTree(dir);
  }
}
