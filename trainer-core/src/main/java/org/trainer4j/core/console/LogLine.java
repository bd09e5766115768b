package org.trainer4j.core.console;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Formats a log row as HF's console callbacks print it: {@code {'loss': 0.6931, 'learning_rate':
 * 4.9e-05, 'epoch': 0.5}} — a Python dict with every float as {@code f"{v:.4g}"} (newer HF), which is
 * also cheap enough to print every step.
 */
public final class LogLine {
  private static final int MAX_STRING = 100;

  private LogLine() {}

  private static final MathContext FOUR_DIGITS = new MathContext(4, RoundingMode.HALF_EVEN);

  /** The row as a Python dict literal, without {@code total_flos}. */
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
      out.append(value(e.getValue()));
    }
    return out.append('}').toString();
  }

  private static String value(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : fourSignificant(d);
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

  /** Python's {@code format(v, ".4g")}: 4 significant digits, trailing zeros dropped, e-notation outside 1e-4..1e4. */
  static String fourSignificant(double v) {
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(v).round(FOUR_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent >= -4 && exponent < 4) {
      BigDecimal plain = rounded.stripTrailingZeros();
      return (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    }
    String digits = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }
}
