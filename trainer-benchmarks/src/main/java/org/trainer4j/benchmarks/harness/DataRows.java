package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.ExampleSource;
import org.trainer4j.core.data.StreamingDataset;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * Measurements 8–11, the data pipeline: collation hidden by a worker thread, a streaming pass's heap,
 * a large evaluation's memory, and the Trainer against a plain PyTorch loop on the MLP workload.
 */
final class DataRows {
  private static final int BATCH = 64;

  private DataRows() {}

  static List<ResultRow> measure(HarnessOptions options, Consumer<String> progress) {
    List<ResultRow> rows = new ArrayList<>();
    boolean quick = options.jmhForks() == 0;
    if (options.runs(8)) {
      rows.add(collationHidden(quick ? 20 : 1500, progress));
    }
    if (options.runs(9)) {
      rows.add(streamingHeap(quick ? 2_000 : 1_000_000, progress));
    }
    if (options.runs(10)) {
      rows.add(evaluationMemory(quick ? 1_000 : 100_000, progress));
    }
    if (options.runs(11)) {
      rows.add(againstPyTorch(quick ? 20 : 500, progress));
    }
    return rows;
  }

  private static TrainingArguments.Builder args(Path dir, int steps) {
    return TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(BATCH).maxSteps(steps)
        .loggingSteps(steps).saveStrategy("no").reportTo("none").disableTqdm(true);
  }

  /**
   * A run of {@code steps}, timed from its tenth step to its last ({@link TimedSteps}), with the minor page faults of
   * the whole run (the model's creation included) per step.
   */
  private static TimedSteps.Run run(Workload workload, TrainingArguments args, DataCollator<Workload.Example> collator) {
    TimedSteps timer = new TimedSteps(10);
    long faults = ProcStatus.minorFaults();
    try (Model model = workload.newModel()) {
      Trainer.builder().model(model).loss(workload.loss()).args(args).callbacks(timer)
          .trainDataset(TrainerDataset.of(workload.examples(), collator)).build().train();
    }
    return new TimedSteps.Run(timer.result().stepsPerSecond(),
        (ProcStatus.minorFaults() - faults) / (double) args.maxSteps());
  }

  private static double stepsPerSecond(Workload workload, TrainingArguments args, DataCollator<Workload.Example> collator) {
    return run(workload, args, collator).stepsPerSecond();
  }

  /** Plain runs of the MLP workload until one takes under one minor page fault a step (at most 20), that run. */
  private static TimedSteps.Run settle(Workload workload, Path dir, int steps, String measurement,
      Consumer<String> progress) {
    return TimedSteps.settle(() -> run(workload, args(dir, steps).build(), workload.collator()),
        TimedSteps.fewerFaultsThan(1), 20, measurement, progress);
  }

