package org.trainer4j.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measurement 6 from the parent's side: starts {@link MemoryRun}, then splits the heap at each sample
 * into {@code log_history} ({@code rows × bytes per row}) and the rest. The integrations' queues are
 * bounded if the rest does not grow with the steps: the check allows {@link #ALLOWED_GROWTH_BYTES}, about
 * what both queues hold when full (10,000 W&B rows and 8,192 TensorBoard events).
 */
final class MemoryRows {
  static final long ALLOWED_GROWTH_BYTES = 8L << 20;

  private MemoryRows() {}

  /** One sample: step, heap after GC, rows, resident set (kB), W&B queue length. */
  record Sample(int step, long heap, int rows, long rssKb, int backlog) {
    double rest(double bytesPerRow) {
      return heap - rows * bytesPerRow;
    }
  }

  static ResultRow measure(HarnessOptions options, Consumer<String> progress) {
    Path scratch = ScratchFolders.create("bench-memory");
    ChildJvm.Outcome o;
    try {
      progress.accept("memory: up to " + options.memorySteps() + " steps within " + options.memoryBudgetSeconds() + " s");
      o = ChildJvm.run(MemoryRun.class, List.of(), List.of(String.valueOf(options.memorySteps()),
          String.valueOf(options.memoryBudgetSeconds()), scratch.toString()), Map.of(), 30L * 60);
    } finally {
      ScratchFolders.deleteTree(scratch);
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
    double historyMb = o.number("rows") * perRow / mb(1);
    StringBuilder detail = new StringBuilder();
    detail.append(String.format("Linear 4→2, batch 1, SGD, logging every step to TensorBoard + W&B offline (+ console"
        + " printer to a null stream); %,d steps in %.0f s (%.0f steps/s)", steps, seconds, steps / seconds));
    if (steps < planned) {
      detail.append(String.format(", stopped by the time budget of %d s instead of %,d", options.memoryBudgetSeconds(),
          planned));
    }
    detail.append(String.format(". log_history: %,d rows × %.0f B = %.1f MB. Heap after GC at", (long) o.number("rows"),
        perRow, historyMb));
    for (Sample s : samples) {
      detail.append(String.format(" %,d steps: %.1f MB (rest %.1f MB, RSS %.0f MB, W&B queue %d);", s.step(), mb(s.heap()),
          mb((long) s.rest(perRow)), s.rssKb() / 1024.0, s.backlog()));
    }
    detail.append(String.format(" rest grew %.2f MB (%.1f B/step) from the first sample to the last; W&B queue at most %d"
        + " of %d. Files: TensorBoard %.1f MB, W&B %.1f MB.", restGrowth / mb(1), growthPerStep,
        (long) o.number("wandb_backlog_max"), (long) o.number("wandb_queue_capacity"),
        o.number("tensorboard_bytes") / mb(1), o.number("wandb_bytes") / mb(1)));
    if (steps < planned) {
      double projectedHeap = last.rest(perRow) + growthPerStep * (planned - last.step()) + (double) planned * perRow;
      detail.append(String.format(" Extrapolated to %,d steps: heap after GC ≈ %.0f MB (log_history %.0f MB).", planned,
          projectedHeap / mb(1), planned * perRow / mb(1)));
    }
    String result = String.format("heap after run %.1f MB (log_history %.1f MB), peak RSS %.0f MB; rest of heap %s",
        mb((long) o.number("heap_after_run")), historyMb, o.number("peak_rss_kb") / 1024.0,
        bounded ? "flat" : "GROWS");
    return ResultRow.judged("6", "memory over a long run logging every step", result,
        "queues bounded: heap beyond log_history grows < 8 MB", bounded, detail.toString());
  }

  private static List<Sample> samples(Map<String, String> results) {
    List<Sample> out = new ArrayList<>();
    results.forEach((key, value) -> {
      if (key.startsWith("sample_")) {
        String[] f = value.split(",");
        out.add(new Sample(Integer.parseInt(key.substring(7)), Long.parseLong(f[0]), Integer.parseInt(f[1]),
            Long.parseLong(f[2]), Integer.parseInt(f[3])));
      }
    });
    out.sort((a, b) -> Integer.compare(a.step(), b.step()));
    if (out.size() < 2) {
      throw new IllegalStateException("the memory run reported fewer than two samples: " + results);
    }
    return out;
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
