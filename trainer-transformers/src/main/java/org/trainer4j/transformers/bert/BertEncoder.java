package org.trainer4j.transformers.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.trainer4j.core.engine.Scalars;

/**
 * The parameters and the computation of HF's {@code BertModel}, op for op as {@code modeling_bert.py} (eager
 * attention): embeddings {@code (word + token_type) + position}, LayerNorm; per layer, attention with the additive
 * mask {@code (1 - mask) * float32.min}, scores scaled by {@code head_size^-0.5}, output dense + residual +
 * LayerNorm, intermediate dense + activation, output dense + residual + LayerNorm; optionally HF's pooler (dense +
 * tanh on the first token). Parameters carry HF's names after {@code prefix} and are registered with the block that
 * owns them.
 */
final class BertEncoder {
  private final BertConfig config;
  private final String prefix;
  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter tokenTypeEmbeddings;
  private final Norm embeddingNorm;
  private final List<Layer> layers = new ArrayList<>();
  private final Optional<Dense> pooler;

  BertEncoder(BertConfig config, String prefix, boolean withPooler, Consumer<Parameter> register) {
    this.config = config;
    this.prefix = prefix;
    ParameterFactory p = new ParameterFactory(prefix, (float) config.initializerRange(), register);
    int h = config.hiddenSize();
    wordEmbeddings = p.weight("embeddings.word_embeddings.weight", new Shape(config.vocabSize(), h));
    positionEmbeddings = p.weight("embeddings.position_embeddings.weight", new Shape(config.maxPositionEmbeddings(), h));
    tokenTypeEmbeddings = p.weight("embeddings.token_type_embeddings.weight", new Shape(config.typeVocabSize(), h));
    double eps = config.layerNormEps();
    embeddingNorm = p.norm("embeddings.LayerNorm", h, eps);
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String l = "encoder.layer." + i + ".";
      layers.add(new Layer(p.dense(l + "attention.self.query", h, h), p.dense(l + "attention.self.key", h, h),
          p.dense(l + "attention.self.value", h, h), p.dense(l + "attention.output.dense", h, h),
          p.norm(l + "attention.output.LayerNorm", h, eps), p.dense(l + "intermediate.dense", h, config.intermediateSize()),
          p.dense(l + "output.dense", config.intermediateSize(), h), p.norm(l + "output.LayerNorm", h, eps)));
    }
    pooler = withPooler ? Optional.of(p.dense("pooler.dense", h, h)) : Optional.empty();
  }

  /** The prefix of the parameter names, e.g. {@code bert.} inside HF's classification models. */
  String prefix() {
    return prefix;
  }

  /** HF's {@code last_hidden_state}: {@code [batch, length, hidden_size]}. */
  NDArray lastHiddenState(ParameterStore ps, BertInputs in, boolean training) {
    Device device = in.inputIds().getDevice();
    long length = in.inputIds().getShape().get(1);
    NDArray words = embed(ps.getValue(wordEmbeddings, device, training), in.inputIds());
    NDArray types = embed(ps.getValue(tokenTypeEmbeddings, device, training), in.tokenTypeIds());
    NDArray positions = embed(ps.getValue(positionEmbeddings, device, training),
        in.inputIds().getManager().arange(0, length, 1, DataType.INT64, device));
    NDArray hidden = dropout(embeddingNorm.apply(ps, words.add(types).add(positions), training),
        config.hiddenDropoutProb(), training);
    NDArray mask = additiveMask(in.attentionMask());
    for (Layer layer : layers) {
      hidden = layer.forward(ps, hidden, mask, training);
    }
    return hidden;
  }

  /** HF's {@code pooler_output}: tanh(dense(first token)), {@code [batch, hidden_size]}. */
  NDArray pool(ParameterStore ps, NDArray lastHiddenState, boolean training) {
    Dense dense = pooler.orElseThrow(() -> new IllegalStateException("this encoder was built without a pooler"));
    NDArray first = lastHiddenState.get(":, 0, :");
    return dense.apply(ps, first, training).tanh();
  }

  /** Sentence-transformers' mean pooling: the mean of the token states the attention mask keeps. */
  static NDArray meanPool(NDArray lastHiddenState, NDArray attentionMask) {
    NDArray mask = attentionMask.toType(lastHiddenState.getDataType(), false).expandDims(-1);
    return lastHiddenState.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE));
  }

  private static NDArray embed(NDArray table, NDArray ids) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** {@code (1 - mask) * float32.min}, shaped {@code [batch, 1, 1, length]} to add to attention scores. */
  private static NDArray additiveMask(NDArray attentionMask) {
    NDArray mask = attentionMask.toType(DataType.FLOAT32, false);
    return mask.getManager().ones(mask.getShape(), DataType.FLOAT32, mask.getDevice()).sub(mask)
        .mul(-Float.MAX_VALUE).expandDims(1).expandDims(1);
  }

  static NDArray dropout(NDArray x, double rate, boolean training) {
    return training && rate > 0 ? Dropout.dropout(x, (float) rate, true).singletonOrThrow() : x;
  }

  private NDArray activation(NDArray x) {
    return "relu".equals(config.hiddenAct()) ? Activation.relu(x) : Activation.gelu(x);
  }

  /** One {@code BertLayer}. */
  private final class Layer {
    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense attentionOutput;
    private final Norm attentionNorm;
    private final Dense intermediate;
    private final Dense output;
    private final Norm outputNorm;

    Layer(Dense query, Dense key, Dense value, Dense attentionOutput, Norm attentionNorm, Dense intermediate,
        Dense output, Norm outputNorm) {
      this.query = query;
      this.key = key;
      this.value = value;
      this.attentionOutput = attentionOutput;
      this.attentionNorm = attentionNorm;
      this.intermediate = intermediate;
      this.output = output;
      this.outputNorm = outputNorm;
    }

    NDArray forward(ParameterStore ps, NDArray hidden, NDArray mask, boolean training) {
      Shape shape = hidden.getShape();
      NDArray q = heads(query.apply(ps, hidden, training));
      NDArray k = heads(key.apply(ps, hidden, training));
      NDArray v = heads(value.apply(ps, hidden, training));
      NDArray scores = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), Math.pow(config.headSize(), -0.5))
          .add(mask);
      NDArray probs = dropout(scores.softmax(-1), config.attentionProbsDropoutProb(), training);
      NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(shape);
      NDArray attended = dropout(attentionOutput.apply(ps, context, training), config.hiddenDropoutProb(), training);
      NDArray afterAttention = attentionNorm.apply(ps, attended.add(hidden), training);
      NDArray inner = activation(intermediate.apply(ps, afterAttention, training));
      NDArray out = dropout(output.apply(ps, inner, training), config.hiddenDropoutProb(), training);
      return outputNorm.apply(ps, out.add(afterAttention), training);
    }

    /** {@code [batch, length, hidden]} to {@code [batch, heads, length, head_size]}. */
    private NDArray heads(NDArray x) {
      Shape s = x.getShape();
      return x.reshape(s.get(0), s.get(1), config.numAttentionHeads(), config.headSize()).transpose(0, 2, 1, 3);
    }
  }

  /** An {@code nn.Linear}: weight {@code [out, in]}, bias {@code [out]}. */
  record Dense(Parameter weight, Parameter bias) {
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      Device device = x.getDevice();
      return Linear.linear(x, ps.getValue(weight, device, training), ps.getValue(bias, device, training))
          .singletonOrThrow();
    }
  }

  /** An {@code nn.LayerNorm} over the last axis. */
  record Norm(Parameter weight, Parameter bias, float eps) {
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      Device device = x.getDevice();
      return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), ps.getValue(weight, device, training),
          ps.getValue(bias, device, training), eps).singletonOrThrow();
    }
  }

  /** Makes parameters with HF names and HF's initialization, and registers them with the owning block. */
  static final class ParameterFactory {
    private final String prefix;
    private final Initializer normal;
    private final Consumer<Parameter> register;

    ParameterFactory(String prefix, float std, Consumer<Parameter> register) {
      this.prefix = prefix;
      this.normal = new NormalInitializer(std);
      this.register = register;
    }

    Parameter weight(String name, Shape shape) {
      return add(name, Parameter.Type.WEIGHT, shape, normal);
    }

    Dense dense(String name, int in, int out) {
      return new Dense(weight(name + ".weight", new Shape(out, in)),
          add(name + ".bias", Parameter.Type.BIAS, new Shape(out), Initializer.ZEROS));
    }

    Norm norm(String name, int size, double eps) {
      return new Norm(add(name + ".weight", Parameter.Type.GAMMA, new Shape(size), Initializer.ONES),
          add(name + ".bias", Parameter.Type.BETA, new Shape(size), Initializer.ZEROS), (float) eps);
    }

    private Parameter add(String name, Parameter.Type type, Shape shape, Initializer initializer) {
      Parameter parameter = Parameter.builder().setName(prefix + name).setType(type).optShape(shape)
          .optInitializer(initializer).build();
      register.accept(parameter);
      return parameter;
    }
  }
}
