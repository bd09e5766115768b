package org.trainer4j.core.console;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import org.trainer4j.core.metrics.DecimalRounding;

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
      if (Double.isNaN(d)) {
        out.append("nan");
      } else if (Double.isInfinite(d)) {
        out.append(d > 0 ? "inf" : "-inf");
      } else {
        appendFourSignificant(out, d);
      }
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

  /** Python's {@code format(v, ".4g")}: 4 significant digits, trailing zeros dropped, e-notation outside 1e-4..1e4. */
  static String fourSignificant(double v) {
    StringBuilder out = new StringBuilder(12);
    appendFourSignificant(out, v);
    return out.toString();
  }

  private static void appendFourSignificant(StringBuilder out, double v) {
    if (v == 0) {
      out.append((1 / v < 0) ? "-0" : "0");
      return;
    }
    // Fast path: scale |v| to [1000, 10000) and round there (see DecimalRounding); exact ties and
    // magnitudes beyond 1e±22 take the exact BigDecimal path, which alone cost ~20 µs a row in a
    // training loop once the caches were cold.
    double a = Math.abs(v);
    int exponent = (int) Math.floor(Math.log10(a));
    double scaled = DecimalRounding.scale(a, 3 - exponent);
    if (scaled >= 10_000) {
      scaled = DecimalRounding.scale(a, 3 - ++exponent);
    } else if (scaled < 1_000) {
      scaled = DecimalRounding.scale(a, 3 - --exponent);
    }
    double rounded = DecimalRounding.nearestInteger(scaled);
    if (!(scaled >= 1_000 && scaled < 10_000) || Double.isNaN(rounded)) {
      appendExactFourSignificant(out, v);
      return;
    }
    int mantissa = (int) rounded;
    if (mantissa == 10_000) {
      mantissa = 1_000;
      exponent++;
    }
    if (v < 0) {
      out.append('-');
    }
    render(out, mantissa, exponent);
  }

  /** The same, from the exact binary value: slow, but right for every double. */
  static String exactFourSignificant(double v) {
    StringBuilder out = new StringBuilder(12);
    appendExactFourSignificant(out, v);
    return out.toString();
  }

  private static void appendExactFourSignificant(StringBuilder out, double v) {
    BigDecimal rounded = new BigDecimal(v).round(FOUR_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    int mantissa = rounded.unscaledValue().abs().intValueExact();
    for (int digits = rounded.precision(); digits < 4; digits++) {
      mantissa *= 10;
    }
    if (v < 0) {
      out.append('-');
    }
    render(out, mantissa, exponent);
  }

  /**
   * {@code mantissa} (1000–9999) times 10^(exponent - 3), as Python's {@code g} format writes it: trailing
   * zeros dropped, positional from 1e-4 to below 1e4, else one digit, a point and {@code e±XX}.
   */
  private static void render(StringBuilder out, int mantissa, int exponent) {
    char[] digits = {digit(mantissa, 1000), digit(mantissa, 100), digit(mantissa, 10), digit(mantissa, 1)};
    int significant = 4;
    while (significant > 1 && digits[significant - 1] == '0') {
      significant--;
    }
    if (exponent >= -4 && exponent < 4) {
      if (exponent < 0) {
        out.append("0.");
        for (int i = -1; i > exponent; i--) {
          out.append('0');
        }
        out.append(digits, 0, significant);
        return;
      }
      int whole = exponent + 1;
      for (int i = 0; i < whole; i++) {
        out.append(i < significant ? digits[i] : '0');
      }
      if (significant > whole) {
        out.append('.').append(digits, whole, significant - whole);
      }
      return;
    }
    out.append(digits[0]);
    if (significant > 1) {
      out.append('.').append(digits, 1, significant - 1);
    }
    int magnitude = Math.abs(exponent);
    out.append('e').append(exponent < 0 ? '-' : '+');
    if (magnitude < 10) {
      out.append('0');
    }
    out.append(magnitude);
  }

  private static char digit(int mantissa, int place) {
    return (char) ('0' + mantissa / place % 10);
  }
}
