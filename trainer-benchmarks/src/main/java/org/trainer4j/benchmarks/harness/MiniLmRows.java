package org.trainer4j.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.transformers.text.Features;

/**
 * Measurements 12–15, fine-tuning all-MiniLM-L6-v2 ({@link MiniLmWorkload}): steps and tokens per second of the
 * native BERT block through the Trainer (12), of the same model's TorchScript trace through the Trainer (13) and of
 * a plain PyTorch loop on HF's {@code BertForSequenceClassification} (14), in interleaved rounds; then the Trainer
 * against a hand-written DJL loop in interleaved pairs (15, as measurement 1). 13 and 14 need a Python with torch
 * and transformers ({@code -Dbench.python}); without one their rows say "skipped" and why.
 */
final class MiniLmRows {
  static final double HAND_LOOP_TARGET = 1.02;
  private static final String EXPORT_SCRIPT = "trainer-transformers/src/test/python/export_torchscript.py";
  private static final String LOOP_SCRIPT = "trainer-benchmarks/src/main/python/minilm_torch_loop.py";
  private static final double MAX_GRAD_NORM = 1.0;
  private static final int MAX_WARM_UP_RUNS = 4;

  /** One timed run: the timed steps and the losses it logged. */
  private record Measured(TimedSteps.Run timing, List<Double> losses) {
    double stepsPerSecond() {
      return timing.stepsPerSecond();
    }
  }

  private final HarnessOptions options;
  private final Consumer<String> progress;
  private final Path scratch;
  private final MiniLmWorkload workload;
  private final LoopSettings runSettings;

  private MiniLmRows(HarnessOptions options, Consumer<String> progress, Path scratch) {
    this.options = options;
    this.progress = progress;
    this.scratch = scratch;
    this.workload = MiniLmWorkload.prepare(scratch);
    this.runSettings = new LoopSettings(options.miniLmWindow() + options.miniLmSteps(), MiniLmWorkload.BATCH,
        options.miniLmWindow(), MAX_GRAD_NORM, MiniLmWorkload.LEARNING_RATE);
  }

  static List<ResultRow> measure(HarnessOptions options, Consumer<String> progress) {
    if (IntStream.rangeClosed(12, 15).noneMatch(options::runs)) {
      return List.of();
    }
    Path scratch = ScratchFolders.create("bench-minilm");
    try {
      MiniLmRows rows = new MiniLmRows(options, progress, scratch);
      progress.accept("12-15: all-MiniLM-L6-v2 saved as an HF folder in " + rows.workload.hfFolder());
      // Warm-up runs of the native block through the Trainer, a few steps timed, until the page faults settle.
      LoopSettings warmUp = rows.runSettings.withSteps(2 * options.miniLmWindow());
      TimedSteps.settle(() -> rows.trainerRun(rows.workload, warmUp).timing(), TimedSteps.faultsStopFalling(),
          MAX_WARM_UP_RUNS, "12-15", progress);
      List<ResultRow> out = new ArrayList<>();
      if (options.runs(12) || options.runs(13) || options.runs(14)) {
        out.addAll(rows.throughput());
      }
      if (options.runs(15)) {
        out.add(rows.againstHandLoop());
      }
      return out;
    } finally {
      Checkpoints.deleteTree(scratch);
    }
  }

  /** A Trainer run of the workload, timed from the end of the first logging window ({@link TimedSteps}). */
  private Measured trainerRun(MiniLmWorkload on) {
    return trainerRun(on, runSettings);
  }

  private Measured trainerRun(MiniLmWorkload on, LoopSettings settings) {
    TimedSteps timer = new TimedSteps(options.miniLmWindow());
    Path dir = scratch.resolve("runs");
    try {
      LoopResult result = TrainerLoop.run(on, settings, TrainerLoop.Integrations.NONE, dir, List.of(timer));
      return new Measured(timer.result(), result.loggedLosses());
    } finally {
      Checkpoints.deleteTree(dir);
    }
  }

