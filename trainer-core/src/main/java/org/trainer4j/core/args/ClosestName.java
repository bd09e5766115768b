package org.trainer4j.core.args;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" hints for names typed by hand: options, integrations. */
public final class ClosestName {
  private ClosestName() {}

  /** The known name closest to {@code given} by edit distance (the first of equally close ones). */
  public static Optional<String> among(Collection<String> known, String given) {
    return known.stream().min(Comparator.comparingInt(n -> editDistance(n, given)));
  }

  /** The closest known name when it is at most {@code maxEdits} single-character edits away. */
  public static Optional<String> within(Collection<String> known, String given, int maxEdits) {
    return among(known, given).filter(n -> editDistance(n, given) <= maxEdits);
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character. */
  public static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
