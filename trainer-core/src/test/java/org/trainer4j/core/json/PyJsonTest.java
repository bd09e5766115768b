package org.trainer4j.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PyJson} against Python's {@code json} module: {@code repr(float)} for thousands of doubles
 * (the table {@code json/float_repr.tsv} is written by {@code src/test/python/make_float_table.py}),
 * and {@code json.dumps(obj, indent=2, sort_keys=True)} text produced by Python.
 */
class PyJsonTest {

  @Test
  void floatReprMatchesPythonReprForEveryValueOfTheTable() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (InputStream in = PyJsonTest.class.getResourceAsStream("/json/float_repr.tsv");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String[] cols = line.split("\t");
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(cols[0], 16));
        String actual = PyJson.floatRepr(value);
        if (!actual.equals(cols[1])) {
          mismatches.add(cols[0] + ": python " + cols[1] + ", java " + actual);
        }
        checked++;
      }
    }
    assertTrue(checked > 8000, "the table holds " + checked + " values");
    assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
        mismatches.size() + " of " + checked + " values differ from Python");
  }

  @Test
  void floatReprOfValuesSeenInTrainerStateFiles() {
    assertEquals("4.5e-05", PyJson.floatRepr(4.5e-05));
    assertEquals("1e-05", PyJson.floatRepr(1e-05));
    assertEquals("0.0001", PyJson.floatRepr(0.0001));
    assertEquals("1.0", PyJson.floatRepr(1.0));
    assertEquals("1e+16", PyJson.floatRepr(1e16));
    assertEquals("1000000000000000.0", PyJson.floatRepr(1e15));
    assertEquals("1234.5678", PyJson.floatRepr(1234.5678));
    assertEquals("0.6931", PyJson.floatRepr(0.6931));
    assertEquals("-2.5", PyJson.floatRepr(-2.5));
    assertEquals("1200000000000000.0", PyJson.floatRepr(1.2e15));
    assertEquals("NaN", PyJson.floatRepr(Double.NaN));
    assertEquals("Infinity", PyJson.floatRepr(Double.POSITIVE_INFINITY));
    assertEquals("-Infinity", PyJson.floatRepr(Double.NEGATIVE_INFINITY));
    assertEquals("0.0", PyJson.floatRepr(0.0));
    assertEquals("-0.0", PyJson.floatRepr(-0.0));
  }

  @Test
  void floatReprIsShorterThanJdk17DoubleToStringWhereThatIsNotShortest() {
    // JDK 17 prints 1.9999999999999998E23, 4.9E-324 and 9.9999999999999984E16 (JDK-4511638).
    assertEquals("2e+23", PyJson.floatRepr(2e23));
    assertEquals("5e-324", PyJson.floatRepr(Double.MIN_VALUE));
    assertEquals("9.999999999999998e+16", PyJson.floatRepr(Math.nextDown(1e17)));
    assertEquals("8.41e+21", PyJson.floatRepr(8.41e21));
  }

  @Test
  void dumpsWritesWhatPythonJsonDumpsWritesWithIndentAndSortedKeys() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", "quote\" back\\ nl\n tab\t bell\u0007 del\u007f \u00e9 \ud83d\ude00");
    inner.put("y", List.of());
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("b", Arrays.asList(1, 2.5, null, true, false, Map.of()));
    obj.put("a", inner);
    obj.put("\uffff", 1);
    obj.put("\ud83d\ude00", 2L);
    obj.put("n", List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
        BigInteger.TEN.pow(20), 1e16, 4.5e-05));
    // Text from: json.dumps(obj, indent=2, sort_keys=True) with Python 3.11.
    String python = """
        {
          "a": {
            "y": [],
            "z": "quote\\" back\\\\ nl\\n tab\\t bell\\u0007 del\\u007f \\u00e9 \\ud83d\\ude00"
          },
          "b": [
            1,
            2.5,
            null,
            true,
            false,
            {}
          ],
          "n": [
            NaN,
            Infinity,
            -Infinity,
            -0.0,
            100000000000000000000,
            1e+16,
            4.5e-05
          ],
          "\\uffff": 1,
          "\\ud83d\\ude00": 2
        }""";
    assertEquals(python, PyJson.dumps(obj, true));
  }

  @Test
  void dumpsKeepsInsertionOrderWithoutSortKeys() {
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("zeta", 1);
    obj.put("alpha", List.of("x"));
    assertEquals("{\n  \"zeta\": 1,\n  \"alpha\": [\n    \"x\"\n  ]\n}", PyJson.dumps(obj, false));
  }

  @Test
  void loadsReturnsLongsDoublesAndBigIntegersAsPythonDistinguishesIntAndFloat() {
    Object parsed = PyJson.loads("{\"i\": 3, \"f\": 3.0, \"e\": 1e-05, \"big\": 123456789012345678901234567890,"
        + " \"nan\": NaN, \"inf\": -Infinity, \"list\": [1, \"s\", null], \"z\": {\"b\": 1, \"a\": 2}}");
    Map<?, ?> map = assertInstanceOf(Map.class, parsed);
    assertEquals(3L, map.get("i"));
    assertEquals(3.0, map.get("f"));
    assertEquals(1e-05, map.get("e"));
    assertEquals(new BigInteger("123456789012345678901234567890"), map.get("big"));
    assertTrue(Double.isNaN((Double) map.get("nan")));
    assertEquals(Double.NEGATIVE_INFINITY, map.get("inf"));
    assertEquals(Arrays.asList(1L, "s", null), map.get("list"));
    assertEquals(List.of("i", "f", "e", "big", "nan", "inf", "list", "z"), List.copyOf(map.keySet()));
    assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) map.get("z")).keySet()));
  }

  @Test
  void loadsThenDumpsGivesPythonsTextBack() {
    String python = "{\n  \"epoch\": 1.0,\n  \"loss\": 0.6931,\n  \"lr\": 4.5e-05,\n  \"step\": 500,"
        + "\n  \"flos\": 1.2e+17\n}";
    assertEquals(python, PyJson.dumps(PyJson.loads(python), false));
  }

  @Test
  void loadsRejectsTextThatIsNotJson() {
    IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> PyJson.loads("{\"a\": }"));
    assertTrue(broken.getMessage().startsWith("invalid JSON"), broken.getMessage());
    IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> PyJson.loads("{} {}"));
    assertTrue(extra.getMessage().startsWith("invalid JSON"), extra.getMessage());
  }

  @Test
  void normalizeMakesJavaNumbersCompareAsJsonValues() {
    Map<String, Object> fromJava = new LinkedHashMap<>();
    fromJava.put("n", 2);
    fromJava.put("f", 0.5f);
    fromJava.put("d", new BigDecimal("0.25"));
    fromJava.put("nested", List.of(Map.of("k", (short) 7)));
    assertEquals(PyJson.loads("{\"n\": 2, \"f\": 0.5, \"d\": 0.25, \"nested\": [{\"k\": 7}]}"),
        PyJson.normalize(fromJava));
  }
}
