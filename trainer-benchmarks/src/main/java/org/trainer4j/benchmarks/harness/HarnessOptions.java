package org.trainer4j.benchmarks.harness;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How big each measurement is. {@link #full()} is the setting, sized to finish in under ten
 * minutes on two cores; {@link #quick()} runs every measurement a few steps long, for the smoke test.
 *
 * @param loopExamples synthetic examples of measurements 1 and 2 (8,192)
 * @param loopSteps optimizer steps per run (1,000)
 * @param loopLoggingSteps the Trainer's {@code logging_steps} in measurement 1 (50), also the slice of
 *     the interleaved pairs
 * @param warmupRounds untimed rounds of all loop variants before the pairs
 * @param pairs a/b pairs per comparison (5)
 * @param memorySteps planned steps of the memory run (1,000,000)
 * @param memoryBudgetSeconds the memory run stops early when the planned steps would take longer
 * @param startupRepeats child JVMs per cache state (measurement 7)
 * @param jmhIterations warm-up and measured JMH iterations per benchmark (as many of each)
 * @param jmhMillis length of one JMH iteration
 * @param jmhForks JMH forks per benchmark; 0 runs the benchmarks inside this JVM (smoke test only)
 * @param miniLmSteps timed steps per all-MiniLM-L6-v2 run (measurements 12–15: 10, a multiple of the window)
 * @param miniLmWindow untimed steps at the start of each MiniLM run, also its {@code logging_steps} and the slice of
 *     measurement 15's interleaved pairs (5)
 * @param miniLmRounds rounds of measurements 12–14 and pairs of measurement 15 (3)
 * @param sections which measurements to run, of 1–15
 */
record HarnessOptions(int loopExamples, int loopSteps, int loopLoggingSteps, int warmupRounds, int pairs,
    int memorySteps, int memoryBudgetSeconds, int startupRepeats, int jmhIterations, int jmhMillis, int jmhForks,
    int miniLmSteps, int miniLmWindow, int miniLmRounds, Set<Integer> sections) {
  static final Set<Integer> ALL = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  private static final String USAGE = "options: --quick, --only 1,2,..., --pairs N, --memory-steps N,"
      + " --memory-seconds N, --startup-repeats N, --jmh-iterations N, --jmh-millis N, --minilm-steps N,"
      + " --minilm-rounds N";

  HarnessOptions {
    if (loopSteps % loopLoggingSteps != 0) {
      throw new IllegalArgumentException("loop steps " + loopSteps + " must be a multiple of the logging steps "
          + loopLoggingSteps);
    }
    if (miniLmSteps % miniLmWindow != 0) {
      throw new IllegalArgumentException("--minilm-steps " + miniLmSteps + " is not allowed; use a multiple of "
          + miniLmWindow + " (the logging window and interleaving slice of the MiniLM runs)");
    }
    sections = Set.copyOf(sections);
  }

  static HarnessOptions full() {
    return new HarnessOptions(8192, 1000, 50, 2, 5, 1_000_000, 200, 2, 5, 1000, 1, 10, 5, 3, ALL);
  }

  static HarnessOptions quick() {
    return new HarnessOptions(640, 20, 5, 1, 1, 2_000, 60, 1, 1, 100, 0, 2, 1, 1, ALL);
  }

  /**
   * {@code --quick} first, then any of {@code --only 1,2}, {@code --pairs N}, {@code --memory-steps N},
   * {@code --memory-seconds N}, {@code --startup-repeats N}, {@code --jmh-iterations N}, {@code
   * --jmh-millis N}, {@code --minilm-steps N}, {@code --minilm-rounds N}.
   *
   * @throws IllegalArgumentException naming an unknown option or a bad value
   */
  static HarnessOptions parse(String... argv) {
    List<String> args = Arrays.asList(argv);
    HarnessOptions base = args.contains("--quick") ? quick() : full();
    Set<Integer> sections = base.sections;
    int pairs = base.pairs;
    int memorySteps = base.memorySteps;
    int memorySeconds = base.memoryBudgetSeconds;
    int startupRepeats = base.startupRepeats;
    int jmhIterations = base.jmhIterations;
    int jmhMillis = base.jmhMillis;
    int miniLmSteps = base.miniLmSteps;
    int miniLmRounds = base.miniLmRounds;
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (name.equals("--quick")) {
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + name + " needs a value; " + USAGE);
      }
      String value = args.get(++i);
      switch (name) {
        case "--only" -> sections = sections(value);
        case "--pairs" -> pairs = positive(name, value);
        case "--memory-steps" -> memorySteps = positive(name, value);
        case "--memory-seconds" -> memorySeconds = positive(name, value);
        case "--startup-repeats" -> startupRepeats = positive(name, value);
        case "--jmh-iterations" -> jmhIterations = positive(name, value);
        case "--jmh-millis" -> jmhMillis = positive(name, value);
        case "--minilm-steps" -> miniLmSteps = positive(name, value);
        case "--minilm-rounds" -> miniLmRounds = positive(name, value);
        default -> throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
      }
    }
    return new HarnessOptions(base.loopExamples, base.loopSteps, base.loopLoggingSteps, base.warmupRounds, pairs,
        memorySteps, memorySeconds, startupRepeats, jmhIterations, jmhMillis, base.jmhForks, miniLmSteps,
        base.miniLmWindow, miniLmRounds, sections);
  }

  boolean runs(int section) {
    return sections.contains(section);
  }

  private static Set<Integer> sections(String value) {
    Set<Integer> out = new TreeSet<>();
    for (String part : value.split(",")) {
      int n;
      try {
        n = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (!ALL.contains(n)) {
        throw new IllegalArgumentException("--only " + value + " is not allowed; use measurement numbers from 1 to "
            + ALL.size()
            + " separated by commas, e.g. --only 1,2");
      }
      out.add(n);
    }
    return out;
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value.replace("_", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " " + value + " is not allowed; use a positive whole number");
  }

  @Override
  public String toString() {
    return "measurements " + new TreeSet<>(sections) + "; loops " + loopSteps + " steps, " + pairs + " pairs;"
        + " memory up to " + memorySteps + " steps or " + memoryBudgetSeconds + " s; start-up " + startupRepeats
        + " JVMs per cache state; JMH " + jmhIterations + "+" + jmhIterations + " iterations of " + jmhMillis + " ms, "
        + jmhForks + " fork(s); MiniLM " + miniLmWindow + "+" + miniLmSteps + " steps a run, " + miniLmRounds
        + " rounds";
  }
}