  /** 12, 13 and 14 in {@code miniLmRounds} rounds, one run of each in turn; medians. */
  private List<ResultRow> throughput() {
    String threads = System.getProperty("ai.djl.pytorch.num_threads", JvmSettings.TORCH_THREADS);
    Optional<String> noPython = pythonProblem();
    Optional<Path> trace = Optional.empty();
    String traceProblem = noPython.orElse("");
    if (options.runs(13) && noPython.isEmpty()) {
      try {
        Path folder = scratch.resolve("trace");
        PythonProcess.run(List.of(EXPORT_SCRIPT, workload.hfFolder().toString(), folder.toString()));
        trace = Optional.of(folder);
        progress.accept("13: traced by " + EXPORT_SCRIPT + " into " + folder);
      } catch (IOException e) {
        traceProblem = EXPORT_SCRIPT + " failed: " + e.getMessage();
      }
    }
    Path batchesFile = scratch.resolve("batches.json");
    String torchProblem = noPython.orElse("");
    if (options.runs(14) && noPython.isEmpty()) {
      try {
        workload.writeBatches(batchesFile, runSettings.steps());
      } catch (IOException e) {
        torchProblem = "cannot write the batches for Python: " + e.getMessage();
      }
    }
    boolean torchLoop = options.runs(14) && torchProblem.isEmpty();
    List<Measured> nativeRuns = new ArrayList<>();
    List<Measured> tracedRuns = new ArrayList<>();
    List<Measured> torchRuns = new ArrayList<>();
    String versions = "";
    for (int round = 0; round < options.miniLmRounds(); round++) {
      if (options.runs(12)) {
        nativeRuns.add(trainerRun(workload));
      }
      if (trace.isPresent()) {
        tracedRuns.add(trainerRun(workload.traced(trace.get())));
      }
      if (torchLoop) {
        try {
          Map<?, ?> out = (Map<?, ?>) PyJson.loads(PythonProcess.run(List.of(LOOP_SCRIPT,
              workload.hfFolder().toString(), batchesFile.toString(), String.valueOf(options.miniLmWindow()),
              String.valueOf(options.miniLmWindow()), threads, String.valueOf(MiniLmWorkload.LEARNING_RATE),
              String.valueOf(MAX_GRAD_NORM))));
          List<Double> losses = ((List<?>) out.get("losses")).stream().map(v -> ((Number) v).doubleValue()).toList();
          torchRuns.add(new Measured(new TimedSteps.Run(((Number) out.get("steps_per_second")).doubleValue(),
              ((Number) out.get("faults_per_step")).doubleValue()), losses));
          versions = "torch " + out.get("torch") + ", transformers " + out.get("transformers");
        } catch (IOException | RuntimeException e) {
          torchProblem = LOOP_SCRIPT + " failed: " + e.getMessage();
          torchLoop = false;
        }
      }
      progress.accept(String.format(Locale.ROOT, "12-14 round %d: native %s, TorchScript %s, PyTorch %s steps/s",
          round + 1, last(nativeRuns), last(tracedRuns), last(torchRuns)));
    }
    Tokens tokens = new Tokens(workload.batches(runSettings.steps()).subList(options.miniLmWindow(),
        runSettings.steps()));
    String setting = String.format(Locale.ROOT, "%d rounds, one run of each side in turn, medians; a run is %d steps,"
            + " timed from the end of step %d; batch %d of synthetic texts of %d–%d tokens padded to %d (%.1f"
            + " non-padding tokens a batch in the timed steps); AdamW lr %.0e, linear decay, max_grad_norm %.1f, no"
            + " dropout; %s PyTorch thread(s); load average %s", options.miniLmRounds(), runSettings.steps(),
        options.miniLmWindow(), MiniLmWorkload.BATCH, MiniLmWorkload.MIN_TOKENS, MiniLmWorkload.MAX_TOKENS,
        MiniLmWorkload.MAX_TOKENS, tokens.realPerStep(), MiniLmWorkload.LEARNING_RATE, MAX_GRAD_NORM, threads,
        loadAverage());
    List<ResultRow> rows = new ArrayList<>();
    if (options.runs(12)) {
      rows.add(ResultRow.info("12", "fine-tuning all-MiniLM-L6-v2 (native BERT block) through the Trainer",
          tokens.headline(nativeRuns), tokens.perRun(nativeRuns) + "; " + lossesAgainst(nativeRuns, torchRuns) + "; "
              + setting));
    }
    if (options.runs(13)) {
      rows.add(trace.isEmpty() || tracedRuns.isEmpty()
          ? ResultRow.info("13", "the same through TorchScript (TorchScriptModel) and the Trainer", "skipped",
              "no trace: " + traceProblem + " (set -Dbench.python=... to a Python with torch and transformers)")
          : ResultRow.info("13", "the same through TorchScript (TorchScriptModel) and the Trainer",
              tokens.headline(tracedRuns) + ratio("; ÷ native ", tracedRuns, nativeRuns),
              tokens.perRun(tracedRuns) + "; traced by " + EXPORT_SCRIPT + "; " + lossesAgainst(tracedRuns, torchRuns)
                  + "; " + setting));
    }
    if (options.runs(14)) {
      rows.add(torchRuns.size() < options.miniLmRounds()
          ? ResultRow.info("14", "the same in a plain PyTorch loop (HF BertForSequenceClassification)", "skipped",
              torchProblem + " (set -Dbench.python=... to a Python with torch and transformers)")
          : ResultRow.info("14", "the same in a plain PyTorch loop (HF BertForSequenceClassification)",
              tokens.headline(torchRuns) + ratio("; Trainer native ÷ PyTorch ", nativeRuns, torchRuns)
                  + ratio(", TorchScript ÷ PyTorch ", tracedRuns, torchRuns),
              tokens.perRun(torchRuns) + "; " + LOOP_SCRIPT + ", eager attention, a new Python process per round"
                  + " (loading excluded, its first steps untimed as on the Java side); " + versions + "; " + setting));
    }
    return rows;
  }

