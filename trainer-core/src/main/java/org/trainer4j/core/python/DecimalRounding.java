package org.trainer4j.core.python;

/**
 * Rounding a double to decimal places as Python does (from its exact binary value), without {@code
 * BigDecimal} on the common path: the logged loss and the console's {@code .4g} run it at every logged
 * step. Scaling by an exact power of ten is one correctly rounded operation, so it is monotone and
 * cannot carry a value across a midpoint {@code k + 0.5} (itself a double); only a scaled value lying
 * exactly on one is ambiguous, and the caller takes its exact path for it.
 */
final class DecimalRounding {
  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  private DecimalRounding() {}

  /** {@code a × 10^k} rounded once, or NaN when 10^|k| is not an exact double. */
  static double scale(double a, int k) {
    if (k >= 0 && k < POWERS_OF_TEN.length) {
      return a * POWERS_OF_TEN[k];
    }
    if (k < 0 && -k < POWERS_OF_TEN.length) {
      return a / POWERS_OF_TEN[-k];
    }
    return Double.NaN;
  }

  /**
   * The integer nearest to a value that {@link #scale} produced, as its exact decimal value rounds; NaN
   * when that needs the exact path: an exact tie, beyond 1e15 (where integers and midpoints stop being
   * doubles), or NaN.
   */
  static double nearestInteger(double scaled) {
    if (!(Math.abs(scaled) < 1e15)) {
      return Double.NaN;
    }
    double floor = Math.floor(scaled);
    double fraction = scaled - floor;
    return fraction == 0.5 ? Double.NaN : floor + (fraction > 0.5 ? 1 : 0);
  }
}
