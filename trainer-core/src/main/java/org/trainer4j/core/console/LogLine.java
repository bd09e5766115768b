package org.trainer4j.core.console;

import java.util.Map;
import org.trainer4j.core.python.PyFloat;

/**
 * Formats a log row as HF's console callbacks print it: {@code {'loss': 0.6931, 'learning_rate':
 * 4.9e-05, 'epoch': 0.5}} — a Python dict with every float as {@code f"{v:.4g}"} (newer HF), which is
 * also cheap enough to print every step.
 */
public final class LogLine {
  private static final int MAX_STRING = 100;

  private LogLine() {}

  /** The row as a Python dict literal, without {@code total_flos}. */
  public static String format(Map<String, ?> logs) {
    // One builder for the whole line and no intermediate strings: this runs at every logged step, when
    // the caches are cold from the step itself, so every method and object touched costs.
    StringBuilder out = new StringBuilder(16 + 32 * logs.size()).append('{');
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
      appendValue(out, e.getValue());
    }
    return out.append('}').toString();
  }

  private static void appendValue(StringBuilder out, Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      PyFloat.appendFormat4g(out, d);
    } else if (v instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (v instanceof String s) {
      appendQuoted(out, s);
    } else {
      out.append(v == null ? "None" : String.valueOf(v));
    }
  }

  /** Python's {@code repr} of a string: double quotes when it holds a ' and no ", control characters escaped. */
  private static void appendQuoted(StringBuilder out, String s) {
    if (s.length() > MAX_STRING) {
      out.append("'[String too long to display, length: ").append(s.length()).append(" > ").append(MAX_STRING)
          .append("]'");
      return;
    }
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append(quote);
  }
}
