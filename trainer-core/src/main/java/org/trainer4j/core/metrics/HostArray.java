package org.trainer4j.core.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * An array copied from the engine to the Java heap: float values in row-major order and their shape.
 * Lets {@code computeMetrics} work without an engine.
 */
public record HostArray(float[] data, long[] shape) {
  /** What {@link #concat} pads shorter sequences with: HF's {@code padding_index}, ignored by its losses. */
  public static final float PADDING_INDEX = -100;

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
   * scalar (shape {@code []}) counts as one row of shape {@code [1]}, and when the second axis differs
   * (sequences of different lengths in different batches) the shorter parts are padded at the end of it
   * with {@link #PADDING_INDEX}, so {@code [64, 18]} and {@code [64, 20]} give {@code [128, 20]}. No parts
   * give an empty {@code [0]} array.
   *
   * @throws IllegalArgumentException when the parts differ in rank or beyond the second axis
   */
  public static HostArray concat(List<HostArray> parts) {
    if (parts.isEmpty()) {
      return new HostArray(new float[0], new long[] {0});
    }
    long[] first = atLeastOneAxis(parts.get(0).shape());
    int rank = first.length;
    int fixedFrom = Math.min(2, rank); // the axes after the padded second one must agree
    long[] shape = first.clone();
    shape[0] = 0;
    for (HostArray p : parts) {
      long[] partShape = atLeastOneAxis(p.shape());
      if (partShape.length != rank || !Arrays.equals(partShape, fixedFrom, rank, first, fixedFrom, rank)) {
        throw new IllegalArgumentException("cannot join arrays of shapes " + Arrays.toString(parts.get(0).shape())
            + " and " + Arrays.toString(p.shape()) + ": they differ "
            + (partShape.length != rank ? "in rank" : "beyond the second axis"));
      }
      shape[0] += partShape[0];
      if (rank > 1) {
        shape[1] = Math.max(shape[1], partShape[1]);
      }
    }
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    float[] data = new float[Math.toIntExact(size)];
    int rowSize = Math.toIntExact(size / Math.max(1, shape[0])); // values per example after padding
    int at = 0;
    for (HostArray p : parts) {
      int partRows = (int) atLeastOneAxis(p.shape())[0];
      int partRowSize = partRows == 0 ? rowSize : p.data().length / partRows;
      if (partRowSize == rowSize) {
        System.arraycopy(p.data(), 0, data, at, p.data().length);
      } else {
        for (int r = 0; r < partRows; r++) {
          int to = at + r * rowSize;
          System.arraycopy(p.data(), r * partRowSize, data, to, partRowSize);
          Arrays.fill(data, to + partRowSize, to + rowSize, PADDING_INDEX);
        }
      }
      at += partRows * rowSize;
    }
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
