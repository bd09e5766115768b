package org.trainer4j.core.engine;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.OptionalLong;

/**
 * How many numbers a block's parameters hold (HF's {@code num_parameters()}): in total, those that train
 * (require a gradient), and how many parameter arrays have no shape yet (a block not initialized), so
 * every module counts the same way.
 *
 * @param total numbers in all parameter arrays of known shape
 * @param trainable numbers in those that require a gradient
 * @param unknownShapes parameter arrays whose shape is not known yet
 */
public record ParameterCount(long total, long trainable, int unknownShapes) {

  /** Counts the parameters of {@code block}, from their arrays or, before initialization, their shapes. */
  public static ParameterCount of(Block block) {
    long total = 0;
    long trainable = 0;
    int unknown = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      Shape shape = parameter.isInitialized() ? parameter.getArray().getShape() : parameter.getShape();
      if (shape == null) {
        unknown++;
        continue;
      }
      total += shape.size();
      if (parameter.requiresGradient()) {
        trainable += shape.size();
      }
    }
    return new ParameterCount(total, trainable, unknown);
  }

  /** {@link #total()} when every shape is known, else empty. */
  public OptionalLong knownTotal() {
    return unknownShapes == 0 ? OptionalLong.of(total) : OptionalLong.empty();
  }
}
