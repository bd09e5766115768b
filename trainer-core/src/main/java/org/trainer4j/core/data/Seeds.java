package org.trainer4j.core.data;

/** Derives independent random seeds from a base seed and a position (epoch, step), so runs repeat exactly. */
public final class Seeds {
  private Seeds() {}

  /** A well-mixed 64-bit seed from two numbers (SplitMix64's finalizer over their combination). */
  public static long mix(long seed, long position) {
    long z = seed * 0x9E3779B97F4A7C15L + position;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
