package org.trainer4j.transformers.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.trainer4j.transformers.JsonFiles;

/**
 * HF's {@code BertConfig}: the sizes and settings of a BERT-family encoder, read from and written to {@code
 * config.json} with HF's key names and defaults. Labels ({@code id2label}) decide the classifier's size.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}; must divide {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param hiddenAct {@code hidden_act}; {@code gelu} (exact, erf-based) or {@code relu}
 * @param hiddenDropoutProb {@code hidden_dropout_prob}
 * @param attentionProbsDropoutProb {@code attention_probs_dropout_prob}
 * @param maxPositionEmbeddings {@code max_position_embeddings}: the longest sequence the model takes
 * @param typeVocabSize {@code type_vocab_size}
 * @param initializerRange {@code initializer_range}: standard deviation of fresh weights
 * @param layerNormEps {@code layer_norm_eps}
 * @param padTokenId {@code pad_token_id}
 * @param classifierDropout {@code classifier_dropout}; empty means {@code hidden_dropout_prob}
 * @param id2label {@code id2label}: class ids 0..n-1 to label names
 * @param json the whole {@code config.json} it was read from (other keys are written back unchanged)
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
    int intermediateSize, String hiddenAct, double hiddenDropoutProb, double attentionProbsDropoutProb,
    int maxPositionEmbeddings, int typeVocabSize, double initializerRange, double layerNormEps, int padTokenId,
    OptionalDouble classifierDropout, Map<Integer, String> id2label, ObjectNode json) {

  /** The activations the encoder implements, by HF's {@code hidden_act} names. */
  public static final List<String> ACTIVATIONS = List.of("gelu", "relu");
  /** HF's {@code problem_type} values. */
  public static final List<String> PROBLEM_TYPES =
      List.of("regression", "single_label_classification", "multi_label_classification");

  public BertConfig {
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("intermediate_size", intermediateSize);
    positive("max_position_embeddings", maxPositionEmbeddings);
    positive("type_vocab_size", typeVocabSize);
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IllegalArgumentException("The hidden size (" + hiddenSize + ") is not a multiple of the number of"
          + " attention heads (" + numAttentionHeads + ")");
    }
    if (!ACTIVATIONS.contains(hiddenAct)) {
      throw new IllegalArgumentException("hidden_act=" + hiddenAct + " is not supported; supported: " + ACTIVATIONS
          + " (gelu is the exact, erf-based GELU)");
    }
    probability("hidden_dropout_prob", hiddenDropoutProb);
    probability("attention_probs_dropout_prob", attentionProbsDropoutProb);
    classifierDropout.ifPresent(p -> probability("classifier_dropout", p));
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
    }
    if (!(initializerRange >= 0)) {
      throw new IllegalArgumentException("initializer_range must be 0 or more, got " + initializerRange);
    }
    JsonNode problem = json.path("problem_type");
    if (!problem.isMissingNode() && !problem.isNull() && !PROBLEM_TYPES.contains(problem.asText())) {
      throw new IllegalArgumentException("problem_type must be one of " + PROBLEM_TYPES + " (or null), got "
          + problem);
    }
    id2label = Map.copyOf(new TreeMap<>(id2label));
    for (int i = 0; i < id2label.size(); i++) {
      if (!id2label.containsKey(i)) {
        throw new IllegalArgumentException("id2label must number its labels 0.." + (id2label.size() - 1) + ", got "
            + new TreeMap<>(id2label));
      }
    }
    json = json.deepCopy();
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  private static void probability(String key, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(key + " must be in [0, 1), got " + value);
    }
  }

  /**
   * Reads {@code config.json} from an HF model folder (or the file itself), with HF's {@code BertConfig} defaults
   * for keys it lacks.
   *
   * @throws IllegalArgumentException when the file is missing or corrupt, its {@code model_type} is not {@code
   *     bert}, or a value is invalid
   */
  public static BertConfig load(Path folderOrFile) {
    Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("config.json") : folderOrFile;
    JsonNode json = JsonFiles.readObject(file, "model configuration (config.json)");
    try {
      return fromJson((ObjectNode) json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** A configuration from the keys of a {@code config.json} object. */
  public static BertConfig fromJson(ObjectNode json) {
    String modelType = json.path("model_type").asText("bert");
    if (!"bert".equals(modelType)) {
      throw new IllegalArgumentException("model_type=" + modelType + " is not a BERT model; this encoder is HF's"
          + " BertModel (model_type bert)");
    }
    String positions = json.path("position_embedding_type").asText("absolute");
    if (!"absolute".equals(positions)) {
      throw new IllegalArgumentException("position_embedding_type=" + positions + " is not supported; only absolute");
    }
    if (json.path("is_decoder").asBoolean(false)) {
      throw new IllegalArgumentException("is_decoder=true is not supported: this is BERT's bidirectional encoder");
    }
    Map<Integer, String> id2label = new LinkedHashMap<>();
    JsonNode labels = json.path("id2label");
    if (labels.isObject()) {
      labels.fields().forEachRemaining(e -> id2label.put(parseId(e.getKey()), e.getValue().asText()));
    } else {
      int n = json.path("num_labels").asInt(2); // HF's PretrainedConfig default: two labels LABEL_0, LABEL_1
      for (int i = 0; i < n; i++) {
        id2label.put(i, "LABEL_" + i);
      }
    }
    JsonNode classifierDropout = json.path("classifier_dropout");
    return new BertConfig(intOf(json, "vocab_size", 30522), intOf(json, "hidden_size", 768),
        intOf(json, "num_hidden_layers", 12), intOf(json, "num_attention_heads", 12),
        intOf(json, "intermediate_size", 3072), json.path("hidden_act").asText("gelu"),
        doubleOf(json, "hidden_dropout_prob", 0.1), doubleOf(json, "attention_probs_dropout_prob", 0.1),
        intOf(json, "max_position_embeddings", 512), intOf(json, "type_vocab_size", 2),
        doubleOf(json, "initializer_range", 0.02), doubleOf(json, "layer_norm_eps", 1e-12),
        intOf(json, "pad_token_id", 0),
        classifierDropout.isNumber() ? OptionalDouble.of(classifierDropout.asDouble()) : OptionalDouble.empty(),
        id2label, json);
  }

  /**
   * The configuration of an ONNX export of HF's {@code BertModel} (which carries no {@code config.json}): the sizes
   * come from the initializers' shapes, the number of attention heads (not visible in the weights) is given, the
   * rest are HF's defaults ({@code layer_norm_eps} 1e-12, {@code gelu}, two labels).
   *
   * @throws IllegalArgumentException when the file is not an ONNX model or lacks a BERT embedding or layer tensor
   */
  public static BertConfig fromOnnx(Path onnxFile, int numAttentionHeads) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    OnnxGraph.read(onnxFile).initializers().forEach(i -> shapes.put(i.name().startsWith("bert.")
        ? i.name().substring("bert.".length()) : i.name(), i.dims()));
    int layers = 0;
    while (shapes.containsKey("encoder.layer." + layers + ".attention.self.query.bias")) {
      layers++;
    }
    ObjectNode json = JsonFiles.mapper().createObjectNode();
    long[] words = onnxShape(shapes, "embeddings.word_embeddings.weight", onnxFile);
    json.put("vocab_size", words[0]);
    json.put("hidden_size", words[1]);
    json.put("max_position_embeddings", onnxShape(shapes, "embeddings.position_embeddings.weight", onnxFile)[0]);
    json.put("type_vocab_size", onnxShape(shapes, "embeddings.token_type_embeddings.weight", onnxFile)[0]);
    json.put("intermediate_size", onnxShape(shapes, "encoder.layer.0.intermediate.dense.bias", onnxFile)[0]);
    json.put("num_hidden_layers", layers);
    json.put("num_attention_heads", numAttentionHeads);
    return fromJson(json);
  }

  private static long[] onnxShape(Map<String, long[]> shapes, String name, Path file) {
    long[] shape = shapes.get(name);
    if (shape == null) {
      throw new IllegalArgumentException(file + " has no initializer " + name + " (nor bert." + name + "); it is not"
          + " an export of HF's BertModel");
    }
    return shape;
  }

  private static int parseId(String key) {
    try {
      return Integer.parseInt(key);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("id2label key '" + key + "' is not a class id", e);
    }
  }

  private static int intOf(JsonNode json, String key, int fallback) {
    JsonNode v = json.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " must be a whole number, got " + v);
    }
    return v.asInt();
  }

  private static double doubleOf(JsonNode json, String key, double fallback) {
    JsonNode v = json.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(key + " must be a number, got " + v);
    }
    return v.asDouble();
  }

  /** HF's {@code BertConfig()} defaults: bert-base sizes, two labels. */
  public static BertConfig defaults() {
    return fromJson(JsonFiles.mapper().createObjectNode());
  }

  /** The {@code config.json} keys it was read with (a copy). */
  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }

  /** {@code num_labels}: the classifier's number of outputs. */
  public int numLabels() {
    return id2label.size();
  }

  /** HF's {@code label2id}: the inverse of {@code id2label}. */
  public Map<String, Integer> label2id() {
    Map<String, Integer> out = new LinkedHashMap<>();
    new TreeMap<>(id2label).forEach((id, label) -> out.put(label, id));
    return out;
  }

  /** Size of one attention head. */
  public int headSize() {
    return hiddenSize / numAttentionHeads;
  }

  /** The dropout before the classifier: {@code classifier_dropout}, else {@code hidden_dropout_prob}. */
  public double effectiveClassifierDropout() {
    return classifierDropout.orElse(hiddenDropoutProb);
  }

  /** This configuration with these label names as {@code id2label} (class ids in list order), for a new head. */
  public BertConfig withLabels(List<String> labels) {
    if (labels.isEmpty() || labels.stream().distinct().count() != labels.size()) {
      throw new IllegalArgumentException("labels must be distinct and at least one, got " + labels);
    }
    Map<Integer, String> map = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      map.put(i, labels.get(i));
    }
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
        hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
        layerNormEps, padTokenId, classifierDropout, map, json);
  }

  /** This configuration with every dropout probability 0 (HF's {@code from_pretrained(..., hidden_dropout_prob=0)}). */
  public BertConfig withoutDropout() {
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
        0, 0, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
        classifierDropout.isPresent() ? OptionalDouble.of(0) : OptionalDouble.empty(), id2label, json);
  }

  /**
   * HF's {@code problem_type} when {@code config.json} sets it: {@code regression}, {@code
   * single_label_classification} or {@code multi_label_classification}. It tells Python's HF which loss to use and
   * its pipelines whether to apply softmax or sigmoid; Trainer4J's loss is the one given to the Trainer ({@code
   * CrossEntropyLoss}, core's {@code MeanSquaredErrorLoss}, {@code BceWithLogitsLoss}).
   */
  public Optional<String> problemType() {
    JsonNode problem = json.path("problem_type");
    return problem.isTextual() ? Optional.of(problem.asText()) : Optional.empty();
  }

  /**
   * This configuration with HF's {@code problem_type}, saved into {@code config.json}.
   *
   * @throws IllegalArgumentException for a value HF does not know
   */
  public BertConfig withProblemType(String problemType) {
    if (!PROBLEM_TYPES.contains(problemType)) {
      throw new IllegalArgumentException("problem_type must be one of " + PROBLEM_TYPES + ", got " + problemType);
    }
    ObjectNode updated = json.deepCopy();
    updated.put("problem_type", problemType);
    return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
        hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
        layerNormEps, padTokenId, classifierDropout, id2label, updated);
  }

  /** The list of label names by class id. */
  public List<String> labels() {
    return new ArrayList<>(new TreeMap<>(id2label).values());
  }

  /**
   * {@code config.json} for HF: the keys it was read with, this configuration's values, {@code model_type} bert
   * and the given {@code architectures}.
   */
  public ObjectNode toJson(String architecture) {
    ObjectNode out = json.deepCopy();
    out.putArray("architectures").add(architecture);
    out.put("model_type", "bert");
    out.put("vocab_size", vocabSize);
    out.put("hidden_size", hiddenSize);
    out.put("num_hidden_layers", numHiddenLayers);
    out.put("num_attention_heads", numAttentionHeads);
    out.put("intermediate_size", intermediateSize);
    out.put("hidden_act", hiddenAct);
    out.put("hidden_dropout_prob", hiddenDropoutProb);
    out.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
    out.put("max_position_embeddings", maxPositionEmbeddings);
    out.put("type_vocab_size", typeVocabSize);
    out.put("initializer_range", initializerRange);
    out.put("layer_norm_eps", layerNormEps);
    out.put("pad_token_id", padTokenId);
    out.put("position_embedding_type", "absolute");
    if (classifierDropout.isPresent()) {
      out.put("classifier_dropout", classifierDropout.getAsDouble());
    } else {
      out.putNull("classifier_dropout");
    }
    out.remove("num_labels");
    ObjectNode id2labelJson = out.putObject("id2label");
    ObjectNode label2idJson = out.putObject("label2id");
    new TreeMap<>(id2label).forEach((id, label) -> {
      id2labelJson.put(String.valueOf(id), label);
      label2idJson.put(label, id);
    });
    return out;
  }
}
