package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.json.PyJson;

class JsonTest {
  private static String fast(double v) {
    StringBuilder out = new StringBuilder();
    Json.appendDouble(out, v);
    return out.toString();
  }

  @Test
  void everydayFloatsAreWrittenExactlyAsPythonWritesThem() {
    for (double v : List.of(0.1, 1.0, -2.5, 1e-4, 1e-5, 4.5e-05, 123456789.0, 1e15, 1e16, 1.5e16, 1e20, 1e-300,
        Double.MAX_VALUE, 0.0, -0.0, 100.0, 0.001, 12345.678, 0.6931, 1.2345678, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9999999999999998.0)) {
      assertEquals(PyJson.floatRepr(v), fast(v), "value " + v);
    }
    assertEquals("1e-05", fast(1e-5));
    assertEquals("1e+16", fast(1e16));
    assertEquals("0.0001", fast(1e-4));
  }

  @Test
  void everyFloatReadsBackExactlyInPythonsNotation() {
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      double v = i % 2 == 0
          ? random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20)
          : Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(v)) {
        continue;
      }
      String written = fast(v);
      String python = PyJson.floatRepr(v);
      assertEquals(v, Double.parseDouble(written), written);
      assertEquals(python.contains("e"), written.contains("e"), written + " vs " + python);
      // Python's digits are the shortest; ours are never fewer, and usually the same.
      assertTrue(written.length() >= python.length(), written + " vs " + python);
    }
  }
}
