package org.trainer4j.core;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;

/** Small real models and datasets for tests. */
public final class Fixtures {
  private Fixtures() {}

  /** One labelled point. */
  public record Example(float[] features, int label) {}

  /** Two Gaussian blobs in 2-D, centred at (-2,-2) and (2,2): separable, so a model can reach ~100%. */
  public static List<Example> blobs(int n, long seed) {
    Random random = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      float centre = label == 0 ? -2f : 2f;
      out.add(new Example(new float[] {centre + (float) random.nextGaussian(), centre + (float) random.nextGaussian()}, label));
    }
    return out;
  }

  public static final DataCollator<Example> COLLATOR = (examples, manager) -> {
    float[][] x = new float[examples.size()][];
    int[] y = new int[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      x[i] = examples.get(i).features();
      y[i] = examples.get(i).label();
    }
    NDArray features = manager.create(x);
    NDArray labels = manager.create(y);
    return new Batch(new NDList(features), new NDList(labels), examples.size());
  };

  public static TrainerDataset dataset(List<Example> examples) {
    return TrainerDataset.of(examples, COLLATOR);
  }

  /** A 2 → hidden → dropout → 2 MLP, so that dropout randomness is part of what a resume must repeat. */
  public static Model mlpWithDropout(int hidden, float dropout) {
    Model model = Model.newInstance("mlp-dropout");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation::relu)
        .add(ai.djl.nn.norm.Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(2).build()));
    return model;
  }

  /** Every parameter's values, by name, to compare two models bit for bit. */
  public static java.util.Map<String, float[]> parameters(Model model) {
    java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getBlock().getParameters()) {
      out.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /** A 2 → hidden → 2 MLP. */
  public static Model mlp(int hidden) {
    Model model = Model.newInstance("mlp");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    return model;
  }


}
