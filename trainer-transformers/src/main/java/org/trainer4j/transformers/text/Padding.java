package org.trainer4j.transformers.text;

import java.util.Locale;

/** HF's padding strategies ({@code padding=} of {@code DataCollatorWithPadding}), by their HF names. */
public enum Padding {
  /** {@code longest} ({@code padding=True}, the collator's default): pad to the longest example of the batch. */
  LONGEST,
  /** {@code max_length}: pad every batch to {@code max_length}. */
  MAX_LENGTH,
  /** {@code do_not_pad}: the examples of a batch must already have one length. */
  DO_NOT_PAD;

  /** HF's name of the strategy, e.g. {@code max_length}. */
  public String hfName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
