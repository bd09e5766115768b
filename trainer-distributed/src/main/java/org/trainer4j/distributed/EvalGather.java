package org.trainer4j.distributed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.trainer4j.core.engine.BatchOutput;
import org.trainer4j.core.metrics.HostArray;

/**
 * Puts an evaluation batch back together from the workers' shares (worker {@code r} of {@code w} holds
 * the rows {@code r, r + w, ...}), so that every worker returns the whole batch in its order. Three
 * exchanges: the outputs' shapes (a maximum, checked against the minimum: every worker's rows must
 * have one shape), the rows (a float sum in which each worker fills its own rows), and the loss.
 */
final class EvalGather {
  /** Predictions, labels, inputs; each described by present, rank, then up to this many dimensions. */
  private static final int MAX_DIMS = 8;
  private static final int HEADER = 2 + MAX_DIMS;

  private final Collective collective;

  EvalGather(Collective collective) {
    this.collective = collective;
  }

  /**
   * @param own this worker's output, null when its share of the batch is empty
   * @param size the examples of the whole batch
   */
  BatchOutput gather(BatchOutput own, int size) {
    HostArray[] mine = own == null ? new HostArray[3]
        : new HostArray[] {own.predictions(), own.labels().orElse(null), own.inputs().orElse(null)};
    long[][] shapes = agreedShapes(mine);
    long[] rowLengths = new long[3];
    long total = 0;
    for (int k = 0; k < 3; k++) {
      rowLengths[k] = shapes[k] == null ? 0 : product(shapes[k]);
      total += rowLengths[k] * size;
    }
    ByteBuffer rows = ByteBuffer.allocateDirect((int) Math.max(total, 1) * Float.BYTES).order(ByteOrder.nativeOrder());
    FloatBuffer floats = rows.asFloatBuffer();
    long offset = 0;
    int rank = collective.rank();
    int world = collective.worldSize();
    for (int k = 0; k < 3; k++) {
      if (mine[k] != null) {
        float[] data = mine[k].data();
        int row = (int) rowLengths[k];
        for (int i = 0; i * row < data.length; i++) {
          floats.put((int) (offset + (long) (rank + i * world) * row), data, i * row, row);
        }
      }
      offset += rowLengths[k] * size;
    }
    rows.limit((int) total * Float.BYTES);
    collective.allReduceSum(rows);
    double[] loss = collective.allReduceSum(
        own != null && own.loss().isPresent() ? own.loss().get() * own.size() : 0,
        own != null && own.loss().isPresent() ? own.size() : 0);
    HostArray[] whole = new HostArray[3];
    offset = 0;
    for (int k = 0; k < 3; k++) {
      if (shapes[k] != null) {
        float[] data = new float[(int) (rowLengths[k] * size)];
        floats.get((int) offset, data);
        long[] shape = new long[shapes[k].length + 1];
        shape[0] = size;
        System.arraycopy(shapes[k], 0, shape, 1, shapes[k].length);
        whole[k] = new HostArray(data, shape);
      }
      offset += rowLengths[k] * size;
    }
    return new BatchOutput(whole[0], Optional.ofNullable(whole[1]),
        loss[1] > 0 ? Optional.of(loss[0] / loss[1]) : Optional.empty(), Optional.ofNullable(whole[2]), size);
  }

  /** The row shapes (all dimensions but the first) every worker agrees on; null for an absent output. */
  private long[][] agreedShapes(HostArray[] mine) {
    double[] high = new double[3 * HEADER];
    double[] low = new double[3 * HEADER];
    Arrays.fill(high, -1);
    Arrays.fill(low, Double.NEGATIVE_INFINITY);
    for (int k = 0; k < 3; k++) {
      if (mine[k] != null) {
        long[] shape = mine[k].shape();
        if (shape.length - 1 > MAX_DIMS || shape.length == 0) {
          throw new IllegalStateException("evaluation outputs of shape " + Arrays.toString(shape)
              + " cannot be gathered across workers (1 to " + (MAX_DIMS + 1) + " dimensions)");
        }
        high[k * HEADER] = 1;
        high[k * HEADER + 1] = shape.length - 1;
        for (int d = 1; d < shape.length; d++) {
          high[k * HEADER + 1 + d] = shape[d];
        }
        for (int i = 0; i < HEADER; i++) {
          low[k * HEADER + i] = -high[k * HEADER + i];
        }
      }
    }
    double[] max = collective.allReduceMax(high);
    double[] minNegated = collective.allReduceMax(low);
    long[][] shapes = new long[3][];
    for (int k = 0; k < 3; k++) {
      if (max[k * HEADER] < 1) {
        continue;
      }
      for (int i = 0; i < HEADER; i++) {
        if (max[k * HEADER + i] != -minNegated[k * HEADER + i]) {
          throw new IllegalStateException("the workers' evaluation outputs differ in shape beyond the batch"
              + " dimension (e.g. each padded to its own longest sequence); pad evaluation batches to one"
              + " length to evaluate data-parallel");
        }
      }
      shapes[k] = new long[(int) max[k * HEADER + 1]];
      for (int d = 0; d < shapes[k].length; d++) {
        shapes[k][d] = (long) max[k * HEADER + 2 + d];
      }
    }
    return shapes;
  }

  private static long product(long[] dims) {
    long p = 1;
    for (long d : dims) {
      p *= d;
    }
    return p;
  }
}
