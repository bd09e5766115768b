package org.trainer4j.tensorboard;

import org.trainer4j.tensorboard.proto.HistogramProto;

/**
 * Buckets values into equal-width buckets between their minimum and maximum (TensorFlow 2 draws 30
 * such buckets). Written as a {@link HistogramProto}: bucket {@code i} counts the values in {@code
 * (bucket_limit[i-1], bucket_limit[i]]}, the first bucket starts at the minimum and the last limit
 * is the maximum, which is how TensorBoard draws the outer edges anyway.
 */
final class Histograms {
  static final int DEFAULT_BUCKETS = 30;

  private Histograms() {}

  /** Values must be finite and at least one; the caller checks. */
  static HistogramProto of(double[] values, int bucketCount) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double sumSquares = 0;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSquares += v * v;
    }
    HistogramProto.Builder h = HistogramProto.newBuilder()
        .setMin(min).setMax(max).setNum(values.length).setSum(sum).setSumSquares(sumSquares);
    if (min == max) {
      // All values equal: one bucket holds them all.
      return h.addBucketLimit(max).addBucket(values.length).build();
    }
    double width = (max - min) / bucketCount;
    double[] counts = new double[bucketCount];
    for (double v : values) {
      // Right-closed buckets: a value on a limit belongs to the bucket that ends there.
      int i = (int) Math.ceil((v - min) / width) - 1;
      counts[Math.max(0, Math.min(bucketCount - 1, i))]++;
    }
    for (int i = 0; i < bucketCount; i++) {
      h.addBucketLimit(i == bucketCount - 1 ? max : min + width * (i + 1));
      h.addBucket(counts[i]);
    }
    return h.build();
  }
}
