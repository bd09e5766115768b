package org.trainer4j.transformers.text;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
  private final boolean multiLabel;

  private TextColumns(Builder b) {
    this.text = b.text;
    this.textPair = b.textPair;
    this.label = b.label;
    this.label2id = Map.copyOf(b.label2id);
    this.regression = b.regression;
    this.multiLabel = b.multiLabel;
    if (regression && !label2id.isEmpty()) {
      throw new IllegalArgumentException("regression labels are numbers, so label2id " + label2id + " does not"
          + " apply; give one or the other");
    }
    if (regression && multiLabel) {
      throw new IllegalArgumentException("labels are regression scores or multi-label classes, not both");
    }
    if (multiLabel && (label2id.isEmpty() || label2id.values().stream().anyMatch(id -> id >= label2id.size()))) {
      throw new IllegalArgumentException("multi-label columns need label2id with the class ids 0..n-1 of all n"
          + " classes (e.g. BertConfig.label2id()), which set the width of each example's 0/1 vector; got "
          + label2id);
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

  /** Whether each label cell lists several classes (multi-label classification). */
  public boolean multiLabel() {
    return multiLabel;
  }

  /**
   * The 0/1 vector (one value per class of {@code label2id}) of a multi-label cell read at {@code where}: a JSON array
   * of label names or class ids, such as {@code ["joy", "surprise"]}; an empty array means no class.
   *
   * @throws IllegalArgumentException when the cell is not such an array or names a label {@code label2id} lacks
   */
  float[] multiHot(String cell, String where) {
    String column = label.orElseThrow();
    com.fasterxml.jackson.databind.JsonNode array;
    try {
      array = org.trainer4j.transformers.JsonFiles.mapper().readTree(cell);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      array = null;
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException(where + ": column '" + column + "' holds " + cell + ", not a JSON array of"
          + " labels such as [\"joy\", \"surprise\"] (multi-label)");
    }
    float[] out = new float[label2id.size()];
    for (com.fasterxml.jackson.databind.JsonNode item : array) {
      Integer id = item.isIntegralNumber() && item.asInt() >= 0 && item.asInt() < out.length ? Integer.valueOf(
          item.asInt()) : label2id.get(item.asText());
      if (id == null) {
        throw new IllegalArgumentException(where + ": label '" + item.asText() + "' in column '" + column + "' is not"
            + " in label2id; known labels: " + label2id.keySet().stream().sorted().toList());
      }
      out[id] = 1;
    }
    return out;
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
  float[] score(String value, String where) {
    try {
      double score = Double.parseDouble(value.trim());
      if (Double.isFinite(score)) {
        return new float[] {(float) score};
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
    private boolean multiLabel;

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

    /**
     * Each label cell lists the example's classes (HF's {@code problem_type=multi_label_classification}), as a JSON
     * array of names or ids ({@code ["joy", "surprise"]}; in CSV, the cell's text); read as a 0/1 vector over
     * {@code label2id}'s classes and trained with {@code BceWithLogitsLoss}. Needs {@code label2id}.
     */
    public Builder multiLabel() {
      multiLabel = true;
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
