package org.trainer4j.onnx;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;

/**
 * A synthetic classification task for the tests: four classes, each a cloud of points around its own
 * centre, and the models trained on it.
 */
final class Blobs {
  static final int CLASSES = 4;

  private Blobs() {}

  record Example(float[] features, int label) {}

  /** {@code n} examples of {@code features} values; the same seed gives the same examples. */
  static List<Example> examples(int n, int features, long seed) {
    Random centres = new Random(99);
    float[][] centre = new float[CLASSES][features];
    for (float[] c : centre) {
      for (int i = 0; i < features; i++) {
        c[i] = (float) centres.nextGaussian();
      }
    }
    Random random = new Random(seed);
    List<Example> list = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int label = random.nextInt(CLASSES);
      float[] x = new float[features];
      for (int i = 0; i < features; i++) {
        x[i] = centre[label][i] + (float) random.nextGaussian() * 0.8f;
      }
      list.add(new Example(x, label));
    }
    return list;
  }

  /** Stacks examples into inputs of {@code [n, ...exampleShape]} and labels {@code [n]}. */
  static DataCollator<Example> collator(long... exampleShape) {
    return (examples, manager) -> {
      int features = examples.get(0).features().length;
      float[] x = new float[examples.size() * features];
      int[] y = new int[examples.size()];
      for (int i = 0; i < examples.size(); i++) {
        System.arraycopy(examples.get(i).features(), 0, x, i * features, features);
        y[i] = examples.get(i).label();
      }
      long[] dims = new long[exampleShape.length + 1];
      dims[0] = examples.size();
      System.arraycopy(exampleShape, 0, dims, 1, exampleShape.length);
      return new Batch(new NDList(manager.create(x, new Shape(dims))), new NDList(manager.create(y)), examples.size());
    };
  }

  static TrainerDataset dataset(List<Example> examples, long... exampleShape) {
    return TrainerDataset.of(examples, collator(exampleShape));
  }

  /** Linear → ReLU (as SequentialBlock.add(Activation::relu), an anonymous lambda) → Dropout → Linear. */
  static Model mlp() {
    Model model = Model.newInstance("blobs-mlp");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(32).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(0.2f).build())
        .add(Linear.builder().setUnits(CLASSES).build()));
    return model;
  }

  /**
   * Every supported block, on inputs of {@code [batch, 4, 8]}: LayerNorm over (4, 8), BatchNorm along
   * axis 2, a Linear on the last axis (MatMul), GELU, Flatten, Linear (Gemm), BatchNorm, Tanh, LayerNorm,
   * Sigmoid, a nested block with Linear and Dropout, and Softmax.
   */
  static Model everyBlock() {
    Model model = Model.newInstance("every-block");
    model.setBlock(new SequentialBlock()
        .add(LayerNorm.builder().build())
        .add(BatchNorm.builder().optAxis(2).build())
        .add(Linear.builder().setUnits(6).build())
        .add(Activation.geluBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(24).build())
        .add(BatchNorm.builder().build())
        .add(Activation.tanhBlock())
        .add(Linear.builder().setUnits(12).optBias(false).build())
        .add(LayerNorm.builder().axis(1).optEpsilon(1e-3f).build())
        .add(Activation.sigmoidBlock())
        .add(new SequentialBlock()
            .add(Linear.builder().setUnits(CLASSES).build())
            .add(Dropout.builder().optRate(0.1f).build()))
        .addSingleton(a -> a.softmax(-1), "softmax"));
    return model;
  }

  /** The largest absolute difference between two arrays of the same length. */
  static double maxDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " and " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
