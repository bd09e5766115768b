package org.trainer4j.benchmarks.tensorboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.tensorboard.SummaryWriter;

/**
 * One thread calling {@link SummaryWriter#addScalar} as fast as it can, with default options (queue
 * of 8192, BLOCK): the queue is bounded, so over a measured second the caller can only go as fast as
 * the writer thread serializes, checksums and writes. Target: at least 1,000,000 events per second.
 */
public class SummaryWriterBenchmark {
  /** A writer open for a whole iteration; steps keep increasing so no value is dropped. */
  @State(Scope.Thread)
  public static class OpenWriter {
    Path dir;
    SummaryWriter writer;
    long step;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = Files.createTempDirectory("tb-bench");
      writer = SummaryWriter.open(dir);
      step = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
      writer.close();
      if (writer.droppedEvents() != 0) {
        throw new IllegalStateException("events were dropped: " + writer.droppedEvents());
      }
      System.err.printf("%n  file: %,d bytes for %,d events%n", Files.size(writer.file()), step);
      Checkpoints.deleteTree(dir);
    }
  }

  /** Throughput of the calling thread, sustained because the queue is bounded. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 3, time = 5)
  @Measurement(iterations = 5, time = 2)
  public void addScalar(OpenWriter w) {
    long s = w.step++;
    w.writer.addScalar("train/loss", 1.0 / (s + 1), s);
  }

  /** One million scalars from open to close: the time until all of them are flushed into the file. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 5)
  public long millionScalarsOpenToClose() throws IOException {
    Path dir = Files.createTempDirectory("tb-bench");
    try {
      SummaryWriter writer = SummaryWriter.open(dir);
      for (int step = 0; step < 1_000_000; step++) {
        writer.addScalar("train/loss", 1.0 / (step + 1), step);
      }
      writer.close();
      return Files.size(writer.file());
    } finally {
      Checkpoints.deleteTree(dir);
    }
  }
}
