package org.trainer4j.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.metrics.Metrics.Average;

/**
 * The metric helpers against hand-computed values and against scikit-learn 1.2
 * ({@code metrics/sklearn_reference.json}, written by {@code src/test/python/make_metrics_reference.py}).
 */
class MetricsTest {
  private static final double TOLERANCE = 1e-12;

  @Test
  void handComputedMulticlassScores() {
    // labels 0 1 2 2, predicted 0 2 2 1: class 0 P=1 R=1, class 1 P=0 R=0, class 2 P=1/2 R=1/2.
    EvalPrediction p = ids(new float[] {0, 2, 2, 1}, new float[] {0, 1, 2, 2});

    assertEquals(0.5, Metrics.accuracy(p));
    assertEquals(Map.of("precision", 0.5, "recall", 0.5, "f1", 0.5), Metrics.precisionRecallF1(p, Average.MACRO));
    assertEquals(Map.of("precision", 0.5, "recall", 0.5, "f1", 0.5), Metrics.precisionRecallF1(p, Average.MICRO));
    assertEquals(List.of("precision", "recall", "f1"), List.copyOf(Metrics.precisionRecallF1(p, Average.MACRO).keySet()));
  }

  @Test
  void handComputedBinaryScores() {
    // labels 1 1 0 0 1, predicted 1 0 1 0 1: TP=2 FP=1 FN=1.
    EvalPrediction p = ids(new float[] {1, 0, 1, 0, 1}, new float[] {1, 1, 0, 0, 1});

    Map<String, Double> scores = Metrics.precisionRecallF1(p, Average.BINARY);

    assertEquals(2.0 / 3, scores.get("precision"), TOLERANCE);
    assertEquals(2.0 / 3, scores.get("recall"), TOLERANCE);
    assertEquals(2.0 / 3, scores.get("f1"), TOLERANCE);
    assertEquals(0.6, Metrics.accuracy(p), TOLERANCE);
  }

  @Test
  void logitsAndClassIdsGiveTheSameScores() {
    float[] logits = {2f, -1f, 0.5f, /**/ 0f, 3f, 1f, /**/ -2f, -1f, -0.5f, /**/ 1f, 0f, 5f};
    EvalPrediction fromLogits = new EvalPrediction(new HostArray(logits, new long[] {4, 3}),
        new HostArray(new float[] {0, 1, 1, 0}, new long[] {4}));
    EvalPrediction fromIds = ids(new float[] {0, 1, 2, 2}, new float[] {0, 1, 1, 0});

    assertEquals(0.5, Metrics.accuracy(fromLogits));
    assertEquals(Metrics.accuracy(fromIds), Metrics.accuracy(fromLogits));
    for (Average average : List.of(Average.MACRO, Average.MICRO)) {
      assertEquals(Metrics.precisionRecallF1(fromIds, average), Metrics.precisionRecallF1(fromLogits, average));
    }
  }

