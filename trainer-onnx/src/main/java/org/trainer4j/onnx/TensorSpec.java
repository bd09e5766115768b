package org.trainer4j.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * A graph input or output as ONNX Runtime reports it: its name, element type (ONNX's name, such as
 * {@code float} or {@code int64}) and shape, where a free dimension is {@code -1} and has a name when
 * the file gives it one (such as {@code batch}). {@code toString()} reads {@code pixels: float[batch, 64]}.
 */
public record TensorSpec(String name, String elementType, List<Long> shape, List<String> dimensionNames) {
  public TensorSpec {
    shape = List.copyOf(shape);
    dimensionNames = List.copyOf(dimensionNames);
    if (shape.size() != dimensionNames.size()) {
      throw new IllegalArgumentException("shape " + shape + " and dimensionNames " + dimensionNames
          + " must have one entry per dimension");
    }
  }

  /** The shape with free dimensions shown by name, or {@code ?} when they have none: {@code [batch, 64]}. */
  public String shapeText() {
    List<String> dims = new ArrayList<>();
    for (int i = 0; i < shape.size(); i++) {
      long d = shape.get(i);
      dims.add(d >= 0 ? Long.toString(d) : dimensionNames.get(i).isEmpty() ? "?" : dimensionNames.get(i));
    }
    return "[" + String.join(", ", dims) + "]";
  }

  /** Whether an array of this shape fits: same rank, and equal to every fixed dimension. */
  public boolean accepts(long[] arrayShape) {
    if (arrayShape.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < arrayShape.length; i++) {
      if (shape.get(i) >= 0 && shape.get(i) != arrayShape[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name + ": " + elementType + shapeText();
  }
}
