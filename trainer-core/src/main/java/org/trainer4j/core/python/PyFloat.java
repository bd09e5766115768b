package org.trainer4j.core.python;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's float text and rounding, the one implementation every module uses so that a number reads
 * the same in {@code trainer_state.json}, the console, W&B's files and a plugin's CSV as Python writes it:
 * {@link #repr} ({@code repr(x)}, {@code str(x)}), {@link #format4g} ({@code f"{x:.4g}"}) and {@link
 * #round} ({@code round(x, n)}).
 */
public final class PyFloat {
  private static final MathContext FOUR_DIGITS = new MathContext(4, RoundingMode.HALF_EVEN);

  private PyFloat() {}

  /**
   * Python's {@code repr(float)}: the shortest decimal digits that read back as the same double (the
   * closest such digits when several are equally short), positional for decimal exponents from -4 to
   * 15 ({@code 0.0001}, {@code 1234.5678}, {@code 1.0}) and {@code d.ddde±XX} otherwise ({@code
   * 4.5e-05}, {@code 1e+16}); {@code nan}, {@code inf}, {@code -inf}.
   */
  public static String repr(double v) {
    StringBuilder out = new StringBuilder(24);
    appendRepr(out, v);
    return out.toString();
  }

  /** {@link #repr} appended to {@code out}. */
  public static void appendRepr(StringBuilder out, double v) {
    if (appendedSpecial(out, v, "0.0")) {
      return;
    }
    BigDecimal d = shortestDecimal(Math.abs(v));
    String digits = d.unscaledValue().toString();
    int exponent = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
    if (v < 0) {
      out.append('-');
    }
    if (exponent >= -4 && exponent < 16) {
      String plain = d.toPlainString();
      out.append(plain);
      if (plain.indexOf('.') < 0) {
        out.append(".0");
      }
      return;
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    appendExponent(out, exponent);
  }

  /** Appends Python's text for NaN, the infinities and (signed) zero, written {@code zero}; false for others. */
  private static boolean appendedSpecial(StringBuilder out, double v, String zero) {
    if (Double.isNaN(v)) {
      out.append("nan");
    } else if (Double.isInfinite(v)) {
      out.append(v > 0 ? "inf" : "-inf");
    } else if (v == 0) {
      out.append((1 / v < 0) ? "-" : "").append(zero);
    } else {
      return false;
    }
    return true;
  }

  /**
   * The shortest decimal that rounds back to {@code v} (positive, finite). JDK 17's {@link
   * Double#toString(double)} always round-trips but is sometimes a digit longer than needed or not
   * the closest (JDK-4511638, fixed in JDK 19: {@code 2e+23} comes out as {@code 1.9999999999999998E23}),
   * so its length is only the starting point: shorter lengths are tried while they still round-trip.
   */
  private static BigDecimal shortestDecimal(double v) {
    BigDecimal exact = new BigDecimal(v);
    int length = significantDigits(Double.toString(v));
    BigDecimal best = closestRoundTripping(exact, v, length);
    for (int p = length - 1; p >= 1; p--) {
      // If no p-digit decimal reads back as v, no shorter one does either (it would be a p-digit one).
      BigDecimal shorter = closestRoundTripping(exact, v, p);
      if (shorter == null) {
        break;
      }
      best = shorter;
    }
    return best.stripTrailingZeros();
  }

  /** The {@code digits}-digit decimal closest to {@code exact} that reads back as {@code v}, or null. */
  private static BigDecimal closestRoundTripping(BigDecimal exact, double v, int digits) {
    BigDecimal below = exact.round(new MathContext(digits, RoundingMode.FLOOR));
    BigDecimal above = exact.round(new MathContext(digits, RoundingMode.CEILING));
    boolean belowOk = below.doubleValue() == v;
    boolean aboveOk = above.doubleValue() == v;
    if (belowOk && aboveOk) {
      return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    }
    return belowOk ? below : aboveOk ? above : null;
  }

  /** Significant digits in a {@link Double#toString(double)} result, e.g. 2 for {@code 4.5E-5}. */
  private static int significantDigits(String javaRepr) {
    int e = javaRepr.indexOf('E');
    String mantissa = (e < 0 ? javaRepr : javaRepr.substring(0, e)).replace(".", "").replace("-", "");
    int first = 0;
    while (first < mantissa.length() - 1 && mantissa.charAt(first) == '0') {
      first++;
    }
    int last = mantissa.length();
    while (last > first + 1 && mantissa.charAt(last - 1) == '0') {
      last--;
    }
    return last - first;
  }

  /**
   * Python's {@code round(value, places)} (half to even, from the exact binary value, so {@code
   * round(2.675, 2)} is {@code 2.67}); NaN and infinities stay as they are.
   */
  public static double round(double value, int places) {
    if (!Double.isFinite(value)) {
      return value;
    }
    double rounded = DecimalRounding.nearestInteger(DecimalRounding.scale(value, places));
    // Integer over an exact power of ten: IEEE division gives the double nearest to the decimal. A value
    // rounding to zero keeps its sign, as in Python (round(-1e-05, 4) is -0.0).
    return Double.isNaN(rounded) ? exactRound(value, places)
        : Math.copySign(DecimalRounding.scale(rounded, -places), value);
  }

  static double exactRound(double value, int places) {
    return Math.copySign(new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).doubleValue(), value);
  }

  /** Python's {@code format(v, ".4g")}: 4 significant digits, trailing zeros dropped, e-notation outside 1e-4..1e4. */
  public static String format4g(double v) {
    StringBuilder out = new StringBuilder(12);
    appendFormat4g(out, v);
    return out.toString();
  }

  /** {@link #format4g} appended to {@code out}, without intermediate strings (it runs at every logged step). */
  public static void appendFormat4g(StringBuilder out, double v) {
    if (appendedSpecial(out, v, "0")) {
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
      appendExactFormat4g(out, v);
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
    render4g(out, mantissa, exponent);
  }

  /** The same, from the exact binary value: slow, but right for every double. */
  static String exactFormat4g(double v) {
    StringBuilder out = new StringBuilder(12);
    appendExactFormat4g(out, v);
    return out.toString();
  }

  private static void appendExactFormat4g(StringBuilder out, double v) {
    BigDecimal rounded = new BigDecimal(v).round(FOUR_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    int mantissa = rounded.unscaledValue().abs().intValueExact();
    for (int digits = rounded.precision(); digits < 4; digits++) {
      mantissa *= 10;
    }
    if (v < 0) {
      out.append('-');
    }
    render4g(out, mantissa, exponent);
  }

  /**
   * {@code mantissa} (1000–9999) times 10^(exponent - 3), as Python's {@code g} format writes it: trailing
   * zeros dropped, positional from 1e-4 to below 1e4, else one digit, a point and {@code e±XX}.
   */
  private static void render4g(StringBuilder out, int mantissa, int exponent) {
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
    appendExponent(out, exponent);
  }

  /** {@code e+05}, {@code e-324}: Python's exponent, at least two digits. */
  private static void appendExponent(StringBuilder out, int exponent) {
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
