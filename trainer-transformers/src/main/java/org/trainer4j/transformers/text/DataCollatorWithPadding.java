package org.trainer4j.transformers.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.OptionalInt;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;

/**
 * Pads tokenized examples into a batch as HF's {@code DataCollatorWithPadding} does (and, for token labels,
 * {@code DataCollatorForTokenClassification}): on the right, {@code input_ids} with the pad token, {@code
 * token_type_ids} with 0, {@code attention_mask} with 0, token labels with {@code -100}; to the longest example
 * ({@link Padding#LONGEST}, the default) or to {@code max_length}, rounded up to a multiple of {@code
 * pad_to_multiple_of}. Padding never truncates: truncate when tokenizing ({@link TextTokenizer.Builder#truncation}).
 *
 * <p>The batch's inputs are {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 {@code
 * [batch, length]}, named so); its labels, when the examples have them, one int64 array named {@code labels}:
 * {@code [batch]} class ids or {@code [batch, length]} token class ids.
 */
public final class DataCollatorWithPadding implements DataCollator<Features> {
  /** HF's {@code label_pad_token_id}: the label the loss ignores. */
  public static final long IGNORE_INDEX = -100;

  private final long padTokenId;
  private final Padding padding;
  private final OptionalInt maxLength;
  private final OptionalInt padToMultipleOf;
  private final long labelPadTokenId;

  private DataCollatorWithPadding(Builder b) {
    this.padTokenId = b.padTokenId;
    this.padding = b.padding;
    this.maxLength = b.maxLength;
    this.padToMultipleOf = b.padToMultipleOf;
    this.labelPadTokenId = b.labelPadTokenId;
    if (padding == Padding.MAX_LENGTH && maxLength.isEmpty()) {
      throw new IllegalArgumentException("padding=max_length needs max_length: give maxLength(...), or build the"
          + " collator from a tokenizer whose tokenizer_config.json states model_max_length");
    }
  }

  /**
   * A collator that pads with the tokenizer's pad token; {@code max_length} defaults to the tokenizer's {@code
   * model_max_length} (used by {@link Padding#MAX_LENGTH} only, as HF).
   *
   * @throws IllegalArgumentException when the tokenizer has no pad token
   */
  public static Builder builder(TextTokenizer tokenizer) {
    long pad = tokenizer.padTokenId().orElseThrow(() -> new IllegalArgumentException("the tokenizer has no pad"
        + " token (no pad_token in tokenizer_config.json, no padding section in tokenizer.json, no [PAD] or <pad>"
        + " token); give the pad token id with DataCollatorWithPadding.builder(padTokenId)"));
    Builder b = new Builder(pad);
    b.maxLength = tokenizer.modelMaxLength();
    return b;
  }

  /** A collator that pads {@code input_ids} with this token id. */
  public static Builder builder(long padTokenId) {
    return new Builder(padTokenId);
  }

