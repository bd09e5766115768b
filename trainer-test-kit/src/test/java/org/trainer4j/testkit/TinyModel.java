package org.trainer4j.testkit;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;

/** A real 2 → 4 → 2 classifier and points from two noisy clusters, for runs of the real Trainer. */
final class TinyModel {
  /** Parameters of {@link #create()}: 2×4 + 4 + 4×2 + 2. */
  static final long PARAMETERS = 22;

  private TinyModel() {}

  record Point(float x, float y, int label) {}

  static Model create() {
    Model model = Model.newInstance("tiny");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(4).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    return model;
  }

  static TrainerDataset points(int n, long seed) {
    Random random = new Random(seed);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      float centre = label == 0 ? -1.5f : 1.5f;
      points.add(new Point(centre + (float) random.nextGaussian(), centre + (float) random.nextGaussian(), label));
    }
    DataCollator<Point> collator = (batch, manager) -> {
      float[][] xy = new float[batch.size()][];
      int[] labels = new int[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        xy[i] = new float[] {batch.get(i).x(), batch.get(i).y()};
        labels[i] = batch.get(i).label();
      }
      return new Batch(new NDList(manager.create(xy)), new NDList(manager.create(labels)), batch.size());
    };
    return TrainerDataset.of(points, collator);
  }
}
