package org.trainer4j.core.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/** Common metrics over an {@link EvalPrediction}, for use in {@code computeMetrics}. */
public final class Metrics {
  private Metrics() {}

  /** How classes are averaged in {@link #precisionRecallF1}: as scikit-learn's {@code average}. */
  public enum Average {
    /** Mean of the per-class scores. */
    MACRO,
    /** Scores from the total true/false positives and negatives. */
    MICRO,
    /** Scores of class 1 only (two-class problems, scikit-learn's default {@code pos_label=1}). */
    BINARY
  }

  /**
   * Fraction of examples whose predicted class equals the label, as scikit-learn's {@code
   * accuracy_score}. Predictions are class ids when there is one value per label, else logits or
   * scores whose arg-max per row is the class. 0 when there are no examples.
   */
  public static double accuracy(EvalPrediction p) {
    int[] predicted = classes(p.predictions(), p.labelIds());
    int[] labels = p.labelIds().asInts();
    if (labels.length == 0) {
      return 0;
    }
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  /**
   * {@code precision}, {@code recall} and {@code f1} as scikit-learn's {@code
   * precision_recall_fscore_support} computes them: the classes are the labels found in the labels or
   * the predictions (any whole numbers, e.g. -100 too), a score whose denominator is zero counts as 0,
   * and {@link Average#BINARY} scores class 1. Predictions are read as in {@link #accuracy}.
   *
   * @throws IllegalArgumentException for {@link Average#BINARY} when labels and predictions hold more
   *     than two classes, or two classes of which none is 1
   */
  public static Map<String, Double> precisionRecallF1(EvalPrediction p, Average average) {
    int[] predicted = classes(p.predictions(), p.labelIds());
    int[] labels = p.labelIds().asInts();
    int[] classes = IntStream.concat(Arrays.stream(labels), Arrays.stream(predicted)).distinct().sorted().toArray();
    if (average == Average.BINARY) {
      if (classes.length > 2) {
        throw new IllegalArgumentException("average=BINARY is not allowed with " + classes.length + " classes "
            + Arrays.toString(classes) + " in the labels and predictions; use MACRO or MICRO");
      }
      if (classes.length == 2 && Arrays.binarySearch(classes, 1) < 0) {
        throw new IllegalArgumentException("average=BINARY scores class 1, but the labels and predictions hold "
            + Arrays.toString(classes) + "; use MACRO or MICRO, or labels 0 and 1");
      }
      classes = new int[] {1};
    }
    long[] tp = new long[classes.length];
    long[] predictedCount = new long[classes.length];
    long[] trueCount = new long[classes.length];
    for (int i = 0; i < labels.length; i++) {
      int label = Arrays.binarySearch(classes, labels[i]);
      int guess = Arrays.binarySearch(classes, predicted[i]);
      if (label >= 0) {
        trueCount[label]++;
      }
      if (guess >= 0) {
        predictedCount[guess]++;
      }
      if (label >= 0 && labels[i] == predicted[i]) {
        tp[label]++;
      }
    }
    double precision;
    double recall;
    double f1;
    if (average == Average.MICRO) {
      long t = Arrays.stream(tp).sum();
      precision = ratio(t, Arrays.stream(predictedCount).sum());
      recall = ratio(t, Arrays.stream(trueCount).sum());
      f1 = f1(precision, recall);
    } else {
      // MACRO: the mean of the per-class scores (BINARY: the one class).
      double ps = 0;
      double rs = 0;
      double fs = 0;
      for (int c = 0; c < classes.length; c++) {
        double pc = ratio(tp[c], predictedCount[c]);
        double rc = ratio(tp[c], trueCount[c]);
        ps += pc;
        rs += rc;
        fs += f1(pc, rc);
      }
      int n = Math.max(1, classes.length);
      precision = ps / n;
      recall = rs / n;
      f1 = fs / n;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("precision", precision);
    out.put("recall", recall);
    out.put("f1", f1);
    return out;
  }

  /** Mean of the squared differences between predictions and labels (regression). */
  public static double meanSquaredError(EvalPrediction p) {
    float[] predicted = p.predictions().data();
    float[] labels = p.labelIds().data();
    if (predicted.length != labels.length) {
      throw new IllegalArgumentException("mean squared error needs one prediction per label, got "
          + predicted.length + " predictions and " + labels.length + " labels");
    }
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double d = (double) predicted[i] - labels[i];
      sum += d * d;
    }
    return labels.length == 0 ? 0 : sum / labels.length;
  }

  private static int[] classes(HostArray predictions, HostArray labels) {
    if (predictions.data().length == labels.data().length) {
      return predictions.asInts();
    }
    int[] argmax = predictions.argmaxRows();
    if (argmax.length != labels.data().length) {
      throw new IllegalArgumentException("predictions hold " + argmax.length + " rows but there are "
          + labels.data().length + " labels");
    }
    return argmax;
  }

  private static double ratio(long num, long den) {
    return den == 0 ? 0 : (double) num / den;
  }

  private static double f1(double precision, double recall) {
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }
}
