package org.trainer4j.core.console;

import java.util.Map;
import org.trainer4j.core.json.PyJson;

/** Formats a log row as HF prints it: {@code {'loss': 0.6931, 'learning_rate': 4.9e-05, 'epoch': 0.5}}. */
public final class LogLine {
  private static final int MAX_STRING = 100;

  private LogLine() {}

  /** The row as a Python dict literal, without {@code total_flos}, the epoch rounded to 2 places. */
  public static String format(Map<String, ?> logs) {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, ?> e : logs.entrySet()) {
      if (e.getKey().equals("total_flos")) {
        continue;
      }
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append('\'').append(e.getKey()).append("': ");
      Object v = e.getValue();
      if (e.getKey().equals("epoch") && v instanceof Number n) {
        v = Math.round(n.doubleValue() * 100) / 100.0;
      }
      out.append(value(v));
    }
    return out.append('}').toString();
  }

  private static String value(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : PyJson.floatRepr(d);
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof String s) {
      if (s.length() > MAX_STRING) {
        return "'[String too long to display, length: " + s.length() + " > " + MAX_STRING + "]'";
      }
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    return v == null ? "None" : String.valueOf(v);
  }
}
