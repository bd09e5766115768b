package org.trainer4j.transformers.text;

import java.util.Arrays;
import java.util.Objects;

/**
 * One example as {@link DataCollatorWithPadding} takes it (a row of HF's tokenized dataset): the encoding and
 * its labels, if any. {@link LabelKind#SEQUENCE} holds one class id; {@link LabelKind#TOKEN} one id per token,
 * {@code -100} for tokens the loss ignores (special tokens, continuation word pieces).
 */
public record Features(Encoding encoding, LabelKind labelKind, long[] labels, float[] scores) {
  /** What the labels of an example are. */
  public enum LabelKind {
    /** No labels (prediction). */
    NONE,
    /** One class id for the whole text (sequence classification). */
    SEQUENCE,
    /** One class id per token (token classification). */
    TOKEN,
    /**
     * Numbers for the whole text, in {@link #scores()}: a regression target, or one 0/1 per label for
     * multi-label classification (HF's float labels).
     */
    SCORES
  }

  public Features {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(labelKind, "labelKind");
    int expected = switch (labelKind) {
      case NONE, SCORES -> 0;
      case SEQUENCE -> 1;
      case TOKEN -> encoding.length();
    };
    if (labels.length != expected) {
      throw new IllegalArgumentException(labelKind + " labels need " + expected + " values (the encoding has "
          + encoding.length() + " tokens), got " + labels.length);
    }
    if ((labelKind == LabelKind.SCORES) != (scores.length > 0)) {
      throw new IllegalArgumentException(labelKind == LabelKind.SCORES ? "SCORES labels need at least one score"
          : labelKind + " labels have no scores, got " + scores.length);
    }
  }

  /** Features whose labels are class ids (or none). */
  public Features(Encoding encoding, LabelKind labelKind, long[] labels) {
    this(encoding, labelKind, labels, new float[0]);
  }

  /** An unlabelled example. */
  public static Features unlabelled(Encoding encoding) {
    return new Features(encoding, LabelKind.NONE, new long[0]);
  }

  /** An example with one class id. */
  public static Features withLabel(Encoding encoding, long label) {
    return new Features(encoding, LabelKind.SEQUENCE, new long[] {label});
  }

  /**
   * An example with numbers as labels: one regression target, or a 0/1 per label for multi-label classification
   * ({@code BceWithLogitsLoss}).
   */
  public static Features withScores(Encoding encoding, float... scores) {
    return new Features(encoding, LabelKind.SCORES, new long[0], scores.clone());
  }

  /** An example with one class id per token ({@code -100} where the loss should ignore the token). */
  public static Features withTokenLabels(Encoding encoding, long[] labels) {
    return new Features(encoding, LabelKind.TOKEN, labels.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features f && encoding.equals(f.encoding) && labelKind == f.labelKind
        && Arrays.equals(labels, f.labels) && Arrays.equals(scores, f.scores);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * encoding.hashCode() + Arrays.hashCode(labels)) + Arrays.hashCode(scores);
  }

  @Override
  public String toString() {
    return "Features[" + encoding + ", " + labelKind + " labels=" + Arrays.toString(labels)
        + (scores.length > 0 ? " scores=" + Arrays.toString(scores) : "") + "]";
  }
}
