package org.trainer4j.transformers.text;

import java.util.Locale;

/** HF's truncation strategies ({@code truncation=} of a tokenizer call), by their HF names. */
public enum Truncation {
  /** {@code do_not_truncate} (HF's default, {@code truncation=False}). */
  DO_NOT_TRUNCATE,
  /** {@code longest_first} ({@code truncation=True}): removes tokens from the longer text of a pair first. */
  LONGEST_FIRST,
  /** {@code only_first}: truncates the first text of a pair only. */
  ONLY_FIRST,
  /** {@code only_second}: truncates the second text of a pair only. */
  ONLY_SECOND;

  /** HF's name of the strategy, e.g. {@code longest_first}. */
  public String hfName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
