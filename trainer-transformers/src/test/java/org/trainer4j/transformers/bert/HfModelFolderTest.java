package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * A fine-tuned model saved as an HF folder. The folder of the first test is kept in target/hf-saved-by-java with
 * the model's logits (java_logits.json) so that src/test/python/check_saved_folder.py can load it in Python's HF.
 */
public class HfModelFolderTest {
  @TempDir Path tmp;

  @Test
  void savesAFineTunedClassifierAsAnHfFolderWithHfNamesAndValues() throws IOException {
    Path folder = TinyBert.dir().resolve("../../hf-saved-by-java").normalize();
    deleteRecursively(folder);
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      fineTune(model, tokenizer, config);
      HfModelFolder.save(folder, block, Optional.of(tokenizer));

      assertEquals(Set.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"),
          fileNames(folder));
      assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(folder.resolve("model.safetensors")));
      Map<String, Safetensors.Tensor> saved = Safetensors.read(folder.resolve("model.safetensors"));
      Map<String, Safetensors.Tensor> original = Safetensors.read(TinyBert.hfFolder().resolve("model.safetensors"));
      assertEquals(new TreeSet<>(original.keySet()), new TreeSet<>(saved.keySet()), "HF's parameter names");
      boolean changed = false;
      try (NDManager scratch = NDManager.newBaseManager()) {
        for (var p : block.getParameters()) {
          Safetensors.Tensor t = saved.get(p.getKey());
          assertEquals(original.get(p.getKey()).shape(), t.shape(), p.getKey());
          assertArrayEquals(p.getValue().getArray().toFloatArray(), t.toArray(scratch).toFloatArray(), p.getKey());
          changed |= !java.util.Arrays.equals(original.get(p.getKey()).toArray(scratch).toFloatArray(),
              t.toArray(scratch).toFloatArray());
        }
      }
      assertTrue(changed, "the saved weights are the fine-tuned ones");

      JsonNode json = JsonFiles.readObject(folder.resolve("config.json"), "config");
      assertEquals("BertForSequenceClassification", json.path("architectures").get(0).asText());
      assertEquals("bert", json.path("model_type").asText());
      assertEquals("food", json.path("id2label").path("1").asText());
      assertEquals(2, json.path("label2id").path("sport").asInt());
      assertEquals(config.toJson("X"), BertConfig.load(folder).toJson("X"), "sizes and settings survive");
      assertEquals(Files.readString(TinyBert.hfFolder().resolve("tokenizer.json")),
          Files.readString(folder.resolve("tokenizer.json")));

      writeLogitsForPython(folder, model, block);
      assertReloadsWithTheSameLogits(folder, config, block);
    }
  }

  @Test
  void aBareTokenizerJsonGetsATokenizerConfigNamingItsClass() throws IOException {
    Path bare = Files.copy(TinyBert.hfFolder().resolve("tokenizer.json"), tmp.resolve("all-minilm-tokenizer.json"));
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (TextTokenizer tokenizer = TextTokenizer.load(bare); NDManager manager = NDManager.newBaseManager()) {
      BertModel encoder = new BertModel(config, Pooling.MEAN);
      PretrainedWeights.loadOnnx(encoder, manager, TinyBert.onnx());
      Path folder = tmp.resolve("saved");
      HfModelFolder.save(folder, encoder, Optional.of(tokenizer));
      assertEquals(Set.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"),
          fileNames(folder));
      JsonNode tokenizerConfig = JsonFiles.readObject(folder.resolve("tokenizer_config.json"), "tokenizer config");
      assertEquals("BertTokenizer", tokenizerConfig.path("tokenizer_class").asText());
      assertEquals(64, tokenizerConfig.path("model_max_length").asInt());
      assertEquals("BertModel", JsonFiles.readObject(folder.resolve("config.json"), "config")
          .path("architectures").get(0).asText());
      assertTrue(Safetensors.read(folder.resolve("model.safetensors")).containsKey("embeddings.word_embeddings.weight"));
    }
  }

  @Test
  void aMeanPooledClassifierHasNoHfClassAndIsRefused() {
    BertForSequenceClassification block = new BertForSequenceClassification(BertConfig.load(TinyBert.hfFolder()),
        Pooling.MEAN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HfModelFolder.save(tmp, block, Optional.empty()));
    assertTrue(e.getMessage().startsWith("a BertForSequenceClassification with Pooling.MEAN cannot be saved"));
    assertFalse(Files.exists(tmp.resolve("model.safetensors")));
  }

  private void fineTune(Model model, TextTokenizer tokenizer, BertConfig config) {
    TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("run").toString()).maxSteps(3)
        .perDeviceTrainBatchSize(8).learningRate(5e-3).saveStrategy("no").disableTqdm(true).reportTo("none").build();
    var examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
        TextColumns.builder().label2id(config.label2id()).build()));
    try (Trainer trainer = Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
        .trainDataset(examples, DataCollatorWithPadding.builder(tokenizer).build()).build()) {
      trainer.train();
    }
  }

  /** java_logits.json beside the folder: the texts, Java's input ids and logits, for check_saved_folder.py. */
  public static void writeLogitsForPython(Path folder, Model model, Block block) throws IOException {
    JsonNode texts = TinyBert.reference().path("forward").path("texts");
    try (NDManager manager = model.getNDManager().newSubManager();
        Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager)) {
      NDArray logits = block.forward(new ParameterStore(manager, false), batch.inputs(), false).head();
      ObjectNode out = JsonFiles.mapper().createObjectNode();
      out.set("texts", texts);
      out.set("input_ids", rows(batch.inputs().get("input_ids").toLongArray(), batch.size()));
      ArrayNode values = out.putArray("logits");
      float[] flat = logits.toFloatArray();
      int width = flat.length / batch.size();
      for (int r = 0; r < batch.size(); r++) {
        ArrayNode row = values.addArray();
        for (int c = 0; c < width; c++) {
          row.add((double) flat[r * width + c]);
        }
      }
      Files.writeString(folder.getParent().resolve("java_logits.json"), out.toPrettyString());
    }
  }

  private static ArrayNode rows(long[] flat, int rows) {
    ArrayNode out = JsonFiles.mapper().createArrayNode();
    int width = flat.length / rows;
    for (int r = 0; r < rows; r++) {
      ArrayNode row = out.addArray();
      for (int c = 0; c < width; c++) {
        row.add(flat[r * width + c]);
      }
    }
    return out;
  }

  private static void assertReloadsWithTheSameLogits(Path folder, BertConfig config, BertForSequenceClassification saved) {
    try (NDManager manager = NDManager.newBaseManager()) {
      BertForSequenceClassification reloaded = new BertForSequenceClassification(BertConfig.load(folder));
      PretrainedWeights.LoadReport report = PretrainedWeights.loadSafetensors(reloaded, manager, folder);
      assertEquals(List.of(), report.newlyInitialized());
      Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager);
      assertArrayEquals(saved.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray(),
          reloaded.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray());
    }
  }

  static Set<String> fileNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  public static void deleteRecursively(Path folder) throws IOException {
    if (Files.exists(folder)) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
