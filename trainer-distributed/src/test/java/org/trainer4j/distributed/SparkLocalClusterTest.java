package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.trainer4j.distributed.TrainingResults.assertSameHistory;
import static org.trainer4j.distributed.TrainingResults.assertSameWeights;
import static org.trainer4j.distributed.TrainingResults.eventFiles;
import static org.trainer4j.distributed.TrainingResults.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark job whose two barrier tasks run in two executor JVMs, as on a cluster: Spark's {@code
 * local-cluster[2,1,1024]} master starts a real standalone master and two workers inside the driver,
 * and each worker launches its executor as a separate JVM on loopback. The job must train like one worker
 * with the global batch (HF's DDP promise), with process zero alone writing files.
 *
 * <p>A standalone worker starts its executor as a Spark installation does, {@code java -cp
 * <spark.executor.extraClassPath>:$SPARK_HOME/jars/* ...}, so the test builds such an installation in a
 * temp folder: {@code jars/} links to the jars of this test's class path (Spark's own among them), and the
 * class folders go to {@code spark.executor.extraClassPath}. The driver is its own JVM with the
 * environment {@code bin/spark-submit} gives one ({@code SPARK_HOME}, {@code SPARK_SCALA_VERSION}).
 */
class SparkLocalClusterTest {
  /** A guard against a hung job only; the job takes well under a minute. */
  private static final long DRIVER_TIMEOUT_SECONDS = 300;
  /** Short-lived JVMs on few cores start faster with the quick compiler only and one GC thread. */
  private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  /** PyTorch from DJL's cache, one thread each (two executors share two cores), quiet DJL logs. */
  private static final List<String> EXECUTOR_OPTIONS = Stream.concat(Stream.of("-Dai.djl.offline=true",
      "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), QUICK_START.stream()).toList();
  private static final Pattern LINE =
      Pattern.compile("rank (\\d) of 2, local (\\d) of (\\d), executor (\\S+), pid (\\d+)");

  @TempDir
  Path dir;

  @Test
  void twoExecutorJvmsOfBatch32TrainLikeOneWorkerOfBatch64() throws Exception {
    Path one = singleWorkerRun();

    Path two = Files.createDirectories(dir.resolve("two"));
    Path sparkHome = dir.resolve("spark-home");
    List<String> lines;
    try {
      Driver driver = submit(sparkHome, two, 2, 32);
      assertEquals(0, driver.exitCode(), driver.logs());
      lines = driver.lines();
    } finally {
      uninstallSpark(sparkHome);
    }

    // Two tasks, in rank order, each in its own executor JVM (neither the driver's nor the other's).
    assertEquals(3, lines.size(), String.join("\n", lines));
    Matcher zero = matching(lines.get(0));
    Matcher first = matching(lines.get(1));
    assertEquals("0", zero.group(1));
    assertEquals("1", first.group(1));
    assertNotEquals(zero.group(4), first.group(4), "executor ids");
    assertNotEquals(zero.group(5), first.group(5), "executor pids");
    String driverPid = lines.get(2).substring("driver pid ".length());
    assertTrue(Stream.of(zero.group(5), first.group(5)).noneMatch(driverPid::equals), String.join("\n", lines));
    // One host: local ranks 0 and 1 of 2, from the barrier context's task addresses.
    assertEquals(List.of("0", "2"), List.of(zero.group(2), zero.group(3)));
    assertEquals(List.of("1", "2"), List.of(first.group(2), first.group(3)));

    JsonNode single = result(one, 0);
    JsonNode rank0 = result(two, 0);
    JsonNode rank1 = result(two, 1);
    assertSameHistory(single.get("log_history"), rank0.get("log_history"));
    assertSameWeights(single.get("weights"), rank0.get("weights"));
    assertSameWeights(rank0.get("weights"), rank1.get("weights"));
    assertTrue(rank0.get("is_world_process_zero").asBoolean());
    assertFalse(rank1.get("is_world_process_zero").asBoolean());
    assertFalse(rank1.get("is_local_process_zero").asBoolean());
    // No RANK/WORLD_SIZE in an executor: the arguments read the barrier task's place (world, process, local).
    assertEquals("[2,0,0]", rank0.get("args_process").toString());
    assertEquals("[2,1,1]", rank1.get("args_process").toString());
    // Process zero alone reported and saved: one TensorBoard event file, the single run's checkpoints.
    assertFalse(rank1.get("reports_to_tensorboard").asBoolean());
    assertEquals(1, eventFiles(two), "event files of the two executors");
    assertTrue(Files.isDirectory(two.resolve("checkpoint-3")) && Files.isDirectory(two.resolve("checkpoint-6")));
  }

  /**
   * Worker 1's executor JVM killed (SIGKILL) as step 5 begins: the job fails, naming the worker and the last
   * checkpoint (step 3), well within the driver's time limit; a rerun from that checkpoint ends with the weights
   * of an uninterrupted single-worker run.
   */
  @Test
  void aKilledExecutorFailsTheJobNamingTheWorkerAndTheCheckpointAndARerunResumesExactly() throws Exception {
    Path one = singleWorkerRun();

    Path two = Files.createDirectories(dir.resolve("two"));
    Path sparkHome = dir.resolve("spark-home");
    try {
      Driver killed = submit(sparkHome, two, 2, 32, "none", "kill-at=5");
      assertNotEquals(0, killed.exitCode(), killed.logs());
      Path checkpoint = two.resolve("checkpoint-3");
      String message = killed.errors().lines().filter(l -> l.contains("distributed job failed")).findFirst()
          .orElseThrow(() -> new AssertionError("no failure message\n" + killed.logs()));
      assertTrue(message.contains("distributed job failed: worker 1 of 2 (executor "), message);
      assertTrue(message.contains("the last checkpoint is " + checkpoint + "; run again with"
          + " --resume_from_checkpoint " + checkpoint), message);

      Driver resumed = submit(sparkHome, two, 2, 32, checkpoint.toString());
      assertEquals(0, resumed.exitCode(), resumed.logs());
    } finally {
      uninstallSpark(sparkHome);
    }
    assertSameWeights(result(one, 0).get("weights"), result(two, 0).get("weights"));
    assertSameWeights(result(one, 0).get("weights"), result(two, 1).get("weights"));
  }

  /** The reference: the same training in this JVM, one worker of batch 64; returns its output folder. */
  private Path singleWorkerRun() throws IOException {
    Path one = Files.createDirectories(dir.resolve("one"));
    WorkerEnvironment alone =
        WorkerEnvironment.from(Map.of(WorkerEnvironment.RANK, "0", WorkerEnvironment.WORLD_SIZE, "1"));
    TrainWorker.writeResult(one, 0, TrainWorker.train(one, 64, 1, "none", -1, alone, Collective.single()));
    return one;
  }

  /** How a driver JVM ended: its exit code, the workers' lines and its process id line, its error output. */
  private record Driver(int exitCode, List<String> lines, String errors, String logs) {}

  private static Matcher matching(String line) {
    Matcher m = LINE.matcher(line);
    assertTrue(m.matches(), line);
    return m;
  }

  /**
   * Runs {@link SparkTrainJob} in a driver JVM on a local cluster of {@code workers} executors of one
   * task slot each, with the job's optional arguments (resume, kill-at); fails the test if it hangs.
   */
  private static Driver submit(Path sparkHome, Path output, int workers, int batch, String... jobOptions)
      throws IOException, InterruptedException {
    String classFolders = installSpark(sparkHome);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(QUICK_START);
    command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray())); // as spark-submit adds
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "-Dspark.master=local-cluster[" + workers + ",1,1024]",
        // One task slot per executor: XGBoost's communicator is one per JVM.
        "-Dspark.executor.cores=1", "-Dspark.task.cpus=1", "-Dspark.executor.memory=512m",
        // Start the job once every executor is up, not when the first one is.
        "-Dspark.cores.max=" + workers, "-Dspark.scheduler.minRegisteredResourcesRatio=1.0",
        "-Dspark.ui.enabled=false",
        "-Dspark.executor.extraClassPath=" + classFolders,
        "-Dspark.executor.extraJavaOptions=" + String.join(" ", EXECUTOR_OPTIONS),
        SparkTrainJob.class.getName(), output.toString(), Integer.toString(workers), Integer.toString(batch)));
    command.addAll(List.of(jobOptions));
    Path stdout = sparkHome.resolve("driver.out");
    Path stderr = sparkHome.resolve("driver.err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13"); // what Spark's bin/load-spark-env.sh exports
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process driver = builder.start();
    if (!driver.waitFor(DRIVER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly().waitFor();
      fail("the Spark job did not end within " + DRIVER_TIMEOUT_SECONDS + " s\n" + logs(sparkHome, stderr));
    }
    List<String> lines = Files.readAllLines(stdout).stream()
        .filter(l -> l.startsWith("rank ") || l.startsWith("driver pid ")).toList();
    return new Driver(driver.exitValue(), lines, Files.readString(stderr), logs(sparkHome, stderr));
  }

  /**
   * A Spark installation for the executors: {@code jars/} with links to the class path's jars; returns
   * its class folders (this module's classes and test classes), for {@code spark.executor.extraClassPath}.
   */
  private static String installSpark(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    List<String> folders = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(path)) {
        folders.add(path.toString());
      } else if (path.getFileName().toString().endsWith(".jar") && !Files.exists(jars.resolve(path.getFileName()))) {
        Files.createSymbolicLink(jars.resolve(path.getFileName()), path);
      }
    }
    return String.join(File.pathSeparator, folders);
  }

  /** Removes the links to the jars, which are not the test's to delete. */
  private static void uninstallSpark(Path home) throws IOException {
    try (Stream<Path> links = Files.list(home.resolve("jars"))) {
      for (Path link : links.toList()) {
        Files.delete(link);
      }
    }
  }

  /** The driver's error output and each executor's, for a failure message. */
  private static String logs(Path sparkHome, Path driverErr) throws IOException {
    StringBuilder out = new StringBuilder("driver:\n").append(tail(driverErr));
    Path work = sparkHome.resolve("work");
    if (Files.isDirectory(work)) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
          out.append("\nexecutor ").append(work.relativize(p.getParent())).append(":\n").append(tail(p));
        }
      }
    }
    return out.toString();
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.subList(Math.max(0, lines.size() - 60), lines.size()).stream().collect(Collectors.joining("\n"));
  }
}
