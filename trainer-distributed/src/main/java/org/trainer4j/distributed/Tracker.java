package org.trainer4j.distributed;

import java.util.Map;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost's tracker: the rendezvous the workers of one job meet at before they exchange anything
 * directly (torchrun's store). The {@code Launcher} and the Spark runner start one per job, in their
 * own process; it then waits in a native thread.
 */
public final class Tracker implements AutoCloseable {
  private final RabitTracker tracker;
  private final String host;
  private final int port;

  private Tracker(RabitTracker tracker, String host, int port) {
    this.tracker = tracker;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a tracker on a free port of {@code host} for {@code workers} workers.
   *
   * @param timeoutSeconds how long it waits for all workers to arrive
   */
  public static Tracker start(int workers, String host, int timeoutSeconds) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, not " + workers);
    }
    try {
      RabitTracker tracker = new RabitTracker(workers, host, 0, timeoutSeconds);
      tracker.start();
      Map<String, Object> args = tracker.getWorkerArgs();
      return new Tracker(tracker, String.valueOf(args.get("dmlc_tracker_uri")),
          Integer.parseInt(String.valueOf(args.get("dmlc_tracker_port"))));
    } catch (XGBoostError e) {
      throw new CollectiveException("cannot start the tracker on " + host + ": "
          + XgboostCollective.firstLines(e.getMessage()), e);
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /**
   * Waits up to {@code seconds} for the tracker to see every worker leave (after a job that ended well),
   * so that closing it does not interrupt it.
   */
  public void awaitEnd(int seconds) {
    try {
      tracker.waitFor(seconds * 1000L);
    } catch (XGBoostError e) {
      // Closing stops it either way.
    }
  }

  @Override
  public void close() {
    try {
      tracker.stop();
    } catch (XGBoostError e) {
      // The job is over either way; a tracker that cannot stop dies with this process.
    }
  }
}
