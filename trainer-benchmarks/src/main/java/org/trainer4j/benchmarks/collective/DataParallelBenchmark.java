package org.trainer4j.benchmarks.collective;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.distributed.Launcher;

/**
 * Trains the MLP of {@link DataParallelWorker} with the Trainer on 1 worker (batch 64) and on 2 workers
 * (batch 32 each: the same global batch), through the launcher, for each hidden width; reports steps/s,
 * examples/s and the gradient exchange per step. One PyTorch thread per worker.
 */
final class DataParallelBenchmark {
  static final int GLOBAL_BATCH = 64;

  private DataParallelBenchmark() {}

  record Row(long parameters, int workers, double secondsPerStep, double exchangeSecondsPerStep) {}

  static List<Row> run(List<Integer> hiddenWidths, int steps) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int hidden : hiddenWidths) {
      for (int workers = 1; workers <= 2; workers++) {
        System.err.println("data-parallel training: hidden " + hidden + ", " + workers + " worker(s)");
        Map<String, Double> result = launch(workers, hidden, steps);
        rows.add(new Row(DataParallelWorker.parameters(hidden), workers, result.get("seconds_per_step"),
            result.get("exchange_seconds_per_step")));
      }
    }
    return rows;
  }

  private static Map<String, Double> launch(int workers, int hidden, int steps) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Launcher.Job job = new Launcher.Job(workers, 120, List.of("-Xmx1g", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), DataParallelWorker.class.getName(),
        List.of(Integer.toString(hidden), Integer.toString(GLOBAL_BATCH / workers), Integer.toString(steps)));
    int code = Launcher.run(job, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    if (code != 0) {
      throw new IllegalStateException("the data-parallel run failed with exit code " + code);
    }
    Map<String, Double> results = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      String prefix = "[rank 0] RESULT ";
      if (line.startsWith(prefix)) {
        String[] kv = line.substring(prefix.length()).trim().split("=", 2);
        results.put(kv[0], Double.parseDouble(kv[1]));
      }
    }
    return results;
  }

  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| parameters | workers x batch | steps/s | examples/s | exchange ms/step | exchange share |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      out.append(String.format("| %,d | %d x %d | %.2f | %.1f | %.2f | %.0f %% |%n", r.parameters(), r.workers(),
          GLOBAL_BATCH / r.workers(), 1 / r.secondsPerStep(), GLOBAL_BATCH / r.secondsPerStep(),
          r.exchangeSecondsPerStep() * 1e3, 100 * r.exchangeSecondsPerStep() / r.secondsPerStep()));
    }
    return out.toString();
  }
}
