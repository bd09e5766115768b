package org.trainer4j.benchmarks.collective;

import java.util.Arrays;

/** Milliseconds of repeated exchanges, reported by a worker as one line the parent parses. */
record Timings(String variant, int floats, double[] millis) {
  static final String PREFIX = "TIMINGS ";

  /** Exchanges of millions of floats take long enough that a fifth of the repeats (at least 3) suffice. */
  static int repeats(int floats, int repeatsForSmall) {
    return floats > 1_000_000 ? Math.max(3, repeatsForSmall / 5) : repeatsForSmall;
  }

  static int warmUps(int floats) {
    return floats > 1_000_000 ? 1 : 5;
  }

  double median() {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  double min() {
    return Arrays.stream(millis).min().orElseThrow();
  }

  /** Algorithm bandwidth: the bytes of one worker's vector over the time of the exchange, in MB/s. */
  double megabytesPerSecond() {
    return floats * 4.0 / 1e6 / (median() / 1e3);
  }

  String line() {
    StringBuilder out = new StringBuilder(PREFIX).append(variant).append(' ').append(floats);
    for (double m : millis) {
      out.append(' ').append(m);
    }
    return out.toString();
  }

  static Timings parse(String line) {
    String[] parts = line.substring(PREFIX.length()).trim().split(" ");
    double[] millis = new double[parts.length - 2];
    for (int i = 2; i < parts.length; i++) {
      millis[i - 2] = Double.parseDouble(parts[i]);
    }
    return new Timings(parts[0], Integer.parseInt(parts[1]), millis);
  }
}
