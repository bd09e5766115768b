package org.trainer4j.wandb;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Block-style YAML for {@code config.yaml}: each config key holds {@code value:} as the W&B SDK writes
 * it. Strings are double-quoted (JSON escapes are valid YAML), floats use YAML's {@code .nan} and
 * {@code .inf}.
 */
final class Yaml {
  private Yaml() {}

  /** The run config as {@code key:\n  value: ...} entries. */
  static String config(Map<String, ?> config) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ?> e : config.entrySet()) {
      key(out, e.getKey(), 0);
      out.append('\n');
      key(out, "value", 1);
      value(out, e.getValue(), 2);
    }
    return out.toString();
  }

  private static void key(StringBuilder out, String key, int depth) {
    out.append("  ".repeat(depth));
    Json.appendString(out, key);
    out.append(':');
  }

  /** Writes a value after {@code key:} (on the same line for scalars, indented below for the rest). */
  private static void value(StringBuilder out, Object value, int depth) {
    Object v = normalize(value);
    if (v instanceof Map<?, ?> map && !map.isEmpty()) {
      out.append('\n');
      for (Map.Entry<?, ?> e : map.entrySet()) {
        key(out, String.valueOf(e.getKey()), depth);
        value(out, e.getValue(), depth + 1);
      }
    } else if (v instanceof List<?> list && !list.isEmpty()) {
      out.append('\n');
      for (Object item : list) {
        out.append("  ".repeat(depth)).append('-');
        value(out, item, depth + 1);
      }
    } else {
      out.append(' ').append(scalar(v)).append('\n');
    }
  }

  private static Object normalize(Object value) {
    if (value != null && value.getClass().isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0, n = Array.getLength(value); i < n; i++) {
        list.add(Array.get(value, i));
      }
      return list;
    }
    if (value instanceof Collection<?> c && !(value instanceof List<?>)) {
      return new ArrayList<>(c);
    }
    return value;
  }

  private static String scalar(Object v) {
    if (v instanceof Map<?, ?>) {
      return "{}";
    }
    if (v instanceof List<?>) {
      return "[]";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
    }
    return Json.encode(v);
  }
}
