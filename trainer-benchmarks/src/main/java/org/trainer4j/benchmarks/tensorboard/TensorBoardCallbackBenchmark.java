package org.trainer4j.benchmarks.tensorboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
import org.trainer4j.tensorboard.TensorBoardCallback;

/**
 * What {@link TensorBoardCallback#onLog} costs the training thread for a row of 10 keys: the
 * namespacing, the hand-over and the flush request. Target: under 5 microseconds on average.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 2)
public class TensorBoardCallbackBenchmark {
  /** A callback in the middle of a run. */
  @State(Scope.Thread)
  public static class Run {
    Path dir;
    TrainingArguments args;
    TrainerState.Writer state; // this benchmark plays the training loop, which moves the step
    TrainerControl control;
    TensorBoardCallback callback;
    CallbackContext row;

    @Setup(Level.Iteration)
    public void begin() throws IOException {
      dir = Files.createTempDirectory("tb-bench");
      args = TrainingArguments.builder().outputDir(dir).loggingDir(dir.resolve("run")).build();
      state = TrainerState.Writer.create();
      control = new TrainerControl();
      callback = new TensorBoardCallback();
      callback.onTrainBegin(args, state.state(), control, CallbackContext.empty());
      Map<String, Object> logs = new LinkedHashMap<>();
      logs.put("loss", 0.6931);
      logs.put("grad_norm", 1.25);
      logs.put("learning_rate", 3e-5);
      logs.put("eval_loss", 0.7);
      logs.put("eval_accuracy", 0.5);
      logs.put("eval_f1", 0.45);
      logs.put("eval_runtime", 1.5);
      logs.put("eval_samples_per_second", 800.0);
      logs.put("eval_steps_per_second", 100.0);
      logs.put("epoch", 0.01);
      row = CallbackContext.empty().withLogs(logs);
    }

    @TearDown(Level.Iteration)
    public void end() {
      callback.onTrainEnd(args, state.state(), control, CallbackContext.empty());
      Checkpoints.deleteTree(dir);
    }
  }

  /**
   * Back to back, the worst case: a caller that does nothing else outruns the writer thread, so the
   * queue is full most of the time and this includes waiting for the writer. In training, rows come
   * every few steps and the writer keeps up, so a row costs at most this.
   */
  @Benchmark
  public void onLogBackToBack(Run run) {
    run.state.setGlobalStep(run.state.state().globalStep() + 1);
    run.callback.onLog(run.args, run.state.state(), run.control, run.row);
  }
}
