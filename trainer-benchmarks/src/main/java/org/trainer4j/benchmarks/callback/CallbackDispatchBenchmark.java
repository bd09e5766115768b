package org.trainer4j.benchmarks.callback;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackHandler;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * One event through {@link CallbackHandler} to 10 callbacks that do nothing. Each callback is a class
 * of its own with its own empty methods, as real callbacks are, so the call site sees 10 receiver types
 * and the JIT cannot inline them away. Target: at most 50 ns per callback per event, and no allocation
 * per event beyond the event's own context (run with {@code -prof gc}: {@code gc.alloc.rate.norm}).
 *
 * <ul>
 *   <li>{@code stepEnd}: {@code onStepEnd} with the Trainer's standing context (nothing to allocate);
 *   <li>{@code stepBegin}: {@code onStepBegin}, which also resets three control flags;
 *   <li>{@code logWithItsContext}: {@code onLog} with a context made for the event, as {@code
 *       Trainer.log} makes one ({@code context.withLogs(row)}); that context is the only allocation;
 *   <li>{@code contextOnly}: making that context and nothing else, for comparing the bytes.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallbackDispatchBenchmark {
  /** Callbacks per event. */
  public static final int CALLBACKS = 10;

  private final CallbackHandler handler = new CallbackHandler();
  private final TrainingArguments args = TrainingArguments.builder().outputDir("bench-out").build();
  private final TrainerState state = new TrainerState();
  private final TrainerControl control = new TrainerControl();
  private final CallbackContext standing = CallbackContext.empty();
  private final Map<String, Object> row = new LinkedHashMap<>();

  @Setup
  public void addCallbacks() {
    TrainerCallback[] callbacks = {new NoOp0(), new NoOp1(), new NoOp2(), new NoOp3(), new NoOp4(), new NoOp5(),
        new NoOp6(), new NoOp7(), new NoOp8(), new NoOp9()};
    for (TrainerCallback c : callbacks) {
      handler.add(c);
    }
    if (handler.callbacks().size() != CALLBACKS) {
      throw new IllegalStateException("expected " + CALLBACKS + " callbacks, got " + handler.callbacks());
    }
    row.put("loss", 0.6931);
    row.put("grad_norm", 1.25);
    row.put("learning_rate", 5e-5);
    row.put("epoch", 0.5);
  }

  @Benchmark
  public void stepEnd() {
    handler.fire(Event.ON_STEP_END, args, state, control, standing);
  }

  @Benchmark
  public void stepBegin() {
    handler.fire(Event.ON_STEP_BEGIN, args, state, control, standing);
  }

  @Benchmark
  public void logWithItsContext() {
    handler.fire(Event.ON_LOG, args, state, control, standing.withLogs(row));
  }

  /** Only the context {@code logWithItsContext} makes: what the event itself allocates. */
  @Benchmark
  public CallbackContext contextOnly() {
    return standing.withLogs(row);
  }

  // Ten distinct no-op callbacks.
  static final class NoOp0 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp1 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp2 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp3 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp4 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp5 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp6 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp7 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp8 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  static final class NoOp9 extends NoOp {
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {}
  }

  /** The empty methods above are what the benchmark calls; this only names the family. */
  abstract static class NoOp implements TrainerCallback {}
}