  @Override
  public Batch collate(List<Features> examples, NDManager manager) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("cannot collate an empty list of examples");
    }
    Features.LabelKind kind = examples.get(0).labelKind();
    int longest = 0;
    int shortest = Integer.MAX_VALUE;
    for (int i = 0; i < examples.size(); i++) {
      Features f = examples.get(i);
      if (f.labelKind() != kind) {
        throw new IllegalArgumentException("examples of one batch must all have labels of one kind: example 0 has "
            + kind + " labels, example " + i + " has " + f.labelKind());
      }
      if (f.scores().length != examples.get(0).scores().length) {
        throw new IllegalArgumentException("examples of one batch must have as many scores: example 0 has "
            + examples.get(0).scores().length + ", example " + i + " has " + f.scores().length);
      }
      longest = Math.max(longest, f.encoding().length());
      shortest = Math.min(shortest, f.encoding().length());
    }
    int length = paddedLength(examples, longest, shortest);
    int batch = examples.size();
    long[] ids = new long[batch * length];
    long[] types = new long[batch * length];
    long[] mask = new long[batch * length];
    long[] tokenLabels = kind == Features.LabelKind.TOKEN ? new long[batch * length] : null;
    long[] labels = kind == Features.LabelKind.SEQUENCE ? new long[batch] : null;
    int width = examples.get(0).scores().length;
    float[] scores = kind == Features.LabelKind.SCORES ? new float[batch * width] : null;
    for (int i = 0; i < batch; i++) {
      Features f = examples.get(i);
      Encoding e = f.encoding();
      int n = e.length();
      int row = i * length;
      System.arraycopy(e.inputIds(), 0, ids, row, n);
      System.arraycopy(e.tokenTypeIds(), 0, types, row, n);
      System.arraycopy(e.attentionMask(), 0, mask, row, n);
      java.util.Arrays.fill(ids, row + n, row + length, padTokenId);
      if (tokenLabels != null) {
        System.arraycopy(f.labels(), 0, tokenLabels, row, n);
        java.util.Arrays.fill(tokenLabels, row + n, row + length, labelPadTokenId);
      }
      if (labels != null) {
        labels[i] = f.labels()[0];
      }
      if (scores != null) {
        System.arraycopy(f.scores(), 0, scores, i * width, width);
      }
    }
    Shape shape = new Shape(batch, length);
    NDList inputs = new NDList(named(manager.create(ids, shape), "input_ids"),
        named(manager.create(mask, shape), "attention_mask"), named(manager.create(types, shape), "token_type_ids"));
    NDList labelList = new NDList();
    if (labels != null) {
      labelList.add(named(manager.create(labels), "labels"));
    } else if (tokenLabels != null) {
      labelList.add(named(manager.create(tokenLabels, shape), "labels"));
    } else if (scores != null) {
      labelList.add(named(manager.create(scores, new Shape(batch, width)), "labels")); // float, as HF's
    }
    return new Batch(inputs, labelList, batch);
  }

  /**
   * A collator of raw text examples that tokenizes each batch with {@code tokenizer} (HF's on-the-fly
   * tokenization, as {@code IterableDataset.map(tokenize)} does for a streamed dataset), then pads it as this
   * collator does: for {@link TextDatasets#streamJsonLines} and {@link TextDatasets#streamCsv}, whose examples are
   * read as training consumes them. With {@code dataloader_num_workers} above 0 the tokenizing runs on the
   * collator threads.
   */
  public DataCollator<TextExample> tokenizingWith(TextTokenizer tokenizer) {
    java.util.Objects.requireNonNull(tokenizer, "tokenizer");
    return (examples, manager) -> collate(tokenizer.tokenize(examples), manager);
  }

  private int paddedLength(List<Features> examples, int longest, int shortest) {
    if (padding == Padding.DO_NOT_PAD) {
      if (longest != shortest) {
        throw new IllegalArgumentException("padding=do_not_pad needs examples of one length, but this batch has"
            + " lengths from " + shortest + " to " + longest + "; use padding=longest");
      }
      return longest;
    }
    int target = padding == Padding.LONGEST ? longest : maxLength.getAsInt();
    if (padToMultipleOf.isPresent() && target % padToMultipleOf.getAsInt() != 0) {
      target = (target / padToMultipleOf.getAsInt() + 1) * padToMultipleOf.getAsInt();
    }
    if (longest > target) {
      int index = 0;
      while (examples.get(index).encoding().length() != longest) {
        index++;
      }
      throw new IllegalArgumentException("example " + index + " of the batch has " + longest + " tokens, more than"
          + " max_length=" + target + " of padding=max_length (padding does not truncate); tokenize with truncation"
          + " and max_length <= " + target);
    }
    return target;
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  /** Options of a {@link DataCollatorWithPadding}; the defaults are HF's. */
  public static final class Builder {
    private final long padTokenId;
    private Padding padding = Padding.LONGEST;
    private OptionalInt maxLength = OptionalInt.empty();
    private OptionalInt padToMultipleOf = OptionalInt.empty();
    private long labelPadTokenId = IGNORE_INDEX;

    private Builder(long padTokenId) {
      this.padTokenId = padTokenId;
    }

    /** HF's {@code padding} (default {@link Padding#LONGEST}). */
    public Builder padding(Padding v) {
      padding = java.util.Objects.requireNonNull(v, "padding");
      return this;
    }

    /**
     * HF's {@code max_length}: the length of every batch under {@link Padding#MAX_LENGTH}.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxLength(int v) {
      maxLength = TextTokenizer.positive("max_length", v);
      return this;
    }

    /**
     * HF's {@code pad_to_multiple_of}: rounds the padded length up to a multiple of this.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder padToMultipleOf(int v) {
      padToMultipleOf = TextTokenizer.positive("pad_to_multiple_of", v);
      return this;
    }

    /** HF's {@code label_pad_token_id} for token labels (default -100, which the loss ignores). */
    public Builder labelPadTokenId(long v) {
      labelPadTokenId = v;
      return this;
    }

    /**
     * The collator.
     *
     * @throws IllegalArgumentException for {@link Padding#MAX_LENGTH} without a {@code max_length}
     */
    public DataCollatorWithPadding build() {
      return new DataCollatorWithPadding(this);
    }
  }
}
