package org.trainer4j.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training as a Spark job, in Spark's barrier execution mode (as XGBoost-Spark runs):
 * one barrier stage of {@code workers} tasks, all started together or not at all; the driver runs the
 * tracker, each task joins the group with its partition as its rank and runs the training task. A task
 * that fails fails the stage, and Spark stops the others.
 *
 * <p>XGBoost's communicator is one per JVM, so each executor must run one task at a time (set {@code
 * spark.task.cpus} to {@code spark.executor.cores}); local mode, whose tasks share one JVM, runs one
 * worker only. Spark is the application's dependency ({@code provided} here).
 */
public final class SparkDataParallel {
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
      Object lines = tasks.barrier().mapPartitions(new BarrierWorker(task, workers, tracker.host(), tracker.port(),
          timeoutSeconds), false, ClassTag$.MODULE$.apply(String.class)).collect();
      List<String> out = new ArrayList<>();
      for (String line : (String[]) lines) {
        out.add(line);
      }
      return out;
    }
  }

  /** One barrier task: its place from the barrier context, then the task inside the group. */
  static final class BarrierWorker implements Function1<Iterator<Integer>, Iterator<String>>, Serializable {
    private static final long serialVersionUID = 1L;
    private final WorkerTask task;
    private final int workers;
    private final String trackerHost;
    private final int trackerPort;
    private final int timeoutSeconds;

    BarrierWorker(WorkerTask task, int workers, String trackerHost, int trackerPort, int timeoutSeconds) {
      this.task = task;
      this.workers = workers;
      this.trackerHost = trackerHost;
      this.trackerPort = trackerPort;
      this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
      BarrierTaskContext context = BarrierTaskContext.get();
      int rank = context.partitionId();
      BarrierTaskInfo[] infos = context.getTaskInfos();
      String myHost = host(infos[rank].address());
      int localRank = 0;
      int localWorld = 0;
      for (int r = 0; r < infos.length; r++) {
        if (host(infos[r].address()).equals(myHost)) {
          localRank += r < rank ? 1 : 0;
          localWorld++;
        }
      }
      WorkerEnvironment env = new WorkerEnvironment(rank, workers, localRank, localWorld, trackerHost, trackerPort,
          timeoutSeconds);
      try (Collective collective = workers > 1 ? XgboostCollective.connect(env) : Collective.single()) {
        return CollectionConverters.asScala(List.of(task.run(env, collective)).iterator());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("worker " + rank + " of " + workers + " failed: " + e.getMessage(), e);
      }
    }

    private static String host(String address) {
      int colon = address.lastIndexOf(':');
      return colon < 0 ? address : address.substring(0, colon);
    }
  }
}
