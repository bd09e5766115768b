package org.trainer4j.onnx;

import static org.trainer4j.onnx.GraphWriter.floatAttribute;
import static org.trainer4j.onnx.GraphWriter.intAttribute;
import static org.trainer4j.onnx.GraphWriter.intsAttribute;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One exportable DJL layer with the values it needs, and the ONNX nodes that compute it in inference
 * mode. Weights are float32 arrays in DJL's layout.
 */
sealed interface Layer {
  /** The name users know the layer by (as listed in {@link LayerReader#SUPPORTED}). */
  String kind();

  /** Adds the layer's nodes reading {@code input} (of {@code inputShape}); returns its output value. */
  String write(GraphWriter g, String name, String input, Shape inputShape);

  /** {@code x · weightᵀ + bias} over the last axis: Gemm for a matrix, MatMul (+ Add) above rank 2. */
  record Linear(float[] weight, long units, long inFeatures, float[] bias) implements Layer {
    @Override
    public String kind() {
      return "Linear";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      boolean hasBias = bias.length > 0;
      if (inputShape.dimension() == 2) {
        List<String> inputs = new ArrayList<>(List.of(input, g.constant(name + ".weight", weight, units, inFeatures)));
        if (hasBias) {
          inputs.add(g.constant(name + ".bias", bias, units));
        }
        return g.node(name, "Gemm", inputs, intAttribute("transB", 1));
      }
      String product = g.node(name, "MatMul", List.of(input, g.constant(name + ".weight_t", transposed(), inFeatures, units)));
      return hasBias ? g.node(name, "Add", List.of(product, g.constant(name + ".bias", bias, units))) : product;
    }

    private float[] transposed() {
      float[] t = new float[weight.length];
      int rows = (int) units;
      int cols = (int) inFeatures;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t[c * rows + r] = weight[r * cols + c];
        }
      }
      return t;
    }
  }

  /** An elementwise activation that is one ONNX operator (ReLU, Tanh, Sigmoid). */
  record Elementwise(String kind, String opType) implements Layer {
    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      return g.node(name, opType, List.of(input));
    }
  }

  /** Exact GELU, {@code x · (1 + erf(x / √2)) / 2}, as PyTorch computes it (ONNX's Gelu needs opset 20). */
  record Gelu() implements Layer {
    @Override
    public String kind() {
      return "GELU";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      String scaled = g.node(name, "Div", List.of(input, g.scalar(name + ".sqrt2", (float) Math.sqrt(2))));
      String erf = g.node(name, "Erf", List.of(scaled));
      String onePlus = g.node(name, "Add", List.of(erf, g.scalar(name + ".one", 1f)));
      String times = g.node(name, "Mul", List.of(input, onePlus));
      return g.node(name, "Mul", List.of(times, g.scalar(name + ".half", 0.5f)));
    }
  }

  /** Softmax along one axis. */
  record Softmax(int axis) implements Layer {
    @Override
    public String kind() {
      return "Softmax";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      return g.node(name, "Softmax", List.of(input), intAttribute("axis", axis));
    }
  }

  /** DJL's batchFlatten: {@code [batch, ...] → [batch, product of the rest]}. */
  record Flatten() implements Layer {
    @Override
    public String kind() {
      return "Flatten";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      return g.node(name, "Flatten", List.of(input), intAttribute("axis", 1));
    }
  }

  /** A layer that changes nothing in inference (Dropout, identity): no node. */
  record PassThrough(String kind) implements Layer {
    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      return input;
    }
  }

  /**
   * Batch normalization with the running statistics. ONNX normalizes along axis 1, so another axis is
   * swapped to 1 and back, as DJL's PyTorch engine does.
   */
  record BatchNorm(int axis, float epsilon, float[] gamma, float[] beta, float[] mean, float[] variance)
      implements Layer {
    @Override
    public String kind() {
      return "BatchNorm";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      int rank = inputShape.dimension();
      long channels = gamma.length;
      long[] swap = IntStream.range(0, rank).mapToLong(i -> i == 1 ? axis : i == axis ? 1 : i).toArray();
      String x = axis == 1 ? input : g.node(name, "Transpose", List.of(input), intsAttribute("perm", swap));
      String y = g.node(name, "BatchNormalization", List.of(x, g.constant(name + ".gamma", gamma, channels),
          g.constant(name + ".beta", beta, channels), g.constant(name + ".runningMean", mean, channels),
          g.constant(name + ".runningVar", variance, channels)), floatAttribute("epsilon", epsilon));
      return axis == 1 ? y : g.node(name, "Transpose", List.of(y), intsAttribute("perm", swap));
    }
  }

  /** Layer normalization over the trailing dimensions that gamma and beta cover. */
  record LayerNorm(float epsilon, float[] gamma, float[] beta, long[] normalizedShape) implements Layer {
    @Override
    public String kind() {
      return "LayerNorm";
    }

    @Override
    public String write(GraphWriter g, String name, String input, Shape inputShape) {
      return g.node(name, "LayerNormalization", List.of(input, g.constant(name + ".gamma", gamma, normalizedShape),
          g.constant(name + ".beta", beta, normalizedShape)), intAttribute("axis", -normalizedShape.length),
          floatAttribute("epsilon", epsilon));
    }
  }
}
