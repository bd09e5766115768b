package org.trainer4j.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Tells which function a {@link LambdaBlock} computes. A lambda cannot be inspected and its name is
 * whatever its author chose ({@code Activation::relu} added with {@code SequentialBlock.add} is named
 * "anonymous"), so the block is run on a probe array of its real input shape and its output compared
 * with each supported function computed by DJL itself. The probe's values span [-8, 8], which tells
 * apart functions that agree on a narrow range (ReLU and ReLU6, exact and tanh-approximated GELU).
 */
final class LambdaProbe {
  private static final double SAME = 1e-6;
  private static final long SEED = 20_240_613L;

  private record Candidate(Layer layer, UnaryOperator<NDArray> function) {}

  private LambdaProbe() {}

  /** The layer the block behaves as, or empty when it matches none (or fails on the probe). */
  static Optional<Layer> identify(LambdaBlock block, Shape inputShape, NDManager parent) {
    Shape probeShape = probeShape(inputShape);
    float[] values = probeValues(probeShape);
    try (NDManager manager = parent.newSubManager()) {
      NDList out;
      try {
        out = block.forward(new ParameterStore(manager, false), new NDList(manager.create(values, probeShape)), false);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
      if (out.size() != 1) {
        return Optional.empty();
      }
      NDArray actual = out.get(0);
      for (Candidate candidate : candidates(probeShape.dimension())) {
        NDArray expected = candidate.function().apply(manager.create(values, probeShape));
        if (same(actual, expected)) {
          return Optional.of(candidate.layer());
        }
      }
      return Optional.empty();
    }
  }

  private static List<Candidate> candidates(int rank) {
    List<Candidate> list = new ArrayList<>();
    list.add(new Candidate(new Layer.PassThrough("Identity"), x -> x));
    list.add(new Candidate(new Layer.Elementwise("ReLU", "Relu"), Activation::relu));
    list.add(new Candidate(new Layer.Elementwise("Tanh", "Tanh"), Activation::tanh));
    list.add(new Candidate(new Layer.Elementwise("Sigmoid", "Sigmoid"), Activation::sigmoid));
    list.add(new Candidate(new Layer.Gelu(), Activation::gelu));
    for (int axis = 1; axis < rank; axis++) {
      int a = axis;
      list.add(new Candidate(new Layer.Softmax(a), x -> x.softmax(a)));
    }
    list.add(new Candidate(new Layer.Flatten(), Blocks::batchFlatten));
    return list;
  }

  private static boolean same(NDArray actual, NDArray expected) {
    if (!actual.getShape().equals(expected.getShape()) || actual.getDataType() != expected.getDataType()) {
      return false;
    }
    float[] a = actual.toFloatArray();
    float[] e = expected.toFloatArray();
    for (int i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - e[i]) <= SAME * (1 + Math.abs(e[i])))) {
        return false;
      }
    }
    return true;
  }

  /** The block's input shape with a batch of 2, so a function over the batch axis shows. */
  static Shape probeShape(Shape inputShape) {
    long[] dims = inputShape.getShape().clone();
    dims[0] = 2;
    return new Shape(dims);
  }

  /** Values in [-8, 8], starting with ones that matter even for a tiny input (beyond ReLU6's 6, near 0). */
  private static float[] probeValues(Shape shape) {
    float[] head = {7.5f, -7.5f, 0.5f, -0.25f, 3f, -2f};
    Random random = new Random(SEED);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = i < head.length ? head[i] : (float) (random.nextDouble() * 16 - 8);
    }
    return values;
  }
}
