package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * HF's {@code BertForSequenceClassification} as a DJL block: the encoder (parameters {@code bert.*}), a pooled
 * vector, dropout ({@code classifier_dropout}, else {@code hidden_dropout_prob}) and a linear {@code classifier}
 * with {@code num_labels} outputs. Outputs {@code logits} {@code [batch, num_labels]}; pair it with {@link
 * org.trainer4j.transformers.loss.CrossEntropyLoss}.
 *
 * <p>With {@link Pooling#CLS_POOLER} this is exactly HF's model and can be saved as an HF folder; {@link
 * Pooling#MEAN} (a classifier on sentence-transformers' mean pooling) has no HF class to load it into.
 */
public final class BertForSequenceClassification extends BertBlock {
  private final BertEncoder.Dense classifier;

  /**
   * @throws IllegalArgumentException for {@link Pooling#NONE}: a sequence classifier needs one vector per sequence
   */
  public BertForSequenceClassification(BertConfig config, Pooling pooling) {
    super(config, requireVector(pooling), "bert.");
    this.classifier = newClassifier();
  }

  /** HF's model: the {@link Pooling#CLS_POOLER} pooler. */
  public BertForSequenceClassification(BertConfig config) {
    this(config, Pooling.CLS_POOLER);
  }

  private static Pooling requireVector(Pooling pooling) {
    if (pooling == Pooling.NONE) {
      throw new IllegalArgumentException("a BertForSequenceClassification needs one vector per sequence: give"
          + " Pooling.CLS_POOLER (HF's) or Pooling.MEAN, not Pooling.NONE (that is BertForTokenClassification's)");
    }
    return pooling;
  }

  @Override
  public String architecture() {
    return "BertForSequenceClassification";
  }

  @Override
  NDList outputs(ParameterStore ps, NDArray lastHiddenState, NDArray pooled, boolean training) {
    return logits(classifier, config(), ps, pooled, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config().numLabels())};
  }
}
