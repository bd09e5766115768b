package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;

/**
 * A DJL block holding a BERT encoder whose parameters carry HF's names ({@code block.getParameters()} lists {@code
 * bert.embeddings.word_embeddings.weight}, ...), so that weights move to and from HF checkpoints by name and the
 * Trainer's weight-decay rule (no decay for biases and LayerNorm) matches HF's.
 *
 * <p>Inputs: {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (see {@link
 * org.trainer4j.transformers.text.DataCollatorWithPadding}).
 */
public abstract class BertBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final BertConfig config;
  private final Pooling pooling;
  final BertEncoder encoder;

  BertBlock(BertConfig config, Pooling pooling, String encoderPrefix) {
    super(VERSION);
    this.config = Objects.requireNonNull(config, "config");
    this.pooling = Objects.requireNonNull(pooling, "pooling");
    this.encoder = new BertEncoder(config, encoderPrefix, pooling == Pooling.CLS_POOLER, this::addParameter);
  }

  public BertConfig config() {
    return config;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** HF's class name of this model ({@code architectures} in {@code config.json}). */
  public abstract String architecture();

  /**
   * Whether a parameter belongs to a head that a pretrained checkpoint may lack (pooler, classifier), which then
   * keeps its fresh initialization, as HF's {@code from_pretrained} does.
   */
  public boolean isHeadParameter(String name) {
    return name.startsWith(encoder.prefix() + "pooler.") || name.startsWith("classifier.");
  }

  /**
   * Creates every parameter with HF's fresh initialization (weights normal(0, {@code initializer_range}), biases 0,
   * LayerNorm weights 1); a no-op when already initialized. Load pretrained weights afterwards.
   */
  public void initialize(NDManager manager) {
    if (!isInitialized()) {
      Shape tokens = new Shape(1, 1);
      initialize(manager, DataType.FLOAT32, tokens, tokens, tokens);
    }
  }

  @Override
  protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    BertInputs in = BertInputs.from(inputs, config);
    NDArray hidden = encoder.lastHiddenState(ps, in, training);
    NDArray pooled = switch (pooling) {
      case MEAN -> BertEncoder.meanPool(hidden, in.attentionMask());
      case CLS_POOLER -> encoder.pool(ps, hidden, training);
      case NONE -> null;
    };
    return outputs(ps, hidden, pooled, training);
  }

  /**
   * The model's outputs from the encoder's {@code last_hidden_state} and the pooled vector of {@link #pooling()}
   * ({@code null} with {@link Pooling#NONE}).
   */
  abstract NDList outputs(ParameterStore ps, NDArray lastHiddenState, NDArray pooled, boolean training);

  /** A classification head's {@code classifier}: {@code hidden_size} to {@code num_labels}, HF's initialization. */
  BertEncoder.Dense newClassifier() {
    return new BertEncoder.ParameterFactory("", (float) config.initializerRange(), this::addParameter)
        .dense("classifier", config.hiddenSize(), config.numLabels());
  }

  /**
   * HF's classification heads: dropout ({@code classifier_dropout}, else {@code hidden_dropout_prob}), then the
   * classifier; the output is named {@code logits}.
   */
  static NDList logits(BertEncoder.Dense classifier, BertConfig config, ParameterStore ps, NDArray x,
      boolean training) {
    NDArray logits = classifier.apply(ps, BertEncoder.dropout(x, config.effectiveClassifierDropout(), training),
        training);
    logits.setName("logits");
    return new NDList(logits);
  }

  /** The block's parameter shapes do not depend on the input shapes: they come from the configuration. */
  @Override
  protected void prepare(Shape[] inputShapes) {}
}
