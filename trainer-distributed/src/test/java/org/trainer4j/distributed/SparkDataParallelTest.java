package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark job in local mode running the Trainer as one barrier task: the scheduling path of a cluster
 * job (barrier stage, the task's place from its barrier context, process zero's files). Local mode
 * runs one worker: its tasks share a JVM, and XGBoost's communicator is one per JVM.
 */
class SparkDataParallelTest {
  private static SparkContext spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = new SparkContext(new SparkConf().setMaster("local[1]").setAppName("trainer4j-test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    spark.setLogLevel("WARN");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void aBarrierTaskTrainsAsProcessZero() {
    String output = dir.toString();
    List<String> lines = SparkDataParallel.run(spark, 1, 30, (env, collective) -> {
      Map<String, Object> result = TrainWorker.train(Path.of(output), 64, 1, "none", -1, env, collective);
      List<?> history = (List<?>) result.get("log_history");
      return "rank " + env.rank() + " of " + env.worldSize() + ", local " + env.localRank() + ", zero "
          + result.get("is_world_process_zero") + ", rows " + history.size();
    });
    // 6 loss rows, 2 evaluations, the summary.
    assertEquals(List.of("rank 0 of 1, local 0, zero true, rows 9"), lines);
    assertTrue(Files.isDirectory(dir.resolve("checkpoint-6")));
  }

  @Test
  void aFailedWorkerFailsTheJobNamingItAndTheLastCheckpoint() {
    String output = dir.toString();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SparkDataParallel.run(spark, 1, 30, dir, (env, collective) -> {
          TrainWorker.train(Path.of(output), 64, 1, "none", -1, env, collective);
          throw new IllegalStateException("out of disk after training");
        }));
    assertTrue(e.getMessage().startsWith("distributed job failed: worker 0 of 1 (executor driver on "),
        e.getMessage());
    assertTrue(e.getMessage().contains("java.lang.IllegalStateException: out of disk after training"), e.getMessage());
    assertTrue(e.getMessage().endsWith("Spark stopped the other workers; the last checkpoint is "
        + dir.resolve("checkpoint-6") + "; run again with --resume_from_checkpoint " + dir.resolve("checkpoint-6")
        + " (or true) to continue from it"), e.getMessage());
  }

  @Test
  void aTaskTakesItsLocalRankAmongTheTasksOnItsHost() {
    List<String> executors = List.of("10.0.0.1:4001", "10.0.0.2:4001", "10.0.0.1:4002");
    WorkerEnvironment third = SparkDataParallel.place(executors, 2, "10.0.0.9", 9091, 30);
    assertEquals(new WorkerEnvironment(2, 3, 1, 2, "10.0.0.9", 9091, 30), third);
    assertEquals(new WorkerEnvironment(1, 3, 0, 1, "10.0.0.9", 9091, 30),
        SparkDataParallel.place(executors, 1, "10.0.0.9", 9091, 30));
  }

  @Test
  void tasksSharingAnExecutorFailAtOnceNamingItAndTheSettings() {
    // Without the check, the two would block each other in XGBoost's one-per-JVM communicator until the
    // timeout, then fail as "cannot reach the other workers".
    List<String> executors = List.of("10.0.0.1:4001", "10.0.0.2:4001", "10.0.0.1:4001");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkDataParallel.place(executors, 2, "10.0.0.9", 9091, 30));
    assertEquals("tasks 0 and 2 of the barrier stage run in the same executor (10.0.0.1:4001), but XGBoost's"
        + " communicator is one per JVM: each executor must have one task slot; set spark.task.cpus equal to"
        + " spark.executor.cores", e.getMessage());
  }

  @Test
  void moreThanOneWorkerInLocalModeIsRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkDataParallel.run(spark, 2, 30, (env, collective) -> "never"));
    assertTrue(e.getMessage().startsWith("workers=2 is not allowed in Spark local mode (master local[1])"),
        e.getMessage());
  }
}
