package org.trainer4j.transformers.bert;

/** How a sequence becomes one vector for a classifier. */
public enum Pooling {
  /**
   * HF's {@code BertPooler}: {@code tanh(dense(hidden state of the first token))}, as {@code
   * BertForSequenceClassification} does. Adds {@code pooler.dense.*} parameters.
   */
  CLS_POOLER,
  /**
   * Sentence-transformers' mean pooling: the mean of the hidden states of the tokens the attention mask keeps. For
   * checkpoints trained that way (e.g. all-MiniLM-L6-v2), which have no pooler weights.
   */
  MEAN,
  /**
   * No pooled vector, the token states only: HF's {@code BertModel(config, add_pooling_layer=False)}, the encoder of
   * its token-classification models. No {@code pooler.*} parameters.
   */
  NONE
}
