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
    // Fast path: scale |v| to [1000, 10000) with one rounding (exact powers of ten up to 1e22), so the
    // scaled value is off by at most ~1e-12. Only when it lies near a rounding midpoint could that
    // matter; those values, and magnitudes beyond 1e±22, take the exact BigDecimal path. In a training
    // loop the exact path alone cost ~20 µs a row once the caches were cold.
    double a = Math.abs(v);
    int exponent = (int) Math.floor(Math.log10(a));
    double scaled = scaled(a, 3 - exponent);
    if (scaled >= 10_000) {
      scaled = scaled(a, 3 - ++exponent);
    } else if (scaled < 1_000) {
      scaled = scaled(a, 3 - --exponent);
    }
    double floor = Math.floor(scaled);
    double fraction = scaled - floor;
    if (!(scaled >= 1_000 && scaled < 10_000) || Math.abs(fraction - 0.5) < 1e-6) {
      return exactFourSignificant(v);
    }
    int mantissa = (int) floor + (fraction > 0.5 ? 1 : 0);
    if (mantissa == 10_000) {
      mantissa = 1_000;
      exponent++;
    }
    return (v < 0 ? "-" : "") + render(Integer.toString(mantissa), exponent);
  }

  /** {@code a × 10^k} rounded once, or NaN when 10^|k| is not an exact double. */
  private static double scaled(double a, int k) {
    if (k >= 0 && k < POWERS_OF_TEN.length) {
      return a * POWERS_OF_TEN[k];
    }
    if (k < 0 && -k < POWERS_OF_TEN.length) {
      return a / POWERS_OF_TEN[-k];
    }
    return Double.NaN;
  }

  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /** The same, from the exact binary value: slow, but right for every double. */
  static String exactFourSignificant(double v) {
    BigDecimal rounded = new BigDecimal(v).round(FOUR_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    String digits = rounded.unscaledValue().abs().toString();
    return (v < 0 ? "-" : "") + render((digits + "000").substring(0, 4), exponent);
  }

  /** Four significant digits times 10^(exponent - 3), as Python's {@code g} format writes them. */
  private static String render(String fourDigits, int exponent) {
    int significant = fourDigits.length();
    while (significant > 1 && fourDigits.charAt(significant - 1) == '0') {
      significant--;
    }
    String digits = fourDigits.substring(0, significant);
    if (exponent >= -4 && exponent < 4) {
      if (exponent < 0) {
        return "0." + "0".repeat(-exponent - 1) + digits;
      }
      String whole = (digits + "000").substring(0, exponent + 1);
      return digits.length() > exponent + 1 ? whole + "." + digits.substring(exponent + 1) : whole;
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }
}
