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
import org.trainer4j.core.metrics.TrainOutput;
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
      rows.add(collationHidden(quick ? 20 : 300, progress));
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

  /** Steps per second of a run of {@code steps} (after its own first steps: train_runtime is the whole run). */
  private static double stepsPerSecond(Workload workload, TrainingArguments args, DataCollator<Workload.Example> collator) {
    try (Model model = workload.newModel()) {
      TrainOutput out = Trainer.builder().model(model).loss(workload.loss()).args(args)
          .trainDataset(TrainerDataset.of(workload.examples(), collator)).build().train();
      return ((Number) out.metrics().get("train_steps_per_second")).doubleValue();
    }
  }

  /** 8: a collator costing about one step, on the training thread (0 workers) and on one worker. */
  private static ResultRow collationHidden(int steps, Consumer<String> progress) {
    Workload workload = Workload.mlp(8192);
    Path dir = ScratchFolders.create("collation");
    double plain = stepsPerSecond(workload, args(dir, steps).build(), workload.collator());
    long stepNanos = (long) (1e9 / plain);
    DataCollator<Workload.Example> slow = (picked, manager) -> {
      long until = System.nanoTime() + stepNanos; // the collator's own work: as long as a step
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return workload.collator().collate(picked, manager);
    };
    double inline = stepsPerSecond(workload, args(dir, steps).build(), slow);
    double worker = stepsPerSecond(workload, args(dir, steps).dataloaderNumWorkers(1).build(), slow);
    // Collation adds stepNanos a step with 0 workers; the share of it a worker hides:
    double added = 1e9 / inline - 1e9 / plain;
    double hidden = (1e9 / inline - 1e9 / worker) / added;
    progress.accept(String.format(Locale.ROOT, "8: plain %.1f, slow collator 0 workers %.1f, 1 worker %.1f steps/s",
        plain, inline, worker));
    return ResultRow.judged("8", "collation hidden by dataloader_num_workers=1 (collator ≈ one step, MLP, batch 64)",
        String.format(Locale.ROOT, "**%.0f %%** hidden (%.1f vs %.1f steps/s)", hidden * 100, worker, inline),
        "≥ 70 %", hidden >= 0.70, String.format(Locale.ROOT,
            "%d steps each; no collation cost %.1f steps/s; collator spins %.2f ms a batch", steps, plain,
            stepNanos / 1e6));
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

  /** 11: the Trainer and a plain PyTorch loop (with and without a DataLoader) on the MLP workload. */
  private static ResultRow againstPyTorch(int steps, Consumer<String> progress) {
    String python = System.getProperty("bench.python", "python3");
    Path script = Path.of("trainer-benchmarks/src/main/python/plain_torch_loop.py");
    Workload workload = Workload.mlp(8192);
    double trainer = stepsPerSecond(workload, args(ScratchFolders.create("torch"), steps).build(), workload.collator());
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "1"); // as the Trainer's engine
    String json;
    try {
      Process p = new ProcessBuilder(python, script.toString(), String.valueOf(steps), "8192", threads)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || !json.startsWith("{")) {
        throw new IOException("exit " + p.exitValue());
      }
    } catch (IOException | InterruptedException e) {
      return ResultRow.info("11", "Trainer vs plain PyTorch loop (MLP, batch 64)", "skipped",
          "no Python with torch at " + python + " (set -Dbench.python=...): " + e.getMessage() + "; Trainer alone "
              + String.format(Locale.ROOT, "%.1f steps/s", trainer));
    }
    Map<?, ?> torch = (Map<?, ?>) org.trainer4j.core.json.PyJson.loads(json);
    double plain = ((Number) torch.get("plain")).doubleValue();
    double loader = ((Number) torch.get("dataloader")).doubleValue();
    progress.accept(String.format(Locale.ROOT, "11: Trainer %.1f, torch %.1f, torch+DataLoader %.1f steps/s", trainer,
        plain, loader));
    return ResultRow.info("11", "Trainer vs plain PyTorch loop (MLP 784-256-10, AdamW, batch 64)",
        String.format(Locale.ROOT, "Trainer ÷ PyTorch **%.2f**; ÷ PyTorch with DataLoader **%.2f**", trainer / plain,
            trainer / loader), String.format(Locale.ROOT, "%d steps each; Trainer %.1f, PyTorch %.1f, with DataLoader"
            + " %.1f steps/s; torch %s, %s threads", steps, trainer, plain, loader, torch.get("torch"), threads));
  }
}
