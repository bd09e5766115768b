package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The three inputs of a BERT model, found in a batch's inputs by name ({@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}, as {@code DataCollatorWithPadding} names them) or else by position in that order (HF's
 * argument order). A missing attention mask means "attend to everything", missing token types mean type 0 (HF).
 */
record BertInputs(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";

  /**
   * Reads and checks the inputs.
   *
   * @throws IllegalArgumentException when input_ids is not {@code [batch, length]}, the other inputs do not have its
   *     shape, or the sequences are longer than {@code max_position_embeddings}
   */
  static BertInputs from(NDList inputs, BertConfig config) {
    boolean named = inputs.get(INPUT_IDS) != null;
    NDArray ids = named ? inputs.get(INPUT_IDS) : positional(inputs, 0);
    if (ids == null) {
      throw new IllegalArgumentException("a BERT model needs input_ids; the batch's inputs are empty");
    }
    if (ids.getShape().dimension() != 2 || ids.getDataType().isFloating()) {
      throw new IllegalArgumentException("input_ids must be integer token ids of shape [batch, length], got "
          + ids.getDataType() + " " + ids.getShape());
    }
    long length = ids.getShape().get(1);
    if (length > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("input_ids has sequences of " + length + " tokens, more than the model's"
          + " max_position_embeddings=" + config.maxPositionEmbeddings() + "; tokenize with truncation (HF's"
          + " truncation=True, max_length <= " + config.maxPositionEmbeddings() + ")");
    }
    NDArray mask = named ? inputs.get(ATTENTION_MASK) : positional(inputs, 1);
    NDArray types = named ? inputs.get(TOKEN_TYPE_IDS) : positional(inputs, 2);
    if (mask == null) {
      mask = ids.onesLike();
    }
    if (types == null) {
      types = ids.zerosLike();
    }
    sameShape(ATTENTION_MASK, mask, ids);
    sameShape(TOKEN_TYPE_IDS, types, ids);
    return new BertInputs(ids.toType(DataType.INT64, false), mask, types.toType(DataType.INT64, false));
  }

  private static NDArray positional(NDList inputs, int index) {
    return index < inputs.size() ? inputs.get(index) : null;
  }

  private static void sameShape(String name, NDArray array, NDArray ids) {
    if (!array.getShape().equals(ids.getShape())) {
      throw new IllegalArgumentException(name + " has shape " + array.getShape() + " but input_ids has "
          + ids.getShape() + "; they must match");
    }
  }
}
