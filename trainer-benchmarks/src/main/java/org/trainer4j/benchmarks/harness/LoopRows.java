package org.trainer4j.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs measurements 1 and 2 and turns them into table rows (and measurement 15's, for {@link MiniLmRows}). The verdict uses the interleaved pairs,
 * which share the machine's noise between both sides; the whole-run pairs are shown beside them.
 */
final class LoopRows {
  static final double BARE_TARGET = 1.03;
  static final double INTEGRATIONS_TARGET = 1.05;

  private LoopRows() {}

  static List<ResultRow> measure(HarnessOptions options, Consumer<String> progress) {
    LoopOverhead loops = LoopOverhead.mlp(options, progress);
    loops.warmUp(options.warmupRounds(), 4 * options.warmupRounds());
    List<ResultRow> rows = new ArrayList<>();
    LoopOverhead.Comparison floor = loops.selfComparison(options.pairs());
    String floorNote = String.format("Noise floor, the hand-written loop against a copy of itself in the same slices:"
        + " b/a %s, median %.3f.", Stats.list(floor.ratios(), "%.3f"), floor.medianRatio());
    if (options.runs(1)) {
      LoopOverhead.Comparison interleaved = loops.interleaved(options.pairs(), false);
      LoopOverhead.Comparison whole = loops.wholeRuns(options.pairs(), false);
      rows.add(row("1", "loop overhead: Trainer (log every " + loops.settings().loggingSteps()
          + " steps, no eval, no save) vs hand-written DJL loop", interleaved, BARE_TARGET, loops,
          wholeRuns(whole) + " Same logged losses on both sides: "
              + (interleaved.sameLosses() && whole.sameLosses() ? "yes" : "NO") + ". " + floorNote));
    }
    if (options.runs(2)) {
      LoopOverhead.Comparison interleaved = loops.interleaved(options.pairs(), true);
      LoopOverhead.Comparison whole = loops.wholeRuns(options.pairs(), true);
      LoopOverhead.Comparison silent = loops.interleaved(options.pairs(), true, TrainerLoop.Console.REMOVED);
      rows.add(row("2", "loop overhead with TensorBoard + W&B offline attached, logging every step", interleaved,
          INTEGRATIONS_TARGET, loops, String.format("%s Baseline: the same hand-written loop as in 1. The same"
              + " with the console callback removed (rows not formatted): b/a %s, median %.3f. %s", wholeRuns(whole),
              Stats.list(silent.ratios(), "%.3f"), silent.medianRatio(), floorNote)));
    }
    return rows;
  }

  private static String wholeRuns(LoopOverhead.Comparison whole) {
    return String.format("Whole-run pairs: a %s, b %s steps/s, b/a %s, median %.3f.",
        Stats.list(whole.plainRates(), "%.0f"), Stats.list(whole.trainerRates(), "%.0f"),
        Stats.list(whole.ratios(), "%.3f"), whole.medianRatio());
  }

  /** A judged row of interleaved pairs: the median of b/a against the target, the pairs in the detail, then the note. */
  static ResultRow row(String id, String what, LoopOverhead.Comparison interleaved, double target, LoopOverhead loops,
      String note) {
    double ratio = interleaved.medianRatio();
    String rates = Stats.median(interleaved.plainRates()) < 10 ? "%.2f" : "%.0f"; // MiniLM: under one step a second
    String detail = String.format("%s, %d steps of batch %d, AdamW, linear schedule, max_grad_norm %.1f on both sides."
            + " Interleaved pairs: a %s steps/s, b %s steps/s, b/a %s (CPU time b/a %s; JIT compiling %d ms meanwhile)."
            + " %s",
        loops.workloadName(), loops.settings().steps(), loops.settings().batchSize(), loops.settings().maxGradNorm(),
        Stats.list(interleaved.plainRates(), rates), Stats.list(interleaved.trainerRates(), rates),
        Stats.list(interleaved.ratios(), "%.3f"), Stats.list(interleaved.cpuRatios(), "%.3f"), interleaved.jitMillis(),
        note);
    String result = String.format("b/a = %.3f (a " + rates + ", b " + rates + " steps/s)", ratio,
        Stats.median(interleaved.plainRates()), Stats.median(interleaved.trainerRates()));
    return ResultRow.judged(id, what, result, String.format("≤ %.2f", target), ratio <= target, detail);
  }
}