  @Test
  void classificationMatchesScikitLearn() throws IOException {
    List<?> cases = (List<?>) reference().get("classification");
    assertTrue(cases.size() >= 10, "cases: " + cases.size());
    for (Object c : cases) {
      Map<?, ?> k = (Map<?, ?>) c;
      String name = (String) k.get("name");
      List<?> labels = (List<?>) k.get("labels");
      EvalPrediction p = new EvalPrediction(new HostArray(floats((List<?>) k.get("predictions")),
          longs((List<?>) k.get("prediction_shape"))), new HostArray(floats(labels), new long[] {labels.size()}));

      assertEquals(((Number) k.get("accuracy")).doubleValue(), Metrics.accuracy(p), TOLERANCE, name);
      assertScores((Map<?, ?>) k.get("macro"), Metrics.precisionRecallF1(p, Average.MACRO), name + " macro");
      assertScores((Map<?, ?>) k.get("micro"), Metrics.precisionRecallF1(p, Average.MICRO), name + " micro");
      if (k.containsKey("binary")) {
        assertScores((Map<?, ?>) k.get("binary"), Metrics.precisionRecallF1(p, Average.BINARY), name + " binary");
      } else {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Metrics.precisionRecallF1(p, Average.BINARY), name + ": scikit-learn refuses binary");
        assertTrue(e.getMessage().startsWith("average=BINARY is not allowed with")
            || e.getMessage().startsWith("average=BINARY scores class 1"), e.getMessage());
      }
    }
  }

  @Test
  void binaryRefusalsNameTheClassesAndWhatToUse() {
    assertEquals("average=BINARY is not allowed with 3 classes [0, 1, 2] in the labels and predictions; use MACRO"
        + " or MICRO", assertThrows(IllegalArgumentException.class, () -> Metrics.precisionRecallF1(
            ids(new float[] {0, 1, 2}, new float[] {0, 1, 1}), Average.BINARY)).getMessage());
    assertEquals("average=BINARY scores class 1, but the labels and predictions hold [0, 2]; use MACRO or MICRO,"
        + " or labels 0 and 1", assertThrows(IllegalArgumentException.class, () -> Metrics.precisionRecallF1(
            ids(new float[] {0, 2}, new float[] {2, 0}), Average.BINARY)).getMessage());
  }

  @Test
  void meanSquaredErrorMatchesScikitLearn() throws IOException {
    for (Object c : (List<?>) reference().get("regression")) {
      Map<?, ?> k = (Map<?, ?>) c;
      List<?> labels = (List<?>) k.get("labels");
      EvalPrediction p = new EvalPrediction(new HostArray(floats((List<?>) k.get("predictions")),
          new long[] {labels.size()}), new HostArray(floats(labels), new long[] {labels.size()}));
      double expected = ((Number) k.get("mse")).doubleValue();

      assertEquals(expected, Metrics.meanSquaredError(p), Math.abs(expected) * TOLERANCE, (String) k.get("name"));
    }
  }

  @Test
  void meanSquaredErrorByHandAndInDoublePrecision() {
    assertEquals(4.0 / 3, Metrics.meanSquaredError(ids(new float[] {1, 2, 3}, new float[] {1, 2, 5})), TOLERANCE);
    // 1e8 - (-3) is not a float: the difference must be taken in double precision.
    assertEquals(100000003.0 * 100000003.0,
        Metrics.meanSquaredError(ids(new float[] {1e8f}, new float[] {-3f})));
    EvalPrediction column = new EvalPrediction(new HostArray(new float[] {1, 2}, new long[] {2, 1}),
        new HostArray(new float[] {0, 0}, new long[] {2}));
    assertEquals(2.5, Metrics.meanSquaredError(column), "one prediction per row of shape [n, 1]");
  }

  @Test
  void mismatchedSizesAreRefused() {
    EvalPrediction rows = new EvalPrediction(new HostArray(new float[6], new long[] {3, 2}),
        new HostArray(new float[2], new long[] {2}));
    assertEquals("predictions hold 3 rows but there are 2 labels",
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(rows)).getMessage());
    assertEquals("mean squared error needs one prediction per label, got 6 predictions and 2 labels",
        assertThrows(IllegalArgumentException.class, () -> Metrics.meanSquaredError(rows)).getMessage());
  }

  @Test
  void noExamplesScoreZero() {
    EvalPrediction empty = ids(new float[0], new float[0]);
    assertEquals(0.0, Metrics.accuracy(empty));
    assertEquals(Map.of("precision", 0.0, "recall", 0.0, "f1", 0.0), Metrics.precisionRecallF1(empty, Average.MACRO));
    assertEquals(0.0, Metrics.meanSquaredError(empty));
  }

  private static void assertScores(Map<?, ?> expected, Map<String, Double> actual, String name) {
    for (String key : List.of("precision", "recall", "f1")) {
      assertEquals(((Number) expected.get(key)).doubleValue(), actual.get(key), TOLERANCE, name + " " + key);
    }
  }

  private static EvalPrediction ids(float[] predicted, float[] labels) {
    return new EvalPrediction(new HostArray(predicted, new long[] {predicted.length}),
        new HostArray(labels, new long[] {labels.length}));
  }

  private static float[] floats(List<?> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return out;
  }

  private static long[] longs(List<?> values) {
    return values.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
  }

  private static Map<?, ?> reference() throws IOException {
    try (InputStream in = MetricsTest.class.getResourceAsStream("/metrics/sklearn_reference.json")) {
      return (Map<?, ?>) PyJson.loads(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
  }
}
