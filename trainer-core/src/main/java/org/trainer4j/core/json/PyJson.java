package org.trainer4j.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON as Python's {@code json.dumps(obj, indent=2[, sort_keys=True])} writes it, so that files such as
 * {@code trainer_state.json} are byte for byte what HF's Trainer writes: two-space indent, {@code ": "},
 * floats in Python's {@code repr} form ({@code 4.5e-05}, {@code 1.0}), {@code NaN}/{@code Infinity}
 * and non-ASCII characters escaped.
 */
public final class PyJson {
  private static final ObjectMapper READER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();

  private PyJson() {}

  /** Serializes maps, lists, strings, numbers, booleans and null with a two-space indent. */
  public static String dumps(Object value, boolean sortKeys) {
    StringBuilder out = new StringBuilder(256);
    write(out, value, sortKeys, 0);
    return out.toString();
  }

  /**
   * Parses JSON (including Python's {@code NaN} and {@code Infinity}) into {@link LinkedHashMap}s,
   * lists, strings, booleans, {@link Long}s (or {@link java.math.BigInteger}) and {@link Double}s.
   */
  public static Object loads(String text) {
    try {
      JsonParser parser = READER.createParser(text);
      Object value = READER.readValue(parser, Object.class);
      return normalize(value);
    } catch (IOException e) {
      throw new UncheckedIOException("invalid JSON: " + e.getMessage(), e);
    }
  }

  /** The mapper used to read JSON leniently (NaN and Infinity allowed). */
  public static ObjectMapper reader() {
    return READER;
  }

  private static Object normalize(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v)));
      return copy;
    }
    if (value instanceof Collection<?> list) {
      return list.stream().map(PyJson::normalize).collect(java.util.stream.Collectors.toList());
    }
    if (value instanceof java.math.BigInteger big && big.bitLength() < 64) {
      return big.longValue();
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  private static void write(StringBuilder out, Object value, boolean sortKeys, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      out.append(floatRepr(((Number) value).doubleValue()));
    } else if (value instanceof Number n) {
      out.append(n instanceof BigDecimal d ? floatRepr(d.doubleValue()) : n.toString());
    } else if (value instanceof Map<?, ?> map) {
      writeMap(out, map, sortKeys, depth);
    } else if (value instanceof Collection<?> list) {
      writeList(out, list, sortKeys, depth);
    } else if (value instanceof Enum<?> e) {
      writeString(out, e.toString());
    } else if (value instanceof Object[] array) {
      writeList(out, java.util.Arrays.asList(array), sortKeys, depth);
    } else {
      writeString(out, value.toString());
    }
  }

  private static void writeMap(StringBuilder out, Map<?, ?> map, boolean sortKeys, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    Map<?, ?> entries = sortKeys ? sorted(map) : map;
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      out.append(first ? "\n" : ",\n");
      first = false;
      indent(out, depth + 1);
      writeString(out, String.valueOf(e.getKey()));
      out.append(": ");
      write(out, e.getValue(), sortKeys, depth + 1);
    }
    out.append('\n');
    indent(out, depth);
    out.append('}');
  }

  private static Map<String, Object> sorted(Map<?, ?> map) {
    Map<String, Object> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
    return sorted;
  }

  private static void writeList(StringBuilder out, Collection<?> list, boolean sortKeys, int depth) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (Object item : list) {
      out.append(first ? "\n" : ",\n");
      first = false;
      indent(out, depth + 1);
      write(out, item, sortKeys, depth + 1);
    }
    out.append('\n');
    indent(out, depth);
    out.append(']');
  }

  private static void indent(StringBuilder out, int depth) {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip, in positional notation for
   * decimal exponents from -4 to 15 and as {@code d.ddde-XX} otherwise.
   */
  public static String floatRepr(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
    String sign = v < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = d.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
    return sign + mantissa + "e" + exp;
  }
}
