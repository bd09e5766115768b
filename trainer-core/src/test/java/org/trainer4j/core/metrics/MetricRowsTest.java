package org.trainer4j.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricRowsTest {

  @Test
  void roundsAsPythonDoes() {
    // round(2.675, 2) is 2.67 in Python: the double lies below the midpoint.
    assertEquals(2.67, MetricRows.round(2.675, 2));
    assertEquals(0.6931, MetricRows.round(0.69314718, 4));
    assertEquals(2.0, MetricRows.round(2.5, 0)); // half to even
    assertEquals(-0.0001, MetricRows.round(-0.00006, 4));
    assertEquals(1.2345678901e12, MetricRows.round(1.2345678901e12, 4)); // past the fast path
    assertEquals(Double.NaN, MetricRows.round(Double.NaN, 4));
    assertEquals(Double.NEGATIVE_INFINITY, MetricRows.round(Double.NEGATIVE_INFINITY, 4));
  }

  @Test
  void fastRoundingAgreesWithTheExactOneEverywhere() {
    // Random magnitudes, and values a few ulps from a rounding midpoint, at every number of places.
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      int places = random.nextInt(0, 10);
      double v;
      if (i % 2 == 0) {
        v = Math.pow(10, random.nextDouble(-12, 12)) * (random.nextBoolean() ? 1 : -1);
      } else {
        v = (random.nextLong(-100_000_000, 100_000_000) + 0.5) / Math.pow(10, places);
        for (int ulps = random.nextInt(-3, 4); ulps != 0; ulps -= Integer.signum(ulps)) {
          v = ulps > 0 ? Math.nextUp(v) : Math.nextDown(v);
        }
      }
      assertEquals(Double.doubleToLongBits(MetricRows.exactRound(v, places)),
          Double.doubleToLongBits(MetricRows.round(v, places)), "round(" + v + ", " + places + ")");
    }
  }
}
