package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 array copied to the Java heap: a piece of optimizer state that outlives the native memory
 * it came from and can be written in any format (e.g. safetensors, row-major, little-endian).
 *
 * @param shape the array's shape
 * @param values its elements in row-major order ({@code shape.size()} of them)
 */
public record HostTensor(Shape shape, float[] values) {
  public HostTensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    if (shape.size() != values.length) {
      throw new IllegalArgumentException(
          "values has " + values.length + " elements but shape " + shape + " needs " + shape.size());
    }
    values = values.clone();
  }

  /** Copies a float32 array to the heap. */
  public static HostTensor of(NDArray array) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("array has data type " + array.getDataType() + "; use float32");
    }
    return new HostTensor(array.getShape(), array.toFloatArray());
  }

  /** The elements (a copy). */
  @Override
  public float[] values() {
    return values.clone();
  }

  /** A new native array with these values, owned by {@code manager}. */
  public NDArray toNDArray(NDManager manager) {
    return manager.create(values, shape);
  }

  void copyInto(NDArray target) {
    target.set(values);
  }

  @Override
  public boolean equals(Object o) {
    // Bitwise, so that NaN equals NaN and -0 differs from 0: what a checkpoint must reproduce.
    if (!(o instanceof HostTensor other) || !shape.equals(other.shape)) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(other.values[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * shape.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "HostTensor" + shape + (values.length <= 8 ? Arrays.toString(values) : "");
  }
}
