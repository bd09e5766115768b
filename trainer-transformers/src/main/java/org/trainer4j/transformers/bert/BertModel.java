package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * HF's {@code BertModel} as a DJL block: outputs {@code last_hidden_state} {@code [batch, length, hidden]} and a
 * pooled vector {@code [batch, hidden]}: HF's {@code pooler_output} with {@link Pooling#CLS_POOLER}, the masked mean
 * of the token states with {@link Pooling#MEAN} (sentence embeddings), none with {@link Pooling#NONE}. Parameter names have no prefix ({@code
 * embeddings.word_embeddings.weight}), as in HF's {@code BertModel} checkpoints.
 */
public final class BertModel extends BertBlock {
  public BertModel(BertConfig config, Pooling pooling) {
    super(config, pooling, "");
  }

  @Override
  public String architecture() {
    return "BertModel";
  }

  @Override
  NDList outputs(ParameterStore ps, NDArray lastHiddenState, NDArray pooled, boolean training) {
    lastHiddenState.setName("last_hidden_state");
    if (pooled == null) {
      return new NDList(lastHiddenState);
    }
    pooled.setName(pooling() == Pooling.MEAN ? "sentence_embedding" : "pooler_output");
    return new NDList(lastHiddenState, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    int hidden = config().hiddenSize();
    Shape states = new Shape(ids.get(0), ids.get(1), hidden);
    return pooling() == Pooling.NONE ? new Shape[] {states} : new Shape[] {states, new Shape(ids.get(0), hidden)};
  }
}
