package org.trainer4j.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** Common metrics over an {@link EvalPrediction}, for use in {@code computeMetrics}. */
public final class Metrics {
  private Metrics() {}

  /** How classes are averaged in {@link #precisionRecallF1}: as scikit-learn's {@code average}. */
  public enum Average {
    /** Mean of the per-class scores. */
    MACRO,
    /** Scores from the total true/false positives and negatives. */
    MICRO,
    /** Scores of class 1 only (two-class problems). */
    BINARY
  }

  /** Fraction of examples whose arg-max prediction equals the label (logits or class ids). */
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
   * {@code precision}, {@code recall} and {@code f1} as scikit-learn computes them (a score whose
   * denominator is zero counts as 0).
   */
  public static Map<String, Double> precisionRecallF1(EvalPrediction p, Average average) {
    int[] predicted = classes(p.predictions(), p.labelIds());
    int[] labels = p.labelIds().asInts();
    int classes = 0;
    for (int i = 0; i < labels.length; i++) {
      classes = Math.max(classes, Math.max(labels[i], predicted[i]) + 1);
    }
    if (average == Average.BINARY && classes > 2) {
      throw new IllegalArgumentException("average=BINARY needs two classes, but the labels and predictions"
          + " hold " + classes + "; use MACRO or MICRO");
    }
    long[] tp = new long[classes];
    long[] fp = new long[classes];
    long[] fn = new long[classes];
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        tp[labels[i]]++;
      } else {
        fp[predicted[i]]++;
        fn[labels[i]]++;
      }
    }
    double precision;
    double recall;
    double f1;
    switch (average) {
      case BINARY -> {
        int c = 1;
        precision = ratio(tp.length > c ? tp[c] : 0, tp.length > c ? tp[c] + fp[c] : 0);
        recall = ratio(tp.length > c ? tp[c] : 0, tp.length > c ? tp[c] + fn[c] : 0);
        f1 = f1(precision, recall);
      }
      case MICRO -> {
        long t = 0;
        long f = 0;
        long n = 0;
        for (int c = 0; c < classes; c++) {
          t += tp[c];
          f += fp[c];
          n += fn[c];
        }
        precision = ratio(t, t + f);
        recall = ratio(t, t + n);
        f1 = f1(precision, recall);
      }
      default -> {
        double ps = 0;
        double rs = 0;
        double fs = 0;
        for (int c = 0; c < classes; c++) {
          double pc = ratio(tp[c], tp[c] + fp[c]);
          double rc = ratio(tp[c], tp[c] + fn[c]);
          ps += pc;
          rs += rc;
          fs += f1(pc, rc);
        }
        precision = classes == 0 ? 0 : ps / classes;
        recall = classes == 0 ? 0 : rs / classes;
        f1 = classes == 0 ? 0 : fs / classes;
      }
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
      double d = predicted[i] - labels[i];
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
