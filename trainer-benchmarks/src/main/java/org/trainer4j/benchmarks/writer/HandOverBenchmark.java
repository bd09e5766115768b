package org.trainer4j.benchmarks.writer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.writer.BackgroundWriter;
import org.trainer4j.core.writer.FullQueuePolicy;
import org.trainer4j.core.writer.WriterConfig;
import org.trainer4j.tensorboard.SummaryWriter;

/**
 * What handing one item to a writer thread costs the producing thread: TensorBoard's hand-written
 * {@link SummaryWriter#addScalar} against the same call built on core's {@link BackgroundWriter} (the
 * same argument checks, the same wall-clock read, one record, {@code offer}), and a bare {@link
 * ArrayBlockingQueue#offer} as the floor, and the same queue with a consumer waiting in {@code take()}
 * (the CSV plugin's hand-written thread before it moved onto the base class).
 *
 * <p>The {@code idle...} benchmarks hand over bursts of {@link #BURST} items to an idle writer, which
 * empties its queue between invocations (untimed): what the training thread pays per logged value,
 * since rows come one step apart. {@code saturated...} offers without pause into a queue of 8192 with
 * {@code BLOCK}, so the producer runs into the consumer: the hand-over's ceiling (the TensorBoard row of
 * that kind is measurement 5, bounded by encoding).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandOverBenchmark {
  public static final int BURST = 100;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TAG = "train/loss";

  /** A scalar writer on the shared base, as TensorBoard's would be once ported. */
  static final class ScalarWriter extends BackgroundWriter<ScalarWriter.Scalar> {
    record Scalar(String tag, float value, long step, double wallTime) {}

    private double sum;

    ScalarWriter() {
      super(WriterConfig.builder("bench", FullQueuePolicy.BLOCK).capacity(8192).closeAtShutdown(false).build());
    }

    /** The checks and the record of {@code SummaryWriter.addScalar}, then the hand-over. */
    void addScalar(String tag, double value, long step) {
      double wallTime = System.currentTimeMillis() / 1000.0;
      if (tag == null || tag.isEmpty()) {
        throw new IllegalArgumentException("tag must be a non-empty string");
      }
      if (step < 0) {
        throw new IllegalArgumentException("step must be >= 0, got " + step);
      }
      if (!(wallTime >= 0) || Double.isInfinite(wallTime)) {
        throw new IllegalArgumentException("bad wall time " + wallTime);
      }
      offer(new Scalar(tag, (float) value, step, wallTime));
    }

    @Override
    protected void handle(List<Scalar> batch) {
      for (Scalar s : batch) {
        sum += s.value();
      }
    }
  }

  /** TensorBoard's writer into a temporary folder, drained before each burst. */
  @State(Scope.Thread)
  public static class TensorBoard {
    Path dir;
    SummaryWriter writer;
    long step;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("handover-bench");
      writer = SummaryWriter.open(dir);
    }

    @Setup(Level.Invocation)
    public void idle() {
      writer.flush();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      writer.close();
      Checkpoints.deleteTree(dir);
    }
  }

  /** The same on core's BackgroundWriter, open for the whole trial. */
  @State(Scope.Thread)
  public static class Background {
    ScalarWriter writer;
    long step;

    @Setup(Level.Trial)
    public void open() {
      writer = new ScalarWriter();
      writer.start();
    }

    @TearDown(Level.Trial)
    public void close() {
      writer.close(WAIT);
      if (writer.dropped() + writer.discarded() != 0) {
        throw new IllegalStateException("items were lost");
      }
    }
  }

  /** As {@link Background}, drained before each burst. */
  @State(Scope.Thread)
  public static class IdleBackground extends Background {
    @Setup(Level.Invocation)
    public void idle() {
      if (!writer.flush(WAIT)) {
        throw new IllegalStateException("the writer did not drain");
      }
    }
  }

  /** A bare queue, emptied before each burst. */
  @State(Scope.Thread)
  public static class BareQueue {
    final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(8192);
    final Object item = new Object();

    @Setup(Level.Invocation)
    public void idle() {
      queue.clear();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void idleTensorBoard(TensorBoard tb) {
    for (int i = 0; i < BURST; i++) {
      long s = tb.step++;
      tb.writer.addScalar(TAG, 1.0 / (s + 1), s);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void idleBackgroundWriter(IdleBackground bg) {
    for (int i = 0; i < BURST; i++) {
      long s = bg.step++;
      bg.writer.addScalar(TAG, 1.0 / (s + 1), s);
    }
  }

  /**
   * A bare queue whose consumer waits in {@code take()}, as the CSV plugin's hand-written thread did:
   * each offer signals the waiting consumer, so the producer pays a wake-up.
   */
  @State(Scope.Thread)
  public static class TakingConsumer {
    final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(8192);
    final Object item = new Object();
    Thread consumer;

    @Setup(Level.Trial)
    public void start() {
      consumer = new Thread(() -> {
        try {
          while (true) {
            queue.take();
          }
        } catch (InterruptedException e) {
          // the trial is over
        }
      }, "take-consumer");
      consumer.setDaemon(true);
      consumer.start();
    }

    @Setup(Level.Invocation)
    public void idle() {
      while (!queue.isEmpty()) {
        Thread.onSpinWait();
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      consumer.interrupt();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void idleQueueConsumerInTake(TakingConsumer q) {
    for (int i = 0; i < BURST; i++) {
      q.queue.offer(q.item);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public void idleBareQueue(BareQueue q) {
    for (int i = 0; i < BURST; i++) {
      q.queue.offer(q.item);
    }
  }

  @Benchmark
  public void saturatedBackgroundWriter(Background w) {
    long s = w.step++;
    w.writer.addScalar(TAG, 1.0 / (s + 1), s);
  }
}
