package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;

/**
 * A model and its synthetic data, the same for the hand-written loop and the Trainer: examples of
 * {@code features} floats with a class label, a collator that stacks them, and a block whose weights
 * come from the engine seeded with {@link #SEED} (as the Trainer initializes an uninitialized block).
 */
final class Workload implements LoopWorkload<Workload.Example> {
  static final int SEED = 42;

  /** One example: features and a class. */
  record Example(float[] features, int label) {}

  private final String name;
  private final int features;
  private final int classes;
  private final int[] hidden;
  private final List<Example> examples;

  private Workload(String name, int features, int classes, int[] hidden, int count) {
    this.name = name;
    this.features = features;
    this.classes = classes;
    this.hidden = hidden;
    this.examples = examples(count, features, classes);
  }

  /** The MLP: 784 → 256 → ReLU → 10, on {@code count} synthetic examples. */
  static Workload mlp(int count) {
    return new Workload("mlp-784-256-10", 784, 10, new int[] {256}, count);
  }

  /** The smallest model that still has weights, a bias and a loss: Linear 4 → 2, for step-rate tests. */
  static Workload tiny(int count) {
    return new Workload("linear-4-2", 4, 2, new int[0], count);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Example> examples() {
    return examples;
  }

  @Override
  public Loss loss() {
    return Loss.softmaxCrossEntropyLoss();
  }

  /** With the concrete type, see {@link LoopWorkload#pick}. */
  @Override
  public List<Example> pick(int[] indices) {
    List<Example> picked = new ArrayList<>(indices.length);
    for (int i : indices) {
      picked.add(examples.get(i));
    }
    return picked;
  }

  /** Stacks examples into features [n, features] and labels [n]. */
  @Override
  public DataCollator<Example> collator() {
    int width = features;
    return (picked, manager) -> {
      float[] x = new float[picked.size() * width];
      int[] y = new int[picked.size()];
      for (int i = 0; i < picked.size(); i++) {
        System.arraycopy(picked.get(i).features(), 0, x, i * width, width);
        y[i] = picked.get(i).label();
      }
      return new Batch(new NDList(manager.create(x, new Shape(picked.size(), width))),
          new NDList(manager.create(y)), picked.size());
    };
  }

  /**
   * A new model with its block initialized from the seeded engine, so every run starts from the same
   * weights. The caller closes it.
   */
  @Override
  public Model newModel() {
    SequentialBlock block = new SequentialBlock();
    for (int units : hidden) {
      block.add(Linear.builder().setUnits(units).build()).add(Activation::relu);
    }
    block.add(Linear.builder().setUnits(classes).build());
    Model model = Model.newInstance(name);
    model.setBlock(block);
    Engine.getInstance().setRandomSeed(SEED);
    Block b = model.getBlock();
    b.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, features));
    return model;
  }

  /** Gaussian features with a class-dependent shift, so the loss has something to learn. */
  private static List<Example> examples(int count, int features, int classes) {
    SplittableRandom random = new SplittableRandom(SEED);
    List<Example> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(classes);
      float[] x = new float[features];
      for (int j = 0; j < features; j++) {
        x[j] = (float) (random.nextGaussian() * 0.5 + (j % classes == label ? 0.5 : 0.0));
      }
      out.add(new Example(x, label));
    }
    return List.copyOf(out);
  }
}
