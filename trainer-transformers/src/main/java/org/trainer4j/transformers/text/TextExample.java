package org.trainer4j.transformers.text;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One example of a text dataset: a text, optionally a second text (for pair tasks such as entailment) and, when
 * labelled, its class id or, for regression (HF's {@code problem_type=regression}, e.g. similarity scores), its
 * score.
 */
public record TextExample(String text, Optional<String> textPair, OptionalInt label, OptionalDouble score) {
  public TextExample {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(textPair, "textPair");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(score, "score");
    if (label.isPresent() && score.isPresent()) {
      throw new IllegalArgumentException("an example has a class id or a score, not both");
    }
  }

  /** A text (pair) with a class id, or unlabelled. */
  public TextExample(String text, Optional<String> textPair, OptionalInt label) {
    this(text, textPair, label, OptionalDouble.empty());
  }

  /** A single text with a regression target. */
  public static TextExample scored(String text, double score) {
    return new TextExample(text, Optional.empty(), OptionalInt.empty(), OptionalDouble.of(score));
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
}
