package org.trainer4j.benchmarks.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.trainer4j.benchmarks.callback.CallbackDispatchBenchmark;
import org.trainer4j.benchmarks.tensorboard.SummaryWriterBenchmark;
import org.trainer4j.benchmarks.trainer.TrainerLogBenchmark;

/**
 * Measurements 3, 4 and 5 through JMH's API, with the GC profiler (bytes allocated per operation), in
 * forked JVMs; JMH's own report goes to standard error.
 */
final class JmhRows {
  static final double DISPATCH_TARGET_NS = 50;
  static final double LOG_TARGET_NS = 2_000;
  static final double WRITER_TARGET_PER_S = 1_000_000;

  private JmhRows() {}

  static List<ResultRow> measure(HarnessOptions options, Consumer<String> progress) {
    ChainedOptionsBuilder jmh = new OptionsBuilder()
        .warmupIterations(options.jmhIterations())
        .warmupTime(TimeValue.milliseconds(options.jmhMillis()))
        .measurementIterations(options.jmhIterations())
        .measurementTime(TimeValue.milliseconds(options.jmhMillis()))
        .forks(options.jmhForks())
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend(JvmSettings.childOptions().toArray(String[]::new))
        .shouldFailOnError(true);
    if (options.runs(3)) {
      jmh.include(exact(CallbackDispatchBenchmark.class, "stepEnd"))
          .include(exact(CallbackDispatchBenchmark.class, "logWithItsContext"))
          .include(exact(CallbackDispatchBenchmark.class, "contextOnly"));
    }
    if (options.runs(4)) {
      jmh.include(exact(TrainerLogBenchmark.class, "log10Keys"));
    }
    if (options.runs(5)) {
      jmh.include(exact(SummaryWriterBenchmark.class, "addScalar"));
    }
    progress.accept("JMH: " + options.jmhIterations() + " warm-up and " + options.jmhIterations()
        + " measured iterations of " + options.jmhMillis() + " ms per benchmark");
    if (options.jmhForks() == 0) {
      // The smoke test's second-long run inside this JVM measures nothing, so it need not wait for
      // another JMH run to release /tmp/jmh.lock.
      System.setProperty("jmh.ignoreLock", "true");
    }
    Collection<RunResult> results;
    try {
      VerboseMode verbosity = options.jmhForks() == 0 ? VerboseMode.SILENT : VerboseMode.NORMAL;
      results = new Runner(jmh.build(), OutputFormatFactory.createFormatInstance(System.err, verbosity)).run();
    } catch (RunnerException e) {
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
    List<ResultRow> rows = new ArrayList<>();
    if (options.runs(3)) {
      rows.add(dispatchRow(find(results, "CallbackDispatchBenchmark.stepEnd", ""),
          find(results, "CallbackDispatchBenchmark.logWithItsContext", ""),
          find(results, "CallbackDispatchBenchmark.contextOnly", "")));
    }
    if (options.runs(4)) {
      rows.add(logRow(find(results, "TrainerLogBenchmark.log10Keys", "none"),
          find(results, "TrainerLogBenchmark.log10Keys", "null-stream")));
    }
    if (options.runs(5)) {
      rows.add(writerRow(find(results, "SummaryWriterBenchmark.addScalar", "")));
    }
    return rows;
  }

  private static String exact(Class<?> benchmark, String method) {
    return "^" + benchmark.getName().replace(".", "\\.") + "\\." + method + "$";
  }

  private static ResultRow dispatchRow(RunResult stepEnd, RunResult log, RunResult contextOnly) {
    int n = CallbackDispatchBenchmark.CALLBACKS;
    double perCallback = stepEnd.getPrimaryResult().getScore() / n;
    double logPerCallback = log.getPrimaryResult().getScore() / n;
    double stepEndBytes = allocated(stepEnd);
    double logBytes = allocated(log);
    double contextBytes = allocated(contextOnly);
    // Allowed: onLog's own context (the CallbackContext and the read-only view of the row), nothing more.
    boolean met = Math.max(perCallback, logPerCallback) <= DISPATCH_TARGET_NS && stepEndBytes < 1
        && logBytes <= contextBytes + 1;
    String result = String.format("%.1f ns per callback per event (onStepEnd), %.1f (onLog); %.0f B/event (onStepEnd),"
        + " %.0f B/event (onLog: its context)", perCallback, logPerCallback, stepEndBytes, logBytes);
    String detail = String.format("CallbackHandler.fire to %d no-op callbacks of distinct classes: onStepEnd %.0f ± %.0f"
            + " ns per event, onLog with a context made per event (context.withLogs(row)) %.0f ± %.0f ns; JMH -prof gc"
            + " gc.alloc.rate.norm %.2f and %.2f B/op; making the context alone allocates %.2f B",
        n, stepEnd.getPrimaryResult().getScore(), error(stepEnd), log.getPrimaryResult().getScore(), error(log),
        stepEndBytes, logBytes, contextBytes);
    return ResultRow.judged("3", "callback dispatch: one event, 10 no-op callbacks (JMH)", result,
        "≤ 50 ns per callback per event; no allocation but the event's context", met, detail);
  }

  private static ResultRow logRow(RunResult bare, RunResult withConsole) {
    double ns = bare.getPrimaryResult().getScore();
    String result = String.format("%.2f µs per row (%.0f B allocated per row)", ns / 1000, allocated(bare));
    String detail = String.format("Trainer.log of a 10-key row (adds epoch, copies into log_history, fires onLog) with"
            + " TensorBoardCallback and WandbCallback (offline) attached and the console callback removed:"
            + " %.0f ± %.0f ns, in bursts of %d rows into idle writers. With a PrinterCallback formatting each row to a"
            + " null stream instead: %.0f ± %.0f ns, %.0f B per row",
        ns, error(bare), TrainerLogBenchmark.BURST, withConsole.getPrimaryResult().getScore(), error(withConsole), allocated(withConsole));
    return ResultRow.judged("4", "Trainer.log of a 10-key row with TensorBoard + W&B attached, training thread (JMH)",
        result, "≤ 2 µs mean", ns <= LOG_TARGET_NS, detail);
  }

  private static ResultRow writerRow(RunResult addScalar) {
    double perSecond = addScalar.getPrimaryResult().getScore();
    String result = String.format("%.2f M scalar events/s", perSecond / 1e6);
    String detail = String.format("SummaryWriter.addScalar from one thread into a file, default options (queue 8192,"
        + " BLOCK), so the caller runs at the writer thread's pace: %.2f ± %.2f M events/s", perSecond / 1e6,
        error(addScalar) / 1e6);
    return ResultRow.judged("5", "TensorBoard writer throughput, one thread into a file (JMH)", result,
        "≥ 1,000,000 events/s", perSecond >= WRITER_TARGET_PER_S, detail);
  }

  private static RunResult find(Collection<RunResult> results, String benchmark, String param) {
    for (RunResult r : results) {
      BenchmarkParams params = r.getParams();
      String value = params.getParamsKeys().isEmpty() ? "" : params.getParam(params.getParamsKeys().iterator().next());
      if (params.getBenchmark().endsWith(benchmark) && value.equals(param)) {
        return r;
      }
    }
    throw new IllegalStateException("JMH returned no result for " + benchmark + " " + param);
  }

  /** Bytes allocated per operation, from the GC profiler. */
  private static double allocated(RunResult r) {
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        return e.getValue().getScore();
      }
    }
    throw new IllegalStateException("no gc.alloc.rate.norm for " + r.getParams().getBenchmark());
  }

  private static double error(RunResult r) {
    double e = r.getPrimaryResult().getScoreError();
    return Double.isNaN(e) ? 0 : e;
  }
}
