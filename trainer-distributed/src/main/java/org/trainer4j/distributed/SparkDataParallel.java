package org.trainer4j.distributed;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.rdd.RDD;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import org.trainer4j.core.args.DistributedProcess;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training as a Spark job, in Spark's barrier execution mode (as XGBoost-Spark runs):
 * one barrier stage of {@code workers} tasks, all started together or not at all; the driver runs the
 * tracker, each task joins the group with its partition as its rank and runs the training task. A task
 * that fails fails the stage, and Spark stops the others.
 *
 * <p>XGBoost's communicator is one per JVM, so each executor must run one task at a time (set {@code
 * spark.task.cpus} to {@code spark.executor.cores}); tasks that Spark put in one executor all the same
 * fail at once, naming it. Local mode, whose tasks share one JVM, runs one worker only; {@code
 * local-cluster[N,1,M]} runs N executor JVMs on one machine. Spark is the application's dependency
 * ({@code provided} here).
 */
public final class SparkDataParallel {
  /** How long a failed job waits for Spark's listener bus to report which task failed. */
  private static final long LISTENER_WAIT_SECONDS = 5;

  private SparkDataParallel() {}

  /** What each worker runs; returns a line for the driver (e.g. the final loss). */
  @FunctionalInterface
  public interface WorkerTask extends Serializable {
    String run(WorkerEnvironment environment, Collective collective) throws Exception;
  }

  /**
   * Runs {@code task} on {@code workers} barrier tasks and returns their lines in rank order.
   *
   * @param timeoutSeconds how long a worker waits for the others, at start-up and in each exchange
   * @throws IllegalArgumentException for more than one worker in local mode
   */
  public static List<String> run(SparkContext spark, int workers, int timeoutSeconds, WorkerTask task) {
    return run(spark, workers, timeoutSeconds, null, task);
  }

  /**
   * As {@link #run(SparkContext, int, int, WorkerTask)}; when the job fails, the exception names the worker that
   * failed (its rank, executor and host, and Spark's reason) and the last checkpoint in {@code outputDir} (the
   * workers' {@code output_dir}, as the driver sees it; {@code null} when it cannot).
   *
   * @throws IllegalStateException when a worker fails; Spark has then stopped the others
   */
  public static List<String> run(SparkContext spark, int workers, int timeoutSeconds, Path outputDir,
      WorkerTask task) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, not " + workers);
    }
    if (spark.isLocal() && workers > 1) {
      throw new IllegalArgumentException("workers=" + workers + " is not allowed in Spark local mode (master "
          + spark.master() + "): its tasks share one JVM, and XGBoost's communicator is one per JVM; use 1"
          + " worker locally, or a cluster with one task per executor (spark.task.cpus = spark.executor.cores)");
    }
    String host = spark.getConf().get("spark.driver.host", "127.0.0.1");
    try (Tracker tracker = Tracker.start(workers, host, timeoutSeconds)) {
      List<Integer> ranks = new ArrayList<>();
      for (int r = 0; r < workers; r++) {
        ranks.add(r);
      }
      RDD<Integer> tasks = spark.parallelize(CollectionConverters.asScala(ranks).toSeq(), workers,
          ClassTag$.MODULE$.apply(Integer.class));
      TaskFailures failures = new TaskFailures();
      spark.addSparkListener(failures);
      Object lines;
      try {
        lines = tasks.barrier().mapPartitions(new BarrierWorker(task, tracker.host(), tracker.port(),
            timeoutSeconds), false, ClassTag$.MODULE$.apply(String.class)).collect();
      } catch (Exception e) { // Scala declares no exceptions: a failed job's SparkException arrives unchecked
        if (e instanceof SparkException) {
          throw failed(e, failures, workers, Optional.ofNullable(outputDir));
        }
        throw e;
      } finally {
        spark.removeSparkListener(failures);
      }
      List<String> out = new ArrayList<>();
      for (String line : (String[]) lines) {
        out.add(line);
      }
      return out;
    }
  }

  private static IllegalStateException failed(Exception e, TaskFailures failures, int workers,
      Optional<Path> outputDir) {
    String who;
    try {
      who = failures.first(LISTENER_WAIT_SECONDS).map(f -> "worker " + f.rank() + " of " + workers + " (executor "
          + f.executor() + " on " + f.host() + ") failed: " + firstLine(f.reason())).orElse("a worker failed");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      who = "a worker failed";
    }
    return new IllegalStateException("distributed job failed: " + who + "; Spark stopped the other workers; "
        + ResumeAdvice.of(outputDir), e);
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  /**
   * The place of the barrier task of partition {@code rank} among the stage's tasks, from the addresses
   * ({@code host:port}, in partition order) of the executors they run in: its rank is its partition, its
   * local rank and count are among the tasks on its host.
   *
   * @throws IllegalArgumentException when another task runs in the same executor: XGBoost's communicator is
   *     one per JVM, so the two would wait for each other until the timeout and fail as unreachable
   */
  static WorkerEnvironment place(List<String> executors, int rank, String trackerHost, int trackerPort,
      int timeoutSeconds) {
    String mine = executors.get(rank);
    String myHost = host(mine);
    int localRank = 0;
    int localWorld = 0;
    for (int r = 0; r < executors.size(); r++) {
      if (r != rank && executors.get(r).equals(mine)) {
        throw new IllegalArgumentException("tasks " + Math.min(r, rank) + " and " + Math.max(r, rank) + " of the "
            + "barrier stage run in the same executor (" + mine + "), but XGBoost's communicator is one per JVM:"
            + " each executor must have one task slot; set spark.task.cpus equal to spark.executor.cores");
      }
      if (host(executors.get(r)).equals(myHost)) {
        localRank += r < rank ? 1 : 0;
        localWorld++;
      }
    }
    return new WorkerEnvironment(rank, executors.size(), localRank, localWorld, trackerHost, trackerPort,
        timeoutSeconds);
  }

  private static String host(String address) {
    int colon = address.lastIndexOf(':');
    return colon < 0 ? address : address.substring(0, colon);
  }

  /** One barrier task: its place from the barrier context, then the task inside the group. */
  static final class BarrierWorker implements Function1<Iterator<Integer>, Iterator<String>>, Serializable {
    private static final long serialVersionUID = 1L;
    private final WorkerTask task;
    private final String trackerHost;
    private final int trackerPort;
    private final int timeoutSeconds;

    BarrierWorker(WorkerTask task, String trackerHost, int trackerPort, int timeoutSeconds) {
      this.task = task;
      this.trackerHost = trackerHost;
      this.trackerPort = trackerPort;
      this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
      BarrierTaskContext context = BarrierTaskContext.get();
      List<String> executors = Arrays.stream(context.getTaskInfos()).map(BarrierTaskInfo::address).toList();
      WorkerEnvironment env = place(executors, context.partitionId(), trackerHost, trackerPort, timeoutSeconds);
      // No RANK/WORLD_SIZE in an executor's environment: TrainingArguments reads the place from here.
      try (DistributedProcess.Membership joined = DistributedProcess.join(
              new DistributedProcess.Place(env.rank(), env.worldSize(), env.localRank()));
          Collective collective = env.worldSize() > 1 ? XgboostCollective.connect(env) : Collective.single()) {
        return CollectionConverters.asScala(List.of(task.run(env, collective)).iterator());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("worker " + env.rank() + " of " + env.worldSize() + " failed: "
            + e.getMessage(), e);
      }
    }
  }
}
