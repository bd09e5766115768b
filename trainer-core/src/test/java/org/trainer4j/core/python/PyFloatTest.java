package org.trainer4j.core.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Python's float text and rounding. The expected strings were printed by CPython 3 ({@code repr(v)},
 * {@code format(v, ".4g")}, {@code round(v, 4)}) and are kept here as data.
 */
class PyFloatTest {
  /**
   * Doubles (as their bits, Python's {@code float.hex()}) where the old code paths disagreed: W&B's and
   * the CSV plugin's writers printed JDK 17's {@code Double.toString} digits ({@code 1.9999999999999998e+23},
   * {@code 4.9e-324}, {@code 1.0E-5}), core's JSON printed Python's.
   */
  private static final String[][] REPR_WHERE_WRITERS_DISAGREED = {
      // float.hex(), repr(), format(v, '.4g'), repr(round(v, 4))
      {"0x1.52d02c7e14af6p+77", "2e+23", "2e+23", "2e+23"},
      {"0x0.0000000000001p-1022", "5e-324", "4.941e-324", "0.0"},
      {"0x1.6345785d89fffp+56", "9.999999999999998e+16", "1e+17", "9.999999999999998e+16"},
      {"0x1.c7e83209e90b2p+72", "8.41e+21", "8.41e+21", "8.41e+21"},
      {"0x1.4f8b588e368f1p-17", "1e-05", "1e-05", "0.0"},
      {"0x1.797cc39ffd60fp-15", "4.5e-05", "4.5e-05", "0.0"},
      {"0x1.a36e2eb1c432dp-15", "5e-05", "5e-05", "0.0001"},
      {"0x1.1c37937e08000p+53", "1e+16", "1e+16", "1e+16"},
      {"0x1.0f0cf064dd592p+73", "1e+22", "1e+22", "1e+22"},
      {"0x1.0000000000000p+53", "9007199254740992.0", "9.007e+15", "9007199254740992.0"},
      {"0x1.b69b4ba630f35p+56", "1.2345678901234568e+17", "1.235e+17", "1.2345678901234568e+17"},
      {"0x1.999999999999ap-4", "0.1", "0.1", "0.1"},
      {"0x1.0000000000000p+0", "1.0", "1", "1.0"},
      {"-0x0.0p+0", "-0.0", "-0", "-0.0"},
      {"-0x1.4f8b588e368f1p-17", "-1e-05", "-1e-05", "-0.0"},
  };

  @Test
  void reprFormatAndRoundGivePythonsTextWhereTheOldWritersDisagreed() {
    for (String[] row : REPR_WHERE_WRITERS_DISAGREED) {
      double v = Double.parseDouble(row[0]); // Java reads Python's float.hex() notation
      assertEquals(row[1], PyFloat.repr(v), "repr(float.fromhex('" + row[0] + "'))");
      assertEquals(row[2], PyFloat.format4g(v), "format(float.fromhex('" + row[0] + "'), '.4g')");
      assertEquals(row[3], PyFloat.repr(PyFloat.round(v, 4)), "round(float.fromhex('" + row[0] + "'), 4)");
    }
  }

  @Test
  void nonFiniteValuesAreWrittenAsPythonWritesThem() {
    assertEquals("nan", PyFloat.repr(Double.NaN));
    assertEquals("inf", PyFloat.repr(Double.POSITIVE_INFINITY));
    assertEquals("-inf", PyFloat.repr(Double.NEGATIVE_INFINITY));
    assertEquals("nan", PyFloat.format4g(Double.NaN));
    assertEquals("-inf", PyFloat.format4g(Double.NEGATIVE_INFINITY));
  }

  @Test
  void floatsPrintAsPythonsFourSignificantDigits() {
    // Expected values are Python's format(v, ".4g").
    double[] values = {0.6931, 4.9e-05, 1234.5678, 12345.6, 1e-5, 0.0001, 0.00012345, 9999.5, 99999, 1.0, -0.5,
        123.456, 5e-324, 1e300, 0.1 + 0.2, -0.0, 0, 1234.5, 1235.5, 1.0005, 0.125, 9.9995, 99.995, 0.00099995,
        999.95, 1e22, 1.2345e23};
    String[] python = {"0.6931", "4.9e-05", "1235", "1.235e+04", "1e-05", "0.0001", "0.0001234", "1e+04", "1e+05",
        "1", "-0.5", "123.5", "4.941e-324", "1e+300", "0.3", "-0", "0", "1234", "1236", "1", "0.125", "9.999", "100",
        "0.001", "1000", "1e+22", "1.235e+23"};
    for (int i = 0; i < values.length; i++) {
      assertEquals(python[i], PyFloat.format4g(values[i]), "format(" + values[i] + ", '.4g')");
      if (values[i] != 0) { // zeros never reach the exact path
        assertEquals(python[i], PyFloat.exactFormat4g(values[i]), "exact format(" + values[i] + ", '.4g')");
      }
    }
  }

  @Test
  void fastFormattingAgreesWithTheExactOneEverywhere() {
    // The fast path scales with doubles; it must give the exact path's answer for any value, including
    // those a hair from a rounding midpoint (4-digit ties shifted by a few ulps) and across magnitudes.
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      double v;
      if (i % 2 == 0) {
        v = Math.pow(10, random.nextDouble(-30, 30)) * (random.nextBoolean() ? 1 : -1);
      } else {
        double tie = (random.nextInt(1000, 10_000) + 0.5) * Math.pow(10, random.nextInt(-12, 12));
        v = tie;
        for (int ulps = random.nextInt(-3, 4); ulps != 0; ulps -= Integer.signum(ulps)) {
          v = ulps > 0 ? Math.nextUp(v) : Math.nextDown(v);
        }
      }
      assertEquals(PyFloat.exactFormat4g(v), PyFloat.format4g(v), "format(" + v + ", '.4g')");
    }
  }

  @Test
  void roundsAsPythonDoes() {
    // round(2.675, 2) is 2.67 in Python: the double lies below the midpoint.
    assertEquals(2.67, PyFloat.round(2.675, 2));
    assertEquals(0.6931, PyFloat.round(0.69314718, 4));
    assertEquals(2.0, PyFloat.round(2.5, 0)); // half to even
    assertEquals(-0.0001, PyFloat.round(-0.00006, 4));
    assertEquals(1.2345678901e12, PyFloat.round(1.2345678901e12, 4)); // past the fast path
    assertEquals(Double.NaN, PyFloat.round(Double.NaN, 4));
    assertEquals(Double.NEGATIVE_INFINITY, PyFloat.round(Double.NEGATIVE_INFINITY, 4));
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
      assertEquals(Double.doubleToLongBits(PyFloat.exactRound(v, places)),
          Double.doubleToLongBits(PyFloat.round(v, places)), "round(" + v + ", " + places + ")");
    }
  }
}
