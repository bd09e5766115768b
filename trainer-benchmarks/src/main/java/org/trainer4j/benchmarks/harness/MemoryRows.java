package org.trainer4j.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.trainer4j.core.checkpoint.Checkpoints;

/**
 * Measurement 6 from the parent's side: starts {@link MemoryRun}, then splits the heap at each sample
 * into {@code log_history} ({@code rows × bytes per row}) and the rest. The integrations' queues are
 * bounded if the rest does not grow with the steps: the check allows {@link #ALLOWED_GROWTH_BYTES}, about
 * what both queues hold when full (10,000 W&B rows and 8,192 TensorBoard events).
 */
final class MemoryRows {
  static final long ALLOWED_GROWTH_BYTES = 8L << 20;

  private MemoryRows() {}

  /**
   * One sample: step, heap after GC (used, committed), rows, resident set (kB), W&B queue length, and
   * the live objects (count, bytes) of the W&B and TensorBoard classes.
   */
  record Sample(int step, long heap, long committed, int rows, long rssKb, long jvmKb, int backlog, long wandbObjects,
      long wandbBytes, long tensorboardObjects, long tensorboardBytes) {
    /** Heap beyond {@code log_history}: its rows and the array of its list. */
    double rest(double bytesPerRow) {
      return heap - history(bytesPerRow);
    }

    double history(double bytesPerRow) {
      return rows * bytesPerRow + MemoryRun.listArrayBytes(rows);
    }
  }

  static ResultRow measure(HarnessOptions options, Consumer<String> progress) {
    Path scratch = ScratchFolders.create("bench-memory");
    ChildJvm.Outcome o;
    try {
      progress.accept("memory: up to " + options.memorySteps() + " steps within " + options.memoryBudgetSeconds() + " s");
      o = ChildJvm.run(MemoryRun.class, List.of("-XX:NativeMemoryTracking=summary"), List.of(String.valueOf(options.memorySteps()),
          String.valueOf(options.memoryBudgetSeconds()), scratch.toString()), Map.of(), 30L * 60);
    } finally {
      Checkpoints.deleteTree(scratch);
    }
    int steps = (int) o.number("steps");
    int planned = (int) o.number("planned_steps");
    double seconds = o.number("seconds");
    double perRow = o.number("bytes_per_row");
    List<Sample> samples = samples(o.results());
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    double restGrowth = last.rest(perRow) - first.rest(perRow);
    double growthPerStep = restGrowth / Math.max(1, last.step() - first.step());
    boolean bounded = restGrowth <= ALLOWED_GROWTH_BYTES;
    double historyMb = mb(o.number("history_bytes"));
    StringBuilder detail = new StringBuilder();
    detail.append(String.format("Linear 4→2, batch 1, SGD, logging every step to TensorBoard + W&B offline (+ console"
        + " printer to a null stream); %,d steps in %.0f s (%.0f steps/s)", steps, seconds, steps / seconds));
    if (steps < planned) {
      detail.append(String.format(", stopped by the time budget of %d s instead of %,d", options.memoryBudgetSeconds(),
          planned));
    }
    detail.append(String.format(". log_history: %,d rows × %.0f B + its list's array = %.1f MB. After GC at",
        (long) o.number("rows"), perRow, historyMb));
    for (Sample s : samples) {
      detail.append(String.format(" %,d steps: heap %.1f MB = log_history %.1f MB + rest %.1f MB (committed %.0f MB),"
              + " RSS %.0f MB (the JVM's own %.0f MB), W&B queue %d, live objects of W&B classes %,d (%.1f kB), of TensorBoard classes %,d"
              + " (%.1f kB);", s.step(), mb(s.heap()), mb(s.history(perRow)), mb(s.rest(perRow)), mb(s.committed()),
          s.rssKb() / 1024.0, s.jvmKb() / 1024.0, s.backlog(), s.wandbObjects(), s.wandbBytes() / 1024.0, s.tensorboardObjects(),
          s.tensorboardBytes() / 1024.0));
    }
    detail.append(String.format(" the rest changed by %+.2f MB (%+.1f B/step) from the first sample to the last; W&B"
            + " queue at most %d of %d. Files: TensorBoard %.1f MB, W&B %.1f MB.", mb(restGrowth), growthPerStep,
        (long) o.number("wandb_backlog_max"), (long) o.number("wandb_queue_capacity"), mb(o.number("tensorboard_bytes")),
        mb(o.number("wandb_bytes"))));
    if (steps < planned) {
      double projectedRest = last.rest(perRow) + Math.max(0, growthPerStep) * (planned - last.step());
      double projectedHistory = (double) planned * perRow + MemoryRun.listArrayBytes(planned);
      detail.append(String.format(" Extrapolated to %,d steps: heap after GC ≈ %.0f MB (log_history %.0f MB + rest"
          + " %.1f MB).", planned, mb(projectedRest + projectedHistory), mb(projectedHistory), mb(projectedRest)));
    }
    String result = String.format("heap after run %.1f MB (log_history %.1f MB), peak RSS %.0f MB; rest of heap %s",
        mb(o.number("heap_after_run")), historyMb, o.number("peak_rss_kb") / 1024.0, bounded ? "flat" : "GROWS");
    return ResultRow.judged("6", "memory over a long run logging every step", result,
        "queues bounded: heap beyond log_history grows < 8 MB", bounded, detail.toString());
  }

  private static List<Sample> samples(Map<String, String> results) {
    List<Sample> out = new ArrayList<>();
    results.forEach((key, value) -> {
      if (key.startsWith("sample_")) {
        String[] f = value.split(",");
        out.add(new Sample(Integer.parseInt(key.substring(7)), Long.parseLong(f[0]), Long.parseLong(f[1]),
            Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Integer.parseInt(f[5]),
            Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9])));
      }
    });
    out.sort((a, b) -> Integer.compare(a.step(), b.step()));
    if (out.size() < 2) {
      throw new IllegalStateException("the memory run reported fewer than two samples: " + results);
    }
    return out;
  }

  private static double mb(double bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
