package org.trainer4j.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.trainer4j.core.python.PyFloat;

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
    return dumps(value, sortKeys, 0);
  }

  /**
   * Serializes a value that will sit {@code depth} levels deep in a larger document (its inner lines
   * indented for that depth), to be put there later as a {@link Raw}.
   */
  public static String dumps(Object value, boolean sortKeys, int depth) {
    StringBuilder out = new StringBuilder(256);
    write(out, value, sortKeys, depth);
    return out.toString();
  }

  /**
   * JSON text that {@link #dumps} writes as it is: a value serialized once, at the depth where it is
   * written, and reused (so that a long list of unchanging values is not formatted again each time).
   */
  public record Raw(String json) {}

  /**
   * Parses JSON (including Python's {@code NaN} and {@code Infinity}) into {@link LinkedHashMap}s,
   * lists, strings, booleans, {@link Long}s (or {@link java.math.BigInteger}) and {@link Double}s, so
   * that {@link #dumps} writes integers as integers and floats as floats, as Python would.
   *
   * @throws IllegalArgumentException if the text is not JSON
   */
  public static Object loads(String text) {
    try (JsonParser parser = READER.createParser(text)) {
      Object value = READER.readValue(parser, Object.class);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("invalid JSON: unexpected text after the value at "
            + parser.currentLocation().getColumnNr() + ": " + abbreviate(text));
      }
      return normalize(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage() + " in " + abbreviate(text), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
    }
  }

  /** The mapper used to read JSON leniently (NaN and Infinity allowed). */
  public static ObjectMapper reader() {
    return READER;
  }

  /**
   * The JSON value types {@link #loads} returns, for a value built in Java: maps with string keys (in
   * order), lists, {@link Long} (or {@link BigInteger}) for whole-number types, {@link Double} for
   * {@code float}, {@code double} and {@link BigDecimal}. Two values equal as JSON are then {@code
   * equals} in Java ({@code 2} and {@code 2L} are not).
   */
  public static Object normalize(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v)));
      return copy;
    }
    if (value instanceof Collection<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(normalize(v)));
      return copy;
    }
    if (value instanceof Object[] array) {
      return normalize(Arrays.asList(array));
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private static void write(StringBuilder out, Object value, boolean sortKeys, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Raw raw) {
      out.append(raw.json());
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
      writeList(out, Arrays.asList(array), sortKeys, depth);
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
    // Python sorts str keys by code point; String.compareTo compares UTF-16 units, which differs
    // for characters beyond U+FFFF.
    Map<String, Object> sorted = new TreeMap<>(PyJson::compareCodePoints);
    map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
    return sorted;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
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
   * A float as Python's {@code json} module writes it: {@link PyFloat#repr}, with {@code NaN}, {@code
   * Infinity} and {@code -Infinity} for the values JSON has no number for.
   */
  public static String floatRepr(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    return PyFloat.repr(v);
  }
}
