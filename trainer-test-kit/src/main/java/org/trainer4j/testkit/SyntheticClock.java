package org.trainer4j.testkit;

import java.util.function.LongSupplier;

/** The time a synthetic run reads: it moves only when the synthetic engine says work was done. */
final class SyntheticClock implements LongSupplier {
  private long nanos;

  void advance(double seconds) {
    nanos += Math.round(seconds * 1e9);
  }

  @Override
  public long getAsLong() {
    return nanos;
  }
}
