package org.trainer4j.transformers.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CrossEntropyLossTest {
  private static final double[][] LOGITS = {{1, 2, 3}, {0, 0, 0}, {2, -1, 0.5}};

  @Test
  void ignoresMinus100AndAveragesOverTheLabelsThatCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      float value = new CrossEntropyLoss().evaluate(new NDList(m.create(new long[] {2, -100, 0})), logits(m)).getFloat();
      double expected = (nll(LOGITS[0], 2) + nll(LOGITS[2], 0)) / 2;
      assertEquals(expected, value, 1e-6);
    }
  }

  @Test
  void labelSmoothingIsHfLabelSmoother() {
    try (NDManager m = NDManager.newBaseManager()) {
      float value = new CrossEntropyLoss(0.1).evaluate(new NDList(m.create(new long[] {2, -100, 0})), logits(m))
          .getFloat();
      // (1 - eps) * mean nll + eps * mean over counted labels and classes of -log p
      double smoothed = 0;
      for (int row : new int[] {0, 2}) {
        for (int c = 0; c < 3; c++) {
          smoothed += nll(LOGITS[row], c);
        }
      }
      double expected = 0.9 * (nll(LOGITS[0], 2) + nll(LOGITS[2], 0)) / 2 + 0.1 * smoothed / (2 * 3);
      assertEquals(expected, value, 1e-6);
    }
  }

  @Test
  void tokenLevelLogitsTakeOneLabelPerToken() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList tokens = new NDList(m.create(new float[] {1, 2, 3, 0, 0, 0, 2, -1, 0.5f, 5, 5, 5}, new Shape(2, 2, 3)));
      float value = new CrossEntropyLoss().evaluate(new NDList(m.create(new long[] {1, -100, 0, -100},
          new Shape(2, 2))), tokens).getFloat();
      assertEquals((nll(LOGITS[0], 1) + nll(LOGITS[2], 0)) / 2, value, 1e-6);
    }
  }

  @Test
  void aBatchWithoutCountedLabelsIsNaNAsInPyTorch() {
    try (NDManager m = NDManager.newBaseManager()) {
      float value = new CrossEntropyLoss().evaluate(new NDList(m.create(new long[] {-100, -100, -100})), logits(m))
          .getFloat();
      assertTrue(Float.isNaN(value));
    }
  }

  @Test
  void labelsThatDoNotFitTheLogitsAndBadFactorsAreClearErrors() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new CrossEntropyLoss().evaluate(new NDList(m.create(new long[] {1, 2})), logits(m)));
      assertEquals("labels of shape (2) do not fit logits of shape (3, 3): expected labels of shape (3)", e.getMessage());
    }
    assertEquals("label_smoothing_factor must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(1)).getMessage());
  }

  private static NDList logits(NDManager m) {
    float[] flat = new float[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        flat[r * 3 + c] = (float) LOGITS[r][c];
      }
    }
    return new NDList(m.create(flat, new Shape(3, 3)));
  }

  private static double nll(double[] logits, int label) {
    double sum = 0;
    for (double v : logits) {
      sum += Math.exp(v);
    }
    return Math.log(sum) - logits[label];
  }
}
