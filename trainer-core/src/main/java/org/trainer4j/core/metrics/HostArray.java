package org.trainer4j.core.metrics;

import java.util.Arrays;

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

  /** Joins arrays along the first axis (batches into one array). */
  public static HostArray concat(java.util.List<HostArray> parts) {
    if (parts.isEmpty()) {
      return new HostArray(new float[0], new long[] {0});
    }
    long[] shape = parts.get(0).shape().clone();
    int total = 0;
    long rows = 0;
    for (HostArray p : parts) {
      if (p.shape().length != shape.length
          || !Arrays.equals(Arrays.copyOfRange(p.shape(), 1, p.shape().length), Arrays.copyOfRange(shape, 1, shape.length))) {
        throw new IllegalArgumentException("cannot join arrays of shapes " + Arrays.toString(shape) + " and "
            + Arrays.toString(p.shape()) + ": they differ beyond the first axis");
      }
      total += p.data().length;
      rows += p.rows();
    }
    float[] data = new float[total];
    int at = 0;
    for (HostArray p : parts) {
      System.arraycopy(p.data(), 0, data, at, p.data().length);
      at += p.data().length;
    }
    if (shape.length == 0) {
      return new HostArray(data, new long[] {data.length});
    }
    shape[0] = rows;
    return new HostArray(data, shape);
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
