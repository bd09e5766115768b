package org.trainer4j.distributed;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;

/**
 * A Spark application's driver, what a user submits: {@link TrainWorker}'s training as a
 * {@link SparkDataParallel} job. Spark's settings (master, executors) come as {@code spark.*} system
 * properties, the way {@code spark-submit --conf} hands them to a driver. Each worker writes its
 * {@code result-rank<r>.json} to the output folder; the driver prints the workers' lines, one per rank,
 * then its own process id.
 *
 * <p>Arguments: the output folder, the workers, the per-device batch size, and optionally the checkpoint to resume
 * from ({@code none} by default) and {@code kill-at=<step>} (worker 1 kills its executor JVM at that step).
 */
public final class SparkTrainJob {
  private SparkTrainJob() {}

  public static void main(String[] argv) {
    String output = argv[0];
    int workers = Integer.parseInt(argv[1]);
    int batch = Integer.parseInt(argv[2]);
    String resume = argv.length > 3 ? argv[3] : "none";
    int killAt = argv.length > 4 ? Integer.parseInt(argv[4].substring("kill-at=".length())) : -1;
    SparkContext spark = new SparkContext(new SparkConf().setAppName("trainer4j-spark-train-job"));
    try {
      List<String> lines = SparkDataParallel.run(spark, workers, 60, Path.of(output), (env, collective) -> {
        TrainWorker.writeResult(Path.of(output), env.rank(),
            TrainWorker.train(Path.of(output), batch, 1, resume, killAt, env, collective));
        return "rank " + env.rank() + " of " + env.worldSize() + ", local " + env.localRank() + " of "
            + env.localWorldSize() + ", executor " + SparkEnv.get().executorId() + ", pid "
            + ProcessHandle.current().pid();
      });
      lines.forEach(System.out::println);
      System.out.println("driver pid " + ProcessHandle.current().pid());
    } finally {
      spark.stop();
    }
  }
}
