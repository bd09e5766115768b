package org.trainer4j.transformers.text;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One example of a text dataset: a text, optionally a second text (for pair tasks such as entailment) and, when
 * labelled, either its class id or numbers ({@code scores}): one regression target (HF's {@code
 * problem_type=regression}, e.g. a similarity score), or one 0/1 per class for multi-label classification.
 */
public record TextExample(String text, Optional<String> textPair, OptionalInt label, float[] scores) {
  public TextExample {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(textPair, "textPair");
    Objects.requireNonNull(label, "label");
    scores = scores.clone();
    if (label.isPresent() && scores.length > 0) {
      throw new IllegalArgumentException("an example has a class id or scores, not both");
    }
  }

  /** A text (pair) with a class id, or unlabelled. */
  public TextExample(String text, Optional<String> textPair, OptionalInt label) {
    this(text, textPair, label, new float[0]);
  }

  /** An unlabelled single text. */
  public static TextExample of(String text) {
    return new TextExample(text, Optional.empty(), OptionalInt.empty());
  }

  /** A labelled single text. */
  public static TextExample of(String text, int label) {
    return new TextExample(text, Optional.empty(), OptionalInt.of(label));
  }

  /** A labelled text pair. */
  public static TextExample pair(String text, String textPair, int label) {
    return new TextExample(text, Optional.of(textPair), OptionalInt.of(label));
  }

  /** A single text with a regression target. */
  public static TextExample scored(String text, double score) {
    return new TextExample(text, Optional.empty(), OptionalInt.empty(), new float[] {(float) score});
  }

  /** The regression target, when the example has exactly one score. */
  public OptionalDouble score() {
    return scores.length == 1 ? OptionalDouble.of(scores[0]) : OptionalDouble.empty();
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextExample e && text.equals(e.text) && textPair.equals(e.textPair) && label.equals(e.label)
        && Arrays.equals(scores, e.scores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, textPair, label, Arrays.hashCode(scores));
  }

  @Override
  public String toString() {
    return "TextExample[text=" + text + ", textPair=" + textPair + ", label=" + label
        + (scores.length > 0 ? ", scores=" + Arrays.toString(scores) : "") + "]";
  }
}
