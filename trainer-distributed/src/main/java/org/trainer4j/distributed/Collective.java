package org.trainer4j.distributed;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The exchanges data-parallel training needs between its workers, each a blocking collective call that
 * every worker makes in the same order. Implementations: {@link XgboostCollective} (XGBoost4J's ring
 * all-reduce, between processes and hosts) and {@link #single()} (one worker, nothing to exchange).
 *
 * <p>A failed exchange (a worker died, a peer timed out) throws {@link CollectiveException}; it never
 * returns this worker's own values as if they were the result.
 */
public interface Collective extends AutoCloseable {

  /** This worker's place, from 0 ({@code RANK}, HF's {@code process_index}). */
  int rank();

  /** Workers in the job ({@code WORLD_SIZE}). */
  int worldSize();

  /**
   * Replaces the float32 values of this buffer, from index 0 to its limit, by their sums over all workers.
   *
   * @param values a direct buffer in native byte order, the same length on every worker
   */
  void allReduceSum(ByteBuffer values);

  /**
   * Replaces the float32 values of this buffer by their mean over all workers: the gradients of every
   * parameter in one call.
   *
   * @param values a direct buffer in native byte order, the same length on every worker
   */
  default void allReduceMean(ByteBuffer values) {
    allReduceSum(values);
    if (worldSize() > 1) {
      float scale = 1f / worldSize();
      FloatBuffer floats = values.asFloatBuffer();
      for (int i = 0, n = values.limit() / Float.BYTES; i < n; i++) {
        floats.put(i, floats.get(i) * scale);
      }
    }
  }

  /** The element-wise sums over all workers (losses, example counts, squared norms). */
  double[] allReduceSum(double... values);

  /** The element-wise maxima over all workers (stop flags: any worker's 1 wins). */
  double[] allReduceMax(double... values);

  /** The value of worker {@code root}, on every worker (e.g. the checkpoint folder process zero chose). */
  String broadcast(String value, int root);

  /** Returns once every worker has called it. */
  default void barrier() {
    allReduceSum(1);
  }

  /** Leaves the group; the next call fails. */
  @Override
  void close();

  /** The collective of a job of one worker: every reduction returns its input. */
  static Collective single() {
    return new SingleWorker();
  }

  /** One worker: the mean, sum and maximum over one worker are its own values. */
  final class SingleWorker implements Collective {
    private SingleWorker() {}

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int worldSize() {
      return 1;
    }

    @Override
    public void allReduceSum(ByteBuffer values) {
      // The sum over one worker is its own values.
    }

    @Override
    public double[] allReduceSum(double... values) {
      return values.clone();
    }

    @Override
    public double[] allReduceMax(double... values) {
      return values.clone();
    }

    @Override
    public String broadcast(String value, int root) {
      if (root != 0) {
        throw new IllegalArgumentException("root must be 0 in a job of one worker, not " + root);
      }
      return value;
    }

    @Override
    public void close() {}
  }
}