  /**
   * 8: a collator costing about one step, on the training thread (0 workers) and on one worker: after {@link #settle},
   * whose last run calibrates the collator, three rounds run the three variants in turn; each variant's median counts.
   */
  private static ResultRow collationHidden(int steps, Consumer<String> progress) {
    Workload workload = Workload.mlp(8192);
    Path dir = ScratchFolders.create("collation");
    TimedSteps.Run warm = settle(workload, dir, steps, "8", progress);
    long stepNanos = (long) (1e9 / warm.stepsPerSecond());
    DataCollator<Workload.Example> slow = (picked, manager) -> {
      long until = System.nanoTime() + stepNanos; // the collator's own work: as long as a step
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return workload.collator().collate(picked, manager);
    };
    List<Double> plainRuns = new ArrayList<>();
    List<Double> inlineRuns = new ArrayList<>();
    List<Double> workerRuns = new ArrayList<>();
    List<Double> workerFaults = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      plainRuns.add(stepsPerSecond(workload, args(dir, steps).build(), workload.collator()));
      inlineRuns.add(stepsPerSecond(workload, args(dir, steps).build(), slow));
      TimedSteps.Run worker = run(workload, args(dir, steps).dataloaderNumWorkers(1).build(), slow);
      workerRuns.add(worker.stepsPerSecond());
      workerFaults.add(worker.faultsPerStep());
    }
    double plain = Stats.median(plainRuns);
    double inline = Stats.median(inlineRuns);
    double worker = Stats.median(workerRuns);
    // Collation adds about stepNanos a step with 0 workers; the share of what it adds that a worker hides:
    double added = 1e9 / inline - 1e9 / plain;
    double hidden = (1e9 / inline - 1e9 / worker) / added;
    progress.accept(String.format(Locale.ROOT, "8: plain %s, slow collator 0 workers %s, 1 worker %s steps/s",
        rounded(plainRuns), rounded(inlineRuns), rounded(workerRuns)));
    return ResultRow.judged("8", "collation hidden by dataloader_num_workers=1 (collator ≈ one step, MLP, batch 64)",
        String.format(Locale.ROOT, "**%.0f %%** hidden (%.1f vs %.1f steps/s)", hidden * 100, worker, inline),
        "≥ 70 %", hidden >= 0.70, String.format(Locale.ROOT,
            "%d steps a run, timed from step 10, after warm-up runs until under one page fault a step (last %.1f);"
                + " medians of 3 interleaved rounds: no collation cost %s, 0 workers %s, 1 worker %s steps/s;"
                + " collator spins %.2f ms a batch; page faults a step with the worker %s; %s", steps,
            warm.faultsPerStep(), rounded(plainRuns), rounded(inlineRuns), rounded(workerRuns), stepNanos / 1e6,
            rounded(workerFaults), ProcStatus.allocator()));
  }

  private static String rounded(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList().toString();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** 9: a JSON-lines file of {@code count} examples streamed once; heap after GC at 10 % and 100 %. */
  private static ResultRow streamingHeap(int count, Consumer<String> progress) {
    Workload workload = Workload.tiny(1);
    Path dir = ScratchFolders.create("streaming");
    Path file = dir.resolve("train.jsonl");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (int i = 0; i < count; i++) {
        out.write(String.format(Locale.ROOT, "{\"x\": [%.4f, %.4f, %.4f, %.4f], \"label\": %d}%n", random.nextGaussian(),
            random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), i % 2));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int steps = count / BATCH;
    long[] heap = new long[2];
    TrainerCallback sampler = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == steps / 10) {
          heap[0] = heapAfterGc();
        } else if (s.globalStep() == steps) {
          heap[1] = heapAfterGc();
        }
      }
    };
    StreamingDataset<Workload.Example> stream = StreamingDataset.of(ExampleSource.jsonLines(file, row -> {
      List<?> x = (List<?>) row.get("x");
      float[] f = new float[x.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = ((Number) x.get(i)).floatValue();
      }
      return new Workload.Example(f, ((Number) row.get("label")).intValue());
    }), workload.collator());
    long start = System.nanoTime();
    try (Model model = workload.newModel()) {
      Trainer.builder().model(model).loss(workload.loss()).args(args(dir, steps).build()).trainDataset(stream)
          .callbacks(sampler).build().train();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double growth = (heap[1] - heap[0]) / 1e6;
    progress.accept(String.format(Locale.ROOT, "9: heap %.1f MB at 10 %%, %.1f MB at 100 %%", heap[0] / 1e6,
        heap[1] / 1e6));
    return ResultRow.judged("9", "streaming a JSON-lines file of " + count + " examples once (Linear 4 → 2, batch 64)",
        String.format(Locale.ROOT, "heap after GC **%.1f MB** at 10 %%, **%.1f MB** at 100 %%", heap[0] / 1e6,
            heap[1] / 1e6), "flat", growth < 5, String.format(Locale.ROOT, "%d steps in %.0f s; file %.0f MB",
            steps, seconds, fileMegabytes(file)));
  }

  private static double fileMegabytes(Path file) {
    try {
      return Files.size(file) / 1e6;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** 10: evaluation of {@code count} examples; engine arrays alive and process memory after it. */
  private static ResultRow evaluationMemory(int count, Consumer<String> progress) {
    Workload workload = Workload.mlp(count);
    Path dir = ScratchFolders.create("evaluation");
    long rssBefore = ProcStatus.kilobytes("VmRSS");
    long heapBefore = heapAfterGc();
    Map<String, Object> metrics;
    long liveArrays;
    try (Model model = workload.newModel()) {
      Trainer trainer = Trainer.builder().model(model).loss(workload.loss())
          .args(args(dir, 1).perDeviceEvalBatchSize(BATCH).evalAccumulationSteps(100).build())
          .evalDataset(workload.examples(), workload.collator()).build();
      metrics = trainer.evaluate();
      liveArrays = model.getNDManager().getManagedArrays().size();
    }
    long rssAfter = ProcStatus.kilobytes("VmRSS");
    long peak = ProcStatus.kilobytes("VmHWM");
    double heapAfter = heapAfterGc() / 1e6;
    progress.accept("10: " + metrics.get("eval_runtime") + " s, RSS " + rssBefore + " -> " + rssAfter + " kB");
    return ResultRow.info("10", "evaluation of " + count + " examples (MLP, batch 64, eval_accumulation_steps=100)",
        String.format(Locale.ROOT, "engine arrays alive after it: **%d** (the model's own); RSS %+.1f MB",
            liveArrays, (rssAfter - rssBefore) / 1e3),
        String.format(Locale.ROOT, "the predictions (%d × 10 floats, %.1f MB) are on the heap by design; heap after GC"
            + " %.1f → %.1f MB; peak RSS %.0f MB; %s s", count, count * 10 * 4 / 1e6, heapBefore / 1e6, heapAfter,
            peak / 1e3, metrics.get("eval_runtime")));
  }

  /**
   * 11: the Trainer and a plain PyTorch loop (with and without a DataLoader) on the MLP workload, after
   * {@link #settle}; three rounds of one Trainer run and one Python run in turn, medians.
   */
  private static ResultRow againstPyTorch(int steps, Consumer<String> progress) {
    String python = PythonProcess.python();
    Path script = Path.of("trainer-benchmarks/src/main/python/plain_torch_loop.py");
    Workload workload = Workload.mlp(8192);
    Path dir = ScratchFolders.create("torch");
    settle(workload, dir, steps, "11", progress);
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "1"); // as the Trainer's engine
    List<Double> trainerRuns = new ArrayList<>();
    List<Double> plainRuns = new ArrayList<>();
    List<Double> loaderRuns = new ArrayList<>();
    String torchVersion = "";
    for (int round = 0; round < 3; round++) {
      trainerRuns.add(stepsPerSecond(workload, args(dir, steps).build(), workload.collator()));
      try {
        String json = PythonProcess.run(List.of(script.toString(), String.valueOf(steps), "8192", threads));
        if (!json.startsWith("{")) {
          throw new IOException("no result in its output");
        }
        Map<?, ?> torch = (Map<?, ?>) org.trainer4j.core.json.PyJson.loads(json);
        plainRuns.add(((Number) torch.get("plain")).doubleValue());
        loaderRuns.add(((Number) torch.get("dataloader")).doubleValue());
        torchVersion = String.valueOf(torch.get("torch"));
      } catch (IOException e) {
        return ResultRow.info("11", "Trainer vs plain PyTorch loop (MLP, batch 64)", "skipped",
            "no Python with torch at " + python + " (set -Dbench.python=...): " + e.getMessage() + "; Trainer alone "
                + String.format(Locale.ROOT, "%.1f steps/s", trainerRuns.get(0)));
      }
    }
    double trainer = Stats.median(trainerRuns);
    double plain = Stats.median(plainRuns);
    double loader = Stats.median(loaderRuns);
    progress.accept(String.format(Locale.ROOT, "11: Trainer %s, torch %s, torch+DataLoader %s steps/s",
        rounded(trainerRuns), rounded(plainRuns), rounded(loaderRuns)));
    return ResultRow.info("11", "Trainer vs plain PyTorch loop (MLP 784-256-10, AdamW, batch 64)",
        String.format(Locale.ROOT, "Trainer ÷ PyTorch **%.2f**; ÷ PyTorch with DataLoader **%.2f**", trainer / plain,
            trainer / loader), String.format(Locale.ROOT, "%d steps a run, medians of 3 interleaved rounds after the"
            + " Trainer's warm-up: Trainer %s, PyTorch %s, with DataLoader %s steps/s; torch %s, %s threads; %s", steps,
            rounded(trainerRuns), rounded(plainRuns), rounded(loaderRuns), torchVersion, threads,
            ProcStatus.allocator()));
  }
}
