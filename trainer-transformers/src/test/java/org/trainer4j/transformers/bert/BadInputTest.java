package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextTokenizer;
import org.trainer4j.transformers.text.Truncation;

/** Each bad configuration, checkpoint, graph or input is an IllegalArgumentException that says what is wrong. */
class BadInputTest {
  private static NDManager manager;
  private static BertConfig config;

  @TempDir Path tmp;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    config = BertConfig.load(TinyBert.hfFolder());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void missingOrCorruptConfig() throws IOException {
    assertMessage(() -> BertConfig.load(tmp), "no model configuration (config.json) at " + tmp.resolve("config.json"));
    Files.writeString(tmp.resolve("config.json"), "{\"hidden_size\": 32,");
    assertStarts(() -> BertConfig.load(tmp), tmp.resolve("config.json") + " is not a valid model configuration"
        + " (config.json) (corrupt JSON");
    assertMessage(() -> BertConfig.fromJson(json("{\"model_type\": \"roberta\"}")),
        "model_type=roberta is not a BERT model; this encoder is HF's BertModel (model_type bert)");
    assertMessage(() -> BertConfig.fromJson(json("{\"hidden_size\": 30, \"num_attention_heads\": 4}")),
        "The hidden size (30) is not a multiple of the number of attention heads (4)");
    assertMessage(() -> BertConfig.fromJson(json("{\"hidden_act\": \"gelu_new\"}")), "hidden_act=gelu_new is not"
        + " supported; supported: [gelu, relu] (gelu is the exact, erf-based GELU)");
    assertMessage(() -> BertConfig.fromJson(json("{\"id2label\": {\"0\": \"a\", \"2\": \"c\"}}")),
        "id2label must number its labels 0..1, got {0=a, 2=c}");
    assertMessage(() -> BertConfig.fromJson(json("{\"vocab_size\": \"many\"}")),
        "vocab_size must be a whole number, got \"many\"");
  }

  @Test
  void missingOrCorruptWeights() throws IOException {
    BertForSequenceClassification block = new BertForSequenceClassification(config);
    assertMessage(() -> PretrainedWeights.loadSafetensors(block, manager, tmp),
        "no weights at " + tmp.resolve("model.safetensors"));
    Files.writeString(tmp.resolve("pytorch_model.bin"), "pickle");
    assertMessage(() -> PretrainedWeights.loadSafetensors(block, manager, tmp), "no weights at "
        + tmp.resolve("model.safetensors") + " (pytorch_model.bin is not read: save the model with"
        + " safe_serialization=True)");

    byte[] good = Files.readAllBytes(TinyBert.hfFolder().resolve("model.safetensors"));
    Path cut = Files.write(tmp.resolve("cut.safetensors"), java.util.Arrays.copyOf(good, good.length / 2));
    assertStarts(() -> PretrainedWeights.loadSafetensors(block, manager, cut),
        cut + " is not a valid safetensors file: " + cut + " is cut short: tensor");
    Path garbage = Files.write(tmp.resolve("garbage.safetensors"), "0123456789abcdef".getBytes());
    assertStarts(() -> PretrainedWeights.loadSafetensors(block, manager, garbage),
        garbage + " is not a valid safetensors file");
  }

  @Test
  void shapesThatDoNotMatchTheConfigNameTheTensor() {
    BertForSequenceClassification fiveLabels = new BertForSequenceClassification(
        config.withLabels(java.util.List.of("a", "b", "c", "d", "e")));
    assertStarts(() -> PretrainedWeights.loadSafetensors(fiveLabels, manager, TinyBert.hfFolder()),
        TinyBert.hfFolder().resolve("model.safetensors") + ": tensor classifier.bias has shape (3) but"
            + " classifier.bias of this BertForSequenceClassification has shape (5) (from its configuration:"
            + " hidden_size=32, vocab_size=385, intermediate_size=64, num_labels=5)");

    ObjectNode wider = config.toJson("BertModel");
    wider.put("intermediate_size", 48);
    BertModel encoder = new BertModel(BertConfig.fromJson(wider), Pooling.MEAN);
    assertStarts(() -> PretrainedWeights.loadOnnx(encoder, manager, TinyBert.onnx()), TinyBert.onnx() + ": tensor "
        + "encoder.layer.0.intermediate.dense.bias has shape (64) but encoder.layer.0.intermediate.dense.bias of this"
        + " BertModel has shape (48)");
  }

