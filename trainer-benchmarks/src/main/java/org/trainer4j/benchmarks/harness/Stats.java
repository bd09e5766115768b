package org.trainer4j.benchmarks.harness;

import java.util.Arrays;
import java.util.List;

/** Medians and spreads of a handful of measurements. */
final class Stats {
  private Stats() {}

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** "1.012, 1.020, 0.998" with three decimals. */
  static String list(List<Double> values, String format) {
    return String.join(", ", values.stream().map(v -> String.format(format, v)).toList());
  }

  static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static String range(double[] values, String format) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return String.format(format, sorted[0]) + "–" + String.format(format, sorted[sorted.length - 1]);
  }
}
