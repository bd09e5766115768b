package org.trainer4j.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs every measurement of the benchmark issues in one command and prints one table: the loop
 * overhead against a hand-written loop (1, 2), the JMH benchmarks (3, 4, 5), memory over a long run
 * (6), start-up time (7), the data pipeline (8–11) and fine-tuning all-MiniLM-L6-v2 (12–15). Progress goes
 * to standard error, the table to standard output.
 *
 * <pre>
 * java -cp trainer-benchmarks/target/benchmarks.jar org.trainer4j.benchmarks.harness.Harness [--quick] [--only 1,2]
 * </pre>
 */
public final class Harness {
  private Harness() {}

  public static void main(String[] argv) {
    HarnessOptions options;
    try {
      options = HarnessOptions.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<ResultRow> rows = run(options, line -> System.err.println("[bench] " + line));
    System.out.println(Table.markdown(rows));
  }

  /** Runs the measurements the options select and returns their rows, in the order. */
  static List<ResultRow> run(HarnessOptions options, Consumer<String> progress) {
    JvmSettings.apply();
    progress.accept("options: " + options);
    List<ResultRow> rows = new ArrayList<>();
    if (options.runs(1) || options.runs(2)) {
      rows.addAll(LoopRows.measure(options, progress));
    }
    if (options.runs(3) || options.runs(4) || options.runs(5)) {
      rows.addAll(JmhRows.measure(options, progress));
    }
    if (options.runs(6)) {
      rows.add(MemoryRows.measure(options, progress));
    }
    if (options.runs(7)) {
      rows.add(StartupRows.measure(options, progress));
    }
    rows.addAll(DataRows.measure(options, progress));
    rows.addAll(MiniLmRows.measure(options, progress));
    return rows;
  }
}
