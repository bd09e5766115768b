package org.trainer4j.transformers.text;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One example of a text dataset: a text, optionally a second text (for pair tasks such as entailment) and,
 * when labelled, its class id.
 */
public record TextExample(String text, Optional<String> textPair, OptionalInt label) {
  public TextExample {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(textPair, "textPair");
    Objects.requireNonNull(label, "label");
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
