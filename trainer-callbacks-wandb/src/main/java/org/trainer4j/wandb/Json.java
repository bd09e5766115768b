package org.trainer4j.wandb;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.json.PyJson;

/**
 * Compact JSON as W&B's clients write it: floats in Python's {@code repr} form, {@code NaN} and {@code
 * Infinity} bare (the W&B server reads them), maps as objects, collections and arrays as lists. Values
 * of other types are written as their {@code toString()}.
 */
final class Json {
  private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

  private Json() {}

  static String encode(Object value) {
    StringBuilder out = new StringBuilder(16);
    append(out, value);
    return out.toString();
  }

  static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      appendString(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double d) {
      appendDouble(out, d);
    } else if (value instanceof Float f) {
      // Float.toString gives the shortest decimal of the float itself (0.1f is 0.1, not 0.10000000149).
      appendDouble(out, Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof BigDecimal d) {
      appendDouble(out, d.doubleValue());
    } else if (value instanceof Number n) {
      appendDouble(out, n.doubleValue());
    } else if (value instanceof Map<?, ?> map) {
      appendMap(out, map);
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, item);
      }
      out.append(']');
    } else if (value.getClass().isArray()) {
      out.append('[');
      for (int i = 0, n = Array.getLength(value); i < n; i++) {
        if (i > 0) {
          out.append(',');
        }
        append(out, Array.get(value, i));
      }
      out.append(']');
    } else if (value instanceof Optional<?> optional) {
      append(out, optional.orElse(null));
    } else if (value instanceof Enum<?> e) {
      appendString(out, e.toString());
    } else {
      appendString(out, value.toString());
    }
  }

  /** A float as Python's {@code json} writes it (core's one {@code repr}: W&B's files then read as Python's do). */
  static void appendDouble(StringBuilder out, double v) {
    out.append(PyJson.floatRepr(v));
  }

  static void appendMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, String.valueOf(e.getKey()));
      out.append(':');
      append(out, e.getValue());
    }
    out.append('}');
  }

  /** A JSON string literal (quotes, backslashes and control characters escaped; other text as is). */
  static void appendString(StringBuilder out, String s) {
    out.append('"');
    ESCAPER.quoteAsString(s, out);
    out.append('"');
  }
}
