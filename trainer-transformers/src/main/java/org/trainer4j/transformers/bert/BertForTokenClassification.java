package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * HF's {@code BertForTokenClassification} as a DJL block (named-entity recognition, part-of-speech tagging): the
 * encoder without a pooler (parameters {@code bert.*}), dropout ({@code classifier_dropout}, else {@code
 * hidden_dropout_prob}) and a linear {@code classifier} applied to every token's state. Outputs {@code logits} {@code
 * [batch, length, num_labels]}; pair it with {@link org.trainer4j.transformers.loss.CrossEntropyLoss}, which skips
 * the labels -100 of special tokens, continued words and padding ({@link
 * org.trainer4j.transformers.text.TextTokenizer#tokenizeWords}).
 */
public final class BertForTokenClassification extends BertBlock {
  private final BertEncoder.Dense classifier;

  public BertForTokenClassification(BertConfig config) {
    super(config, Pooling.NONE, "bert.");
    this.classifier = newClassifier();
  }

  @Override
  public String architecture() {
    return "BertForTokenClassification";
  }

  @Override
  NDList outputs(ParameterStore ps, NDArray lastHiddenState, NDArray pooled, boolean training) {
    return logits(classifier, config(), ps, lastHiddenState, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config().numLabels())};
  }
}
