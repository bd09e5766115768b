package org.trainer4j.benchmarks.writer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.tensorboard.SummaryWriter;

/**
 * {@link HandOverBenchmark}'s two idle paths, alternated burst by burst in one JVM so that both meet
 * the same machine (on shared cores, separate JMH runs of a 60 ns call move by more than the difference
 * sought). Each round drains both writers, then times a burst of {@link HandOverBenchmark#BURST}
 * scalars on one and on the other, the order swapping every round; it prints percentiles of the time
 * per scalar.
 *
 * <p>{@code java -cp trainer-benchmarks/target/benchmarks.jar org.trainer4j.benchmarks.writer.HandOverPairs [rounds]}
 */
public final class HandOverPairs {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TAG = "train/loss";

  private HandOverPairs() {}

  public static void main(String[] argv) throws IOException {
    int rounds = argv.length > 0 ? Integer.parseInt(argv[0]) : 20_000;
    Path dir = Files.createTempDirectory("handover-pairs");
    SummaryWriter tensorBoard = SummaryWriter.open(dir);
    HandOverBenchmark.ScalarWriter background = new HandOverBenchmark.ScalarWriter();
    background.start();
    long[] tb = new long[rounds];
    long[] bg = new long[rounds];
    long step = 0;
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up; the second is kept
      for (int r = 0; r < rounds; r++) {
        for (int half = 0; half < 2; half++) {
          boolean tensorBoardNow = (half == 0) == (r % 2 == 0);
          tensorBoard.flush();
          background.flush(WAIT);
          long start = System.nanoTime();
          for (int i = 0; i < HandOverBenchmark.BURST; i++, step++) {
            if (tensorBoardNow) {
              tensorBoard.addScalar(TAG, 1.0 / (step + 1), step);
            } else {
              background.addScalar(TAG, 1.0 / (step + 1), step);
            }
          }
          (tensorBoardNow ? tb : bg)[r] = System.nanoTime() - start;
        }
      }
    }
    tensorBoard.close();
    background.close(WAIT);
    Checkpoints.deleteTree(dir);
    Arrays.sort(tb);
    Arrays.sort(bg);
    System.out.println("| percentile | SummaryWriter.addScalar | BackgroundWriter (same checks, offer) |");
    System.out.println("|---|---|---|");
    for (int p : new int[] {10, 25, 50, 75, 90}) {
      int at = (int) ((long) p * (rounds - 1) / 100);
      System.out.printf("| %d %% | %.1f ns | %.1f ns |%n", p, tb[at] / (double) HandOverBenchmark.BURST,
          bg[at] / (double) HandOverBenchmark.BURST);
    }
  }
}
