package org.trainer4j.distributed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a worker stands in its job, from the environment variables {@code torchrun} sets (and the {@code
 * Launcher} and the Spark runner set the same way): {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK},
 * {@code LOCAL_WORLD_SIZE}, and the tracker's address in {@code MASTER_ADDR} and {@code MASTER_PORT}.
 * {@code TRAINER4J_DIST_TIMEOUT} bounds, in seconds, how long a worker waits for the others at start-up
 * and in each exchange (default 60).
 *
 * @param rank this worker's place in the job, from 0
 * @param worldSize workers in the job
 * @param localRank this worker's place on its host
 * @param localWorldSize workers on this host
 * @param trackerHost the host of the tracker that introduces the workers to each other
 * @param trackerPort the tracker's port
 * @param timeoutSeconds how long to wait for the others
 */
public record WorkerEnvironment(int rank, int worldSize, int localRank, int localWorldSize, String trackerHost,
    int trackerPort, int timeoutSeconds) {

  public static final String RANK = "RANK";
  public static final String WORLD_SIZE = "WORLD_SIZE";
  public static final String LOCAL_RANK = "LOCAL_RANK";
  public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";
  public static final String MASTER_ADDR = "MASTER_ADDR";
  public static final String MASTER_PORT = "MASTER_PORT";
  public static final String TIMEOUT = "TRAINER4J_DIST_TIMEOUT";
  static final int DEFAULT_TIMEOUT_SECONDS = 60;

  public WorkerEnvironment {
    if (worldSize < 1) {
      throw new IllegalArgumentException(WORLD_SIZE + " must be at least 1, not " + worldSize);
    }
    if (rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(RANK + " must be in [0, " + worldSize + "), not " + rank);
    }
    if (localWorldSize < 1 || localWorldSize > worldSize) {
      throw new IllegalArgumentException(LOCAL_WORLD_SIZE + " must be in [1, " + worldSize + "], not " + localWorldSize);
    }
    if (localRank < 0 || localRank >= localWorldSize) {
      throw new IllegalArgumentException(LOCAL_RANK + " must be in [0, " + localWorldSize + "), not " + localRank);
    }
    if (trackerPort < 0 || trackerPort > 65535) {
      throw new IllegalArgumentException(MASTER_PORT + " must be a port in [0, 65535], not " + trackerPort);
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException(TIMEOUT + " must be at least 1 (seconds), not " + timeoutSeconds);
    }
  }

  /** Whether a launcher started this process as one of several workers ({@code WORLD_SIZE} is set). */
  public static boolean isSet(Map<String, String> environment) {
    return environment.containsKey(WORLD_SIZE);
  }

  /**
   * Reads the variables. {@code LOCAL_RANK} defaults to {@code RANK} and {@code LOCAL_WORLD_SIZE} to
   * {@code WORLD_SIZE} (one host); a job of one worker needs no tracker.
   *
   * @throws IllegalArgumentException naming the variable that is missing or not a number
   */
  public static WorkerEnvironment from(Map<String, String> environment) {
    int worldSize = integer(environment, WORLD_SIZE, null);
    int rank = integer(environment, RANK, null);
    int localRank = integer(environment, LOCAL_RANK, rank);
    int localWorldSize = integer(environment, LOCAL_WORLD_SIZE, worldSize);
    int timeout = integer(environment, TIMEOUT, DEFAULT_TIMEOUT_SECONDS);
    String host = environment.getOrDefault(MASTER_ADDR, "127.0.0.1");
    int port = worldSize == 1 ? integer(environment, MASTER_PORT, 0) : integer(environment, MASTER_PORT, null);
    return new WorkerEnvironment(rank, worldSize, localRank, localWorldSize, host, port, timeout);
  }

  /** The variables for a worker process, as {@link #from} reads them. */
  public Map<String, String> toVariables() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(RANK, Integer.toString(rank));
    out.put(WORLD_SIZE, Integer.toString(worldSize));
    out.put(LOCAL_RANK, Integer.toString(localRank));
    out.put(LOCAL_WORLD_SIZE, Integer.toString(localWorldSize));
    out.put(MASTER_ADDR, trackerHost);
    out.put(MASTER_PORT, Integer.toString(trackerPort));
    out.put(TIMEOUT, Integer.toString(timeoutSeconds));
    return out;
  }

  /** HF's {@code is_world_process_zero}. */
  public boolean isWorldProcessZero() {
    return rank == 0;
  }

  /** HF's {@code is_local_process_zero}. */
  public boolean isLocalProcessZero() {
    return localRank == 0;
  }

  private static int integer(Map<String, String> environment, String name, Integer fallback) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      if (fallback == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set; a distributed worker"
            + " needs " + RANK + ", " + WORLD_SIZE + ", " + MASTER_ADDR + " and " + MASTER_PORT
            + " (the launcher sets them)");
      }
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be an integer, not '" + value + "'", e);
    }
  }
}