  /** 15: the Trainer against the hand-written DJL loop in interleaved pairs, as measurement 1. */
  private ResultRow againstHandLoop() {
    LoopSettings settings = new LoopSettings(options.miniLmSteps(), MiniLmWorkload.BATCH, options.miniLmWindow(),
        MAX_GRAD_NORM, MiniLmWorkload.LEARNING_RATE);
    LoopOverhead loops = new LoopOverhead(workload, settings, progress);
    LoopOverhead.Comparison pairs = loops.interleaved(options.miniLmRounds(), false);
    return LoopRows.row("15", "Trainer vs hand-written DJL loop, fine-tuning all-MiniLM-L6-v2 (batch 16 × 64 tokens)",
        pairs, HAND_LOOP_TARGET, loops, "Slices of " + settings.loggingSteps() + " steps; no noise floor or whole"
            + " runs (a MiniLM step is a second, not a millisecond). Same logged losses on both sides: "
            + (pairs.sameLosses() ? "yes" : "NO") + " " + pairs.plain().get(0).loggedLosses() + ". Load average "
            + loadAverage() + ".");
  }

  /** Empty when the bench Python imports torch and transformers, else why not. */
  private static Optional<String> pythonProblem() {
    try {
      PythonProcess.run(List.of("-c", "import torch, transformers"));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("no Python with torch and transformers at " + PythonProcess.python() + ": "
          + e.getMessage());
    }
  }

  /** Steps and tokens per second of the timed steps, whose batches are {@code timedBatches}. */
  private record Tokens(List<List<Features>> timedBatches) {
    double realPerStep() {
      return timedBatches.stream().mapToLong(SyntheticTokens::realTokens).sum() / (double) timedBatches.size();
    }

    static double paddedPerStep() {
      return MiniLmWorkload.BATCH * MiniLmWorkload.MAX_TOKENS;
    }

    String headline(List<Measured> runs) {
      double steps = median(runs);
      return String.format(Locale.ROOT, "**%.3f steps/s**, **%.0f tokens/s** (non-padding; %.0f padded); %.0f ms a"
          + " step, %.1f ms an example", steps, steps * realPerStep(), steps * paddedPerStep(), 1e3 / steps,
          1e3 / steps / MiniLmWorkload.BATCH);
    }

    String perRun(List<Measured> runs) {
      return "steps/s per round " + Stats.list(runs.stream().map(Measured::stepsPerSecond).toList(), "%.3f")
          + "; minor page faults a step " + Stats.list(runs.stream().map(r -> r.timing().faultsPerStep()).toList(),
          "%.0f");
    }
  }

  private static double median(List<Measured> runs) {
    return Stats.median(runs.stream().map(Measured::stepsPerSecond).toList());
  }

  private static String ratio(String label, List<Measured> a, List<Measured> b) {
    return a.isEmpty() || b.isEmpty() ? "" : String.format(Locale.ROOT, "%s**%.2f**", label, median(a) / median(b));
  }

  private static String last(List<Measured> runs) {
    return runs.isEmpty() ? "—" : String.format(Locale.ROOT, "%.3f", runs.get(runs.size() - 1).stepsPerSecond());
  }

  /** How far the logged losses of the first run are from PyTorch's (the same batches, the same initial weights). */
  private static String lossesAgainst(List<Measured> runs, List<Measured> torch) {
    if (runs.isEmpty()) {
      return "no run";
    }
    List<Double> a = runs.get(0).losses();
    if (torch.isEmpty()) {
      return "logged losses " + a;
    }
    List<Double> b = torch.get(0).losses();
    if (a.size() != b.size()) {
      return "logged losses " + a + ", PyTorch's " + b + " (not as many)";
    }
    double max = IntStream.range(0, a.size()).mapToDouble(i -> Math.abs(a.get(i) - b.get(i))).max().orElse(0);
    return String.format(Locale.ROOT, "logged losses %s, largest difference from PyTorch's %.1e%s", a, max,
        max == 0 ? "" : " (PyTorch's " + b + ")");
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", load);
  }
}
