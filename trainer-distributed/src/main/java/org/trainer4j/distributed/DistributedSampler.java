package org.trainer4j.distributed;

import org.trainer4j.core.data.Sampler;

/**
 * PyTorch's {@code DistributedSampler}: every worker asks the same seeded sampler for the epoch's order
 * (so all see one permutation), which is made a multiple of the worker count, then worker {@code r} of
 * {@code w} takes the positions {@code r, r + w, r + 2w, ...}. Without {@code drop_last} the order is
 * padded by repeating it from its start (more than once when it is shorter than the padding); with it,
 * the tail is cut to the largest multiple of {@code w}. Every worker thus gets {@link #numSamples}
 * indices, and an example may appear twice in an epoch (padding) or not at all (drop_last), as in
 * PyTorch.
 *
 * <p>Not a {@link Sampler} of core: a shard holds some indices, possibly repeated, where core's
 * samplers give each index once.
 */
public final class DistributedSampler {
  private final Sampler base;
  private final int numReplicas;
  private final int rank;
  private final boolean dropLast;

  /**
   * @param base the order every worker shares ({@code Sampler.random(seed)} shuffles by seed and epoch)
   * @param numReplicas workers ({@code num_replicas})
   * @param rank this worker
   * @param dropLast cut the tail instead of padding ({@code drop_last})
   */
  public DistributedSampler(Sampler base, int numReplicas, int rank, boolean dropLast) {
    if (base == null) {
      throw new IllegalArgumentException("base sampler must not be null; use Sampler.sequential() for the dataset's order");
    }
    checkReplicas(numReplicas, rank);
    this.base = base;
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.dropLast = dropLast;
  }

  /** This worker's indices of epoch {@code epoch}. */
  public int[] indices(int epoch, int datasetSize) {
    return shard(base.order(epoch, datasetSize), numReplicas, rank, dropLast);
  }

  /**
   * Indices per worker and epoch: {@code ceil(n / w)}, or with {@code drop_last} and {@code n} not a
   * multiple of {@code w}, {@code ceil((n - w) / w)}.
   */
  public static int numSamples(int datasetSize, int numReplicas, boolean dropLast) {
    if (dropLast && datasetSize % numReplicas != 0) {
      return Math.max(0, ceilDiv(datasetSize - numReplicas, numReplicas));
    }
    return ceilDiv(datasetSize, numReplicas);
  }

  /** Worker {@code rank}'s share of {@code order} under the rule above. */
  public static int[] shard(int[] order, int numReplicas, int rank, boolean dropLast) {
    checkReplicas(numReplicas, rank);
    int samples = numSamples(order.length, numReplicas, dropLast);
    int total = samples * numReplicas;
    if (total > 0 && order.length == 0) {
      throw new IllegalArgumentException("cannot pad an empty order to " + total + " indices");
    }
    int[] out = new int[samples];
    for (int i = 0; i < samples; i++) {
      int position = rank + i * numReplicas; // below total; past the end it wraps: padding from the start
      out[i] = order[position % order.length];
    }
    return out;
  }

  @Override
  public String toString() {
    return "DistributedSampler[rank " + rank + " of " + numReplicas + (dropLast ? ", drop_last" : "") + "]";
  }

  private static void checkReplicas(int numReplicas, int rank) {
    if (numReplicas < 1) {
      throw new IllegalArgumentException("num_replicas must be at least 1, not " + numReplicas);
    }
    if (rank < 0 || rank >= numReplicas) {
      throw new IllegalArgumentException("rank must be in [0, " + numReplicas + "), not " + rank);
    }
  }

  private static int ceilDiv(int a, int b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
