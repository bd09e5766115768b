package org.trainer4j.core.args;

import java.util.Optional;

/**
 * This JVM's place in a data-parallel job, for schedulers that cannot say it through the environment: a Spark barrier
 * task runs in an executor JVM started before the job, so {@code RANK}, {@code WORLD_SIZE} and {@code LOCAL_RANK} are
 * not set there. HF's {@code TrainingArguments} reads its process properties from accelerate's process-wide state;
 * here {@link TrainingArguments#worldSize()}, {@link TrainingArguments#processIndex()} and {@link
 * TrainingArguments#localProcessIndex()} read the place joined here first, then those variables.
 *
 * <p>One worker per JVM: a second {@link #join} before the first membership is closed is an error.
 */
public final class DistributedProcess {
  private static Place current; // guarded by DistributedProcess.class

  private DistributedProcess() {}

  /** A worker's rank in the job, the job's size and the worker's place on its host. */
  public record Place(int rank, int worldSize, int localRank) {
    public Place {
      if (worldSize < 1 || rank < 0 || rank >= worldSize || localRank < 0 || localRank >= worldSize) {
        throw new IllegalArgumentException("a process place needs 0 <= rank, local rank < world size, got rank "
            + rank + ", world size " + worldSize + ", local rank " + localRank);
      }
    }
  }

  /** This JVM's part in a job, until closed. */
  @FunctionalInterface
  public interface Membership extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Records that this JVM is worker {@code place} of a job, until the membership is closed.
   *
   * @throws IllegalStateException when this JVM already takes part in a job
   */
  public static synchronized Membership join(Place place) {
    if (current != null) {
      throw new IllegalStateException("this JVM is already worker " + current.rank() + " of " + current.worldSize()
          + " of a data-parallel job; one worker per JVM (it cannot also be worker " + place.rank() + " of "
          + place.worldSize() + ")");
    }
    current = place;
    return () -> leave(place);
  }

  /** The place joined and not yet left, if any. */
  public static synchronized Optional<Place> current() {
    return Optional.ofNullable(current);
  }

  private static synchronized void leave(Place place) {
    if (current == place) {
      current = null;
    }
  }
}
