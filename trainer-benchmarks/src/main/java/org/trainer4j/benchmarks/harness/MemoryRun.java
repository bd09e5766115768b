package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.console.PrinterCallback;
import org.trainer4j.tensorboard.TensorBoardCallback;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbSettings;

/**
 * Measurement 6, run in a JVM of its own (so that its peak RSS is its own): a long training of a tiny
 * model that logs every step into TensorBoard and W&B offline. At 10 %, 50 % and 100 % of the steps it
 * collects garbage and records the heap in use, {@code log_history}'s length, the W&B queue and the
 * resident set, and counts the live objects of the integrations' classes (their queued rows and events
 * among them) in a class histogram. After the run it measures what one {@code log_history} row costs by building copies of
 * the last rows and collecting before and after; the heap beyond {@code rows × bytes per row} is what
 * everything else holds, and it must not grow with the steps.
 *
 * <p>The run is planned for {@code steps} steps but stops earlier when, at the rate measured over its
 * first steps, it would take longer than {@code budgetSeconds}; the steps actually run are reported,
 * and the parent extrapolates to the planned number.
 *
 * <p>Arguments: {@code steps budgetSeconds scratchFolder}. Results are printed as {@code RESULT
 * key=value} lines.
 */
public final class MemoryRun {
  private static final int REPLICA_ROWS = 100_000;
  static final int CALIBRATION_FROM = 20_000;
  static final int CALIBRATION_TO = 60_000;
  static final int MIN_STEPS_TO_CALIBRATE = 10 * CALIBRATION_TO;

  private MemoryRun() {}

  public static void main(String[] argv) throws IOException {
    JvmSettings.apply();
    int steps = Integer.parseInt(argv[0]);
    double budgetSeconds = Double.parseDouble(argv[1]);
    Path scratch = Path.of(argv[2]);
    Workload workload = Workload.tiny(1024);
    // Batch 1 and plain SGD keep the steps short; logging, clipping and the rest as in measurement 2.
    TrainingArguments args = new LoopSettings(steps, 1, 1, 1.0, 1e-3).arguments(scratch.resolve("out")).toBuilder()
        .loggingDir(scratch.resolve("tensorboard"))
        .optim("sgd")
        .build();
    WandbSettings wandbSettings = WandbSettings.builder().mode(WandbMode.OFFLINE).directory(scratch).silent(true).build();
    WandbCallback wandb = new WandbCallback(wandbSettings);
    Sampler sampler = new Sampler(wandb, steps, budgetSeconds);
    try (Model model = workload.newModel()) {
      Trainer trainer = workload.trainer(model, args).callbacks(new TensorBoardCallback(), wandb, sampler).build();
      trainer.removeCallback(PrinterCallback.class);
      trainer.addCallback(new PrinterCallback(TrainerLoop.NULL_CONSOLE));
      long start = System.nanoTime();
      trainer.train();
      trainer.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      long heapAfter = heapAfterGc().getUsed();
      List<Map<String, Object>> history = trainer.state().logHistory();
      double bytesPerRow = bytesPerRow(history);
      ChildJvm.report("planned_steps", steps);
      ChildJvm.report("steps", trainer.state().globalStep());
      ChildJvm.report("seconds", seconds);
      ChildJvm.report("rows", history.size());
      ChildJvm.report("bytes_per_row", bytesPerRow);
      ChildJvm.report("history_bytes", (long) (history.size() * bytesPerRow) + listArrayBytes(history.size()));
      ChildJvm.report("heap_after_run", heapAfter);
      ChildJvm.report("max_heap", Runtime.getRuntime().maxMemory());
      ChildJvm.report("wandb_backlog_max", sampler.maxBacklog);
      ChildJvm.report("wandb_queue_capacity", wandbSettings.maxQueuedRows());
      for (Sample s : sampler.samples) {
        ChildJvm.report("sample_" + s.step(), s.heap() + "," + s.committed() + "," + s.rows() + "," + s.rssKb() + ","
            + s.jvmKb() + "," + s.backlog() + "," + s.wandb().instances() + "," + s.wandb().bytes() + "," + s.tensorboard().instances()
            + "," + s.tensorboard().bytes());
      }
      ChildJvm.report("tensorboard_bytes", folderBytes(scratch.resolve("tensorboard")));
      ChildJvm.report("wandb_bytes", folderBytes(scratch.resolve("wandb")));
      ChildJvm.report("peak_rss_kb", ProcStatus.kilobytes("VmHWM"));
      ChildJvm.report("rss_kb", ProcStatus.kilobytes("VmRSS"));
    }
  }

  /** One look at the heap during training. */
  record Sample(int step, long heap, long committed, int rows, long rssKb, long jvmKb, int backlog,
      JvmDiagnostics.Live wandb, JvmDiagnostics.Live tensorboard) {}

