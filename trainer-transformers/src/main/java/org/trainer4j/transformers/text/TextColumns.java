package org.trainer4j.transformers.text;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Which columns of a JSON-lines or CSV file hold the text, the optional second text and the label, and how labels
 * become class ids ({@code label2id}). Without {@code label2id}, labels must already be class ids (0, 1, ...).
 */
public final class TextColumns {
  private final String text;
  private final Optional<String> textPair;
  private final Optional<String> label;
  private final Map<String, Integer> label2id;
  private final boolean regression;

  private TextColumns(Builder b) {
    this.text = b.text;
    this.textPair = b.textPair;
    this.label = b.label;
    this.label2id = Map.copyOf(b.label2id);
    this.regression = b.regression;
    if (regression && !label2id.isEmpty()) {
      throw new IllegalArgumentException("regression labels are numbers, so label2id " + label2id + " does not"
          + " apply; give one or the other");
    }
  }

  /** Columns {@code text} and {@code label} unless changed. */
  public static Builder builder() {
    return new Builder();
  }

  public String text() {
    return text;
  }

  public Optional<String> textPair() {
    return textPair;
  }

  public Optional<String> label() {
    return label;
  }

  public Map<String, Integer> label2id() {
    return label2id;
  }

  /** Whether labels are regression scores (numbers) rather than classes. */
  public boolean regression() {
    return regression;
  }

  /**
   * The regression score of a label value read at {@code where}.
   *
   * @throws IllegalArgumentException when the value is not a finite number
   */
  OptionalDouble score(String value, String where) {
    try {
      double score = Double.parseDouble(value.trim());
      if (Double.isFinite(score)) {
        return OptionalDouble.of(score);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": label '" + value + "' in column '" + label.orElseThrow()
        + "' is not a number; regression labels are scores such as 3.8");
  }

  /**
   * The class id of a label value read at {@code where} (e.g. "line 3 of data.jsonl").
   *
   * @throws IllegalArgumentException when the value is missing from {@code label2id}, or is not a class id when
   *     there is no {@code label2id}
   */
  OptionalInt classId(String value, boolean isNumber, String where) {
    String column = label.orElseThrow();
    if (!label2id.isEmpty()) {
      Integer id = label2id.get(value);
      if (id == null) {
        throw new IllegalArgumentException(where + ": label '" + value + "' in column '" + column + "' is not in"
            + " label2id; known labels: " + label2id.keySet().stream().sorted().toList());
      }
      return OptionalInt.of(id);
    }
    try {
      int id = Integer.parseInt(value);
      if (id >= 0 && (isNumber || String.valueOf(id).equals(value))) {
        return OptionalInt.of(id);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": label '" + value + "' in column '" + column + "' is not a class id"
        + " (0, 1, ...); give label2id to map label names to class ids");
  }

  /** Options of {@link TextColumns}. */
  public static final class Builder {
    private String text = "text";
    private Optional<String> textPair = Optional.empty();
    private Optional<String> label = Optional.of("label");
    private final Map<String, Integer> label2id = new LinkedHashMap<>();
    private boolean regression;

    /** The column of the (first) text; default {@code text}. */
    public Builder text(String column) {
      text = Objects.requireNonNull(column, "text column");
      return this;
    }

    /** The column of the second text, for pair tasks; none by default. */
    public Builder textPair(String column) {
      textPair = Optional.of(column);
      return this;
    }

    /** The label column; default {@code label}. */
    public Builder label(String column) {
      label = Optional.of(column);
      return this;
    }

    /**
     * Labels are regression scores (HF's {@code problem_type=regression}, e.g. STS-B's similarity 0–5): each is read
     * as a number and trained with core's {@code MeanSquaredErrorLoss} on a one-label classifier.
     */
    public Builder regression() {
      regression = true;
      return this;
    }

    /** No label column: examples are unlabelled (prediction data). */
    public Builder noLabel() {
      label = Optional.empty();
      return this;
    }

    /**
     * HF's {@code label2id}: label names to class ids (e.g. {@code BertConfig.label2id()}).
     *
     * @throws IllegalArgumentException when a class id is negative or two names share one
     */
    public Builder label2id(Map<String, Integer> map) {
      if (map.values().stream().anyMatch(id -> id < 0) || map.values().stream().distinct().count() != map.size()) {
        throw new IllegalArgumentException("label2id must map each label to its own class id of 0 or more, got " + map);
      }
      label2id.clear();
      label2id.putAll(map);
      return this;
    }

    public TextColumns build() {
      return new TextColumns(this);
    }
  }
}
