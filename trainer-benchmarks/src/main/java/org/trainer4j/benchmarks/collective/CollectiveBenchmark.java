package org.trainer4j.benchmarks.collective;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.trainer4j.benchmarks.harness.ChildJvm;
import org.trainer4j.distributed.Tracker;
import org.trainer4j.distributed.WorkerEnvironment;

/**
 * Measures the gradient-exchange candidates of docs/DISTRIBUTED.md on loopback, two workers: XGBoost4J's
 * collective (two JVMs and a tracker in this one) and Spark's barrier-mode {@code allGather} ({@code
 * local[2]}: two tasks in one JVM, the messages through Spark's RPC to the driver's barrier coordinator).
 * Prints a Markdown table: median milliseconds per exchange and the bandwidth that makes; then a second
 * one from {@link DataParallelBenchmark}: the Trainer on 1 and 2 workers.
 *
 * <p>Options: {@code --sizes 1,200000,22000000} (floats), {@code --repeats 20} (exchanges of the small
 * sizes; a fifth of that, at least 3, above a million floats), {@code --only xgboost|spark|training},
 * {@code --hidden 350,1300,4560} (MLP widths of the training run: 0.2 M, 2 M, 22 M parameters), {@code
 * --steps 13} (3 of them warm-up).
 */
public final class CollectiveBenchmark {
  private static final long CHILD_TIMEOUT_SECONDS = 900;

  private CollectiveBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> sizes = List.of("1", "200000", "22000000");
    String repeats = "20";
    String only = "";
    List<Integer> hidden = List.of(350, 1300, 4560);
    int steps = 13;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.asList(args[++i].split(","));
        case "--repeats" -> repeats = args[++i];
        case "--only" -> only = args[++i];
        case "--hidden" -> hidden = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; allowed: --sizes N,N --repeats N --only xgboost|spark|training --hidden H,H --steps N");
      }
    }
    List<Timings> results = new ArrayList<>();
    if (only.isEmpty() || only.equals("xgboost")) {
      results.addAll(xgboost(repeats, sizes));
    }
    if (only.isEmpty() || only.equals("spark")) {
      results.addAll(spark(repeats, sizes));
    }
    if (!results.isEmpty()) {
      System.out.print(table(results));
    }
    if (only.isEmpty() || only.equals("training")) {
      System.out.println();
      System.out.print(DataParallelBenchmark.table(DataParallelBenchmark.run(hidden, steps)));
    }
  }

  private static List<Timings> xgboost(String repeats, List<String> sizes) throws Exception {
    System.err.println("XGBoost4J collective: 2 worker JVMs, sizes " + sizes);
    try (Tracker tracker = Tracker.start(2, "127.0.0.1", 120)) {
      List<String> args = new ArrayList<>(List.of(repeats));
      args.addAll(sizes);
      List<Process> workers = new ArrayList<>();
      List<Timings> out = new CopyOnWriteArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        WorkerEnvironment env = new WorkerEnvironment(rank, 2, rank, 2, tracker.host(), tracker.port(), 120);
        Process p = start(XgboostWorker.class, List.of("-Xmx2g"), args, env.toVariables());
        workers.add(p);
        readers.add(read(p, out));
      }
      await(workers, readers);
      return out;
    }
  }

  private static List<Timings> spark(String repeats, List<String> sizes) throws Exception {
    System.err.println("Spark barrier allGather: local[2], sizes " + sizes);
    List<String> args = new ArrayList<>(List.of(repeats));
    args.addAll(sizes);
    List<String> jvm = new ArrayList<>(List.of("-Xmx6g"));
    jvm.addAll(SPARK_JAVA17_OPTIONS);
    Process p = start(SparkAllGatherWorker.class, jvm, args, Map.of());
    List<Timings> out = new CopyOnWriteArrayList<>();
    await(List.of(p), List.of(read(p, out)));
    return out;
  }

  /** What Spark's launcher adds on Java 17 (its JavaModuleOptions); an embedded context needs it too. */
  static final List<String> SPARK_JAVA17_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

  private static Process start(Class<?> main, List<String> jvm, List<String> args, Map<String, String> env) {
    ProcessBuilder builder = ChildJvm.javaCommand(main, jvm, args);
    builder.environment().putAll(env);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + main.getSimpleName(), e);
    }
  }

  private static Thread read(Process process, List<Timings> into) {
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(Timings.PREFIX)) {
            into.add(Timings.parse(line));
          }
        }
      } catch (IOException e) {
        // The child is gone; what it printed so far is kept.
      }
    }, "benchmark-child-output");
    reader.start();
    return reader;
  }

  private static void await(List<Process> processes, List<Thread> readers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
    try {
      for (Process p : processes) {
        long left = deadline - System.nanoTime();
        if (!p.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException("a benchmark JVM ran longer than " + CHILD_TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException("a benchmark JVM failed with exit code " + p.exitValue()
              + " (its messages are above)");
        }
      }
      for (Thread r : readers) {
        r.join(10_000);
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  static String table(List<Timings> results) {
    StringBuilder out = new StringBuilder();
    out.append("| exchange | floats | median ms | min ms | MB/s (one worker's vector / median) | repeats |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Timings t : results) {
      out.append(String.format("| %s | %,d | %.3f | %.3f | %.1f | %d |%n", t.variant(), t.floats(), t.median(),
          t.min(), t.megabytesPerSecond(), t.millis().length));
    }
    return out.toString();
  }
}