  @Test
  void aCheckpointWithoutAnEncoderTensorNamesIt() throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    Safetensors.read(TinyBert.hfFolder().resolve("model.safetensors")).forEach((name, t) -> {
      if (!name.equals("bert.encoder.layer.1.output.dense.bias")) {
        arrays.put(name, t.toArray(manager));
      }
    });
    Path file = tmp.resolve("model.safetensors");
    Safetensors.write(file, arrays, Map.of("format", "pt"));
    assertMessage(() -> PretrainedWeights.loadSafetensors(new BertForSequenceClassification(config), manager, tmp),
        file + " has no weights for bert.encoder.layer.1.output.dense.bias; it is not a checkpoint of this BERT"
            + " configuration");
  }

  @Test
  void halfPrecisionCheckpointsLoadAsFloat32() throws IOException {
    Map<String, NDArray> half = new LinkedHashMap<>();
    Safetensors.read(TinyBert.hfFolder().resolve("model.safetensors"))
        .forEach((name, t) -> half.put(name, t.toArray(manager).toType(ai.djl.ndarray.types.DataType.FLOAT16, false)));
    Safetensors.write(tmp.resolve("model.safetensors"), half, Map.of("format", "pt"));
    BertForSequenceClassification fromHalf = new BertForSequenceClassification(config);
    PretrainedWeights.loadSafetensors(fromHalf, manager, tmp);
    NDArray loaded = fromHalf.getParameters().get("classifier.weight").getArray();
    assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, loaded.getDataType());
    org.junit.jupiter.api.Assertions.assertArrayEquals(half.get("classifier.weight").toType(
        ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), loaded.toFloatArray());
  }

  @Test
  void anOnnxGraphItCannotMapNamesTheFirstUnmappedInitializer() throws IOException {
    ObjectNode oneLayer = config.toJson("BertModel");
    oneLayer.put("num_hidden_layers", 1);
    assertStarts(() -> PretrainedWeights.loadOnnx(new BertModel(BertConfig.fromJson(oneLayer), Pooling.MEAN), manager,
        TinyBert.onnx()), TinyBert.onnx() + ": cannot map initializer encoder.layer.1.attention.self.query.bias (32)"
            + " to a parameter of BertModel");

    // The same graph with one more initializer that nothing reads: a second GraphProto occurrence, which protobuf
    // merges into the first.
    Path extended = Files.write(tmp.resolve("extended.onnx"), withExtraInitializer(
        Files.readAllBytes(TinyBert.onnx()), "mystery_weight"));
    assertMessage(() -> PretrainedWeights.loadOnnx(new BertModel(config, Pooling.MEAN), manager, extended),
        extended + ": cannot map initializer mystery_weight (2, 2) to a parameter of BertModel: the model has no"
            + " parameter of that name, and it is not the matrix of a MatMul followed by an Add of a named bias");

    Path garbage = Files.writeString(tmp.resolve("garbage.onnx"), "not a protobuf at all \u0000\u00ff");
    assertStarts(() -> PretrainedWeights.loadOnnx(new BertModel(config, Pooling.MEAN), manager, garbage),
        garbage + " is not a valid ONNX model (");
  }

  @Test
  void sequencesLongerThanThePositionEmbeddingsFailUnlessTruncatedAsHf() {
    String longText = "the weather was cold and the team played well ".repeat(10);
    BertModel encoder = new BertModel(config, Pooling.MEAN);
    PretrainedWeights.loadOnnx(encoder, manager, TinyBert.onnx());
    try (TextTokenizer plain = TextTokenizer.load(TinyBert.hfFolder());
        TextTokenizer truncating = TextTokenizer.builder(TinyBert.hfFolder()).truncation(Truncation.LONGEST_FIRST).build();
        NDManager batchManager = manager.newSubManager()) {
      NDList tooLong = DataCollatorWithPadding.builder(plain).build()
          .collate(java.util.List.of(Features.unlabelled(plain.encode(longText))), batchManager).inputs();
      assertMessage(() -> encoder.forward(new ParameterStore(batchManager, false), tooLong, false),
          "input_ids has sequences of 142 tokens, more than the model's max_position_embeddings=64; tokenize with"
              + " truncation (HF's truncation=True, max_length <= 64)");
      NDList truncated = DataCollatorWithPadding.builder(truncating).build()
          .collate(java.util.List.of(Features.unlabelled(truncating.encode(longText))), batchManager).inputs();
      assertEquals(new Shape(1, 64, 32),
          encoder.forward(new ParameterStore(batchManager, false), truncated, false).head().getShape());
    }
  }

  @Test
  void inputsOfTheWrongShapeAreClearErrors() {
    BertModel encoder = new BertModel(config, Pooling.MEAN);
    encoder.initialize(manager);
    try (NDManager m = manager.newSubManager()) {
      NDArray ids = m.create(new long[] {2, 5, 3}, new Shape(1, 3));
      assertMessage(() -> encoder.forward(new ParameterStore(m, false), new NDList(m.create(new float[] {1, 2})), false),
          "input_ids must be integer token ids of shape [batch, length], got float32 (2)");
      assertMessage(() -> encoder.forward(new ParameterStore(m, false),
          new NDList(ids, m.create(new long[] {1, 1}, new Shape(1, 2))), false),
          "attention_mask has shape (1, 2) but input_ids has (1, 3); they must match");
    }
  }

  @Test
  void aFrozenBertIsNothingToTrainAndRefusedWhenTheTrainerIsBuilt() {
    try (ai.djl.Model model = ai.djl.Model.newInstance("frozen");
        TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      block.freezeParameters(true);
      var train = tokenizer.tokenize(org.trainer4j.transformers.text.TextDatasets.readJsonLines(
          TinyBert.sentencesJsonl(), org.trainer4j.transformers.text.TextColumns.builder()
              .label2id(config.label2id()).build()));
      var args = org.trainer4j.core.args.TrainingArguments.builder().outputDir(tmp.resolve("frozen").toString())
          .reportTo("none").build();
      assertStarts(() -> org.trainer4j.core.Trainer.builder().model(model)
          .loss(new org.trainer4j.transformers.loss.CrossEntropyLoss()).args(args)
          .trainDataset(train, DataCollatorWithPadding.builder(tokenizer).build()).build(),
          "the model has no trainable parameters (all 41 of its parameters are frozen: they do not require"
          + " gradients)");
    }
  }

  private static byte[] withExtraInitializer(byte[] model, String name) throws IOException {
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    CodedOutputStream t = CodedOutputStream.newInstance(tensor);
    t.writeInt64(1, 2);
    t.writeInt64(1, 2);
    t.writeInt32(2, 1);
    t.writeString(8, name);
    t.writeByteArray(9, new byte[16]);
    t.flush();
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    CodedOutputStream g = CodedOutputStream.newInstance(graph);
    g.writeByteArray(5, tensor.toByteArray());
    g.flush();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(model);
    CodedOutputStream m = CodedOutputStream.newInstance(out);
    m.writeByteArray(7, graph.toByteArray());
    m.flush();
    return out.toByteArray();
  }

  private static ObjectNode json(String text) throws IOException {
    return (ObjectNode) JsonFiles.mapper().readTree(text);
  }

  private static void assertMessage(Executable call, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  private static void assertStarts(Executable call, String start) {
    String message = assertThrows(IllegalArgumentException.class, call).getMessage();
    assertTrue(message.startsWith(start), message);
  }
}