  /**
   * Decides how many steps fit the time budget from the rate between {@link #CALIBRATION_FROM} and
   * {@link #CALIBRATION_TO} steps (after the JIT has compiled the loop), stops the run there, samples at
   * 10 %, 50 % and 100 % of it, and watches the W&B queue at every step.
   */
  private static final class Sampler implements TrainerCallback {
    private final WandbCallback wandb;
    private final int planned;
    private final double budgetSeconds;
    private final List<Sample> samples = new ArrayList<>();
    private long start;
    private long calibrationStart;
    private int steps;
    private int maxBacklog;

    Sampler(WandbCallback wandb, int planned, double budgetSeconds) {
      this.wandb = wandb;
      this.planned = planned;
      this.budgetSeconds = budgetSeconds;
      this.steps = planned;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      start = System.nanoTime();
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      int step = state.globalStep();
      int backlog = wandb.run().map(r -> r.backlog()).orElse(0);
      maxBacklog = Math.max(maxBacklog, backlog);
      if (planned >= MIN_STEPS_TO_CALIBRATE) {
        if (step == CALIBRATION_FROM) {
          calibrationStart = System.nanoTime();
        } else if (step == CALIBRATION_TO) {
          long now = System.nanoTime();
          double perStep = (now - calibrationStart) / 1e9 / (CALIBRATION_TO - CALIBRATION_FROM);
          double left = budgetSeconds - (now - start) / 1e9;
          int fitting = (int) Math.min(planned, step + Math.max(0, left) / perStep);
          // At least ten calibrations, so that the 10 % sample is still ahead.
          steps = Math.max(MIN_STEPS_TO_CALIBRATE, fitting - fitting % 10);
        }
      }
      if (step == steps / 10 || step == steps / 2 || step == steps) {
        MemoryUsage heap = heapAfterGc();
        samples.add(new Sample(step, heap.getUsed(), heap.getCommitted(), state.logHistory().size(),
            ProcStatus.kilobytes("VmRSS"), JvmDiagnostics.jvmCommittedKb(), backlog, JvmDiagnostics.liveObjects("org.trainer4j.wandb."),
            JvmDiagnostics.liveObjects("org.trainer4j.tensorboard.")));
      }
      if (step == steps) {
        control.setShouldTrainingStop(true);
      }
    }
  }

  /**
   * Bytes one row of {@code log_history} holds, without the list's own array: copies of the last rows
   * are made the way {@code TrainerState} stores them (a read-only {@link LinkedHashMap} copy, with
   * boxes of their own), and the heap is measured after collecting, before and after.
   */
  static double bytesPerRow(List<Map<String, Object>> history) {
    int n = Math.min(REPLICA_ROWS, history.size());
    if (n == 0) {
      return 0;
    }
    List<Map<String, Object>> source = history.subList(history.size() - n, history.size());
    long before = heapAfterGc().getUsed();
    Object[] copies = new Object[n];
    for (int i = 0; i < n; i++) {
      Map<String, Object> copy = new LinkedHashMap<>();
      source.get(i).forEach((k, v) -> copy.put(k, freshBox(v)));
      copies[i] = Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }
    long after = heapAfterGc().getUsed();
    if (copies[n - 1] == null) {
      throw new IllegalStateException("copies were lost");
    }
    return (double) (after - before - referenceArrayBytes(n)) / n;
  }

  /**
   * Bytes of the array behind {@code log_history}'s {@link ArrayList} when it holds {@code rows}: its
   * capacity grows from 10 by half each time it is full (JDK 17), 4 bytes per reference (compressed
   * references, heaps under 32 GB) plus a 16-byte header.
   */
  static long listArrayBytes(int rows) {
    long capacity = 10;
    while (capacity < rows) {
      capacity += capacity >> 1;
    }
    return rows == 0 ? 0 : referenceArrayBytes(capacity);
  }

  private static long referenceArrayBytes(long length) {
    return 16 + 4 * length;
  }

  /** A new box with the same value, so that the copy owns its numbers as the original row does. */
  private static Object freshBox(Object v) {
    if (v instanceof Double d) {
      return Double.valueOf(d.doubleValue() + 0.0);
    }
    if (v instanceof Integer i) {
      return Integer.valueOf(i.intValue()); // a new box outside Integer's cache, as the Trainer's step
    }
    return v;
  }

  static MemoryUsage heapAfterGc() {
    // A collection finds dead direct buffers (DJL makes one per batch) whose Cleaner objects stay on the
    // heap until the reference handler has run them; they are only gone after the next collection.
    // Without the pause they showed up as "rest of the heap" growing by ~9 bytes per step.
    MemoryUsage usage = collect();
    for (int i = 0; i < 5; i++) {
      sleepQuietly(100);
      MemoryUsage again = collect();
      boolean settled = again.getUsed() >= usage.getUsed();
      usage = again;
      if (settled) {
        break;
      }
    }
    return usage;
  }

  private static MemoryUsage collect() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long folderBytes(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return 0;
    }
    try (var paths = Files.walk(folder)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }
}
