package org.trainer4j.core.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * An array copied from the engine to the Java heap: float values in row-major order and their shape.
 * Lets {@code computeMetrics} work without an engine.
 */
public record HostArray(float[] data, long[] shape) {
  public HostArray {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
          + " values, but " + data.length + " were given");
    }
  }

  /** Size of the first axis (the examples). */
  public int rows() {
    return shape.length == 0 ? 1 : (int) shape[0];
  }

  /** Values per example. */
  public int rowLength() {
    return rows() == 0 ? 0 : data.length / rows();
  }

  /** The flat value at {@code index}. */
  public float get(int index) {
    return data[index];
  }

  /** The index of the largest value in each row (class predictions from logits). */
  public int[] argmaxRows() {
    int rows = rows();
    int width = rowLength();
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 1; c < width; c++) {
        if (data[r * width + c] > data[r * width + best]) {
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }

  /** The values as whole numbers (e.g. class labels). */
  public int[] asInts() {
    int[] out = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = Math.round(data[i]);
    }
    return out;
  }

  /**
   * Joins arrays along the first axis (batches into one array), as HF's {@code nested_concat}: a
   * scalar (shape {@code []}) counts as one row of shape {@code [1]}. No parts give an empty {@code [0]}
   * array.
   *
   * @throws IllegalArgumentException when the parts differ beyond the first axis
   */
  public static HostArray concat(List<HostArray> parts) {
    if (parts.isEmpty()) {
      return new HostArray(new float[0], new long[] {0});
    }
    long[] shape = atLeastOneAxis(parts.get(0).shape());
    long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
    int total = 0;
    long rows = 0;
    for (HostArray p : parts) {
      long[] partShape = atLeastOneAxis(p.shape());
      if (!Arrays.equals(Arrays.copyOfRange(partShape, 1, partShape.length), rowShape)) {
        throw new IllegalArgumentException("cannot join arrays of shapes " + Arrays.toString(parts.get(0).shape())
            + " and " + Arrays.toString(p.shape()) + ": they differ beyond the first axis");
      }
      total += p.data().length;
      rows += partShape[0];
    }
    float[] data = new float[total];
    int at = 0;
    for (HostArray p : parts) {
      System.arraycopy(p.data(), 0, data, at, p.data().length);
      at += p.data().length;
    }
    shape[0] = rows;
    return new HostArray(data, shape);
  }

  private static long[] atLeastOneAxis(long[] shape) {
    return shape.length == 0 ? new long[] {1} : shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostArray h && Arrays.equals(data, h.data) && Arrays.equals(shape, h.shape);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "HostArray" + Arrays.toString(shape);
  }
}
