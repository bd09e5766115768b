package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.metrics.TokenClassificationMetrics;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TaggedWords;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * Token classification against HF's recipe and model (src/test/python/make_token_classification_reference.py):
 * words tokenized with is_split_into_words, labels on each word's first token, DataCollatorForTokenClassification's
 * padding, and BertForTokenClassification's logits and loss with the same weights.
 */
class TokenClassificationTest {
  private static final JsonNode REFERENCE =
      JsonFiles.readObject(TinyBert.dir().resolve("token-classification.json"), "reference");

  @TempDir Path tmp;

  @Test
  void wordsAreTokenizedAndTheirTagsAlignedAsHfDoes() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      List<Features> features = tokenizer.tokenizeWords(examples());
      for (int i = 0; i < features.size(); i++) {
        JsonNode expected = REFERENCE.path("examples").get(i);
        assertArrayEquals(TinyBert.longs(expected.path("input_ids")), features.get(i).encoding().inputIds());
        assertArrayEquals(TinyBert.longs(expected.path("word_ids")), features.get(i).encoding().wordIds());
        assertArrayEquals(TinyBert.longs(expected.path("labels")), features.get(i).labels(), "labels of " + i);
      }
    }
  }

  @Test
  void withLabelAllTokensAWordsOtherTokensGetItsInsideTag() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      // The fourth example: Zyxq (4 tokens), umbrella-stand (7), rain, 42 (2); tags by word 0, 1, 2, 0.
      Features f = tokenizer.tokenizeWordsLabellingAllTokens(examples().subList(3, 4), List.of("O", "B-X", "I-X"))
          .get(0);
      // B-X (1) continues as I-X (2); O (0) and I-X (2) continue as themselves; special tokens stay -100.
      assertArrayEquals(new long[] {-100, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 0, 0, -100}, f.labels());
    }
  }

  @Test
  void logitsAndLossEqualHfsBertForTokenClassification() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        NDManager manager = NDManager.newBaseManager()) {
      BertForTokenClassification block = classifierWithReferenceHead(manager);
      Batch batch = DataCollatorWithPadding.builder(tokenizer).build().collate(tokenizer.tokenizeWords(examples()),
          manager);
      float[] padded = TinyBert.flatFloats(REFERENCE.path("padded_labels"));
      long[] paddedLabels = new long[padded.length];
      for (int i = 0; i < padded.length; i++) {
        paddedLabels[i] = (long) padded[i];
      }
      assertArrayEquals(paddedLabels, batch.labels().head().toLongArray(), "DataCollatorForTokenClassification's");
      NDList outputs = block.forward(new ParameterStore(manager, false), batch.inputs(), false);
      float[] expected = TinyBert.flatFloats(REFERENCE.path("logits"));
      float[] actual = outputs.get("logits").toFloatArray();
      assertEquals(expected.length, actual.length);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5, "logit " + i);
      }
      float loss = new CrossEntropyLoss().evaluate(batch.labels(), outputs).getFloat();
      assertEquals(REFERENCE.path("loss").asDouble(), loss, 1e-6);
    }
  }

  @Test
  void theTrainerFineTunesItAndSavesAnHfFolderThatLoadsBack() throws IOException {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert-ner")) {
      BertForTokenClassification block = new BertForTokenClassification(BertConfig.load(TinyBert.hfFolder()));
      model.setBlock(block);
      block.initialize(model.getNDManager());
      PretrainedWeights.loadSafetensors(block, model.getNDManager(), TinyBert.hfFolder());
      List<Features> train = tokenizer.tokenizeWords(examples());
      DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).build();
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("run").toString()).maxSteps(20)
          .perDeviceTrainBatchSize(4).learningRate(1e-2).loggingSteps(5).saveStrategy("no").disableTqdm(true)
          .reportTo("none").seed(3).build();
      try (Trainer trainer = Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
          .trainDataset(train, collator).evalDataset(train, collator)
          .computeMetrics(new TokenClassificationMetrics(List.of("O", "B-MISC", "I-MISC")))
          .callbacks(new HfModelFolderCallback(tokenizer)).build()) {
        Map<String, Object> before = trainer.evaluate();
        trainer.train();
        List<Double> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
            .map(r -> ((Number) r.get("loss")).doubleValue()).toList();
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) / 2, "the loss falls: " + losses);
        // HF's seqeval metrics, over the words' first tokens (tags 0, 1, 2 read as O, B-MISC, I-MISC).
        Map<String, Object> after = trainer.evaluate();
        assertTrue(((Number) before.get("eval_overall_f1")).doubleValue() < 0.5, before.toString());
        assertEquals(1.0, after.get("eval_overall_f1"), after.toString()); // 10 entities, all found
        assertEquals(1.0, after.get("eval_overall_accuracy"));
        assertEquals(10.0, after.get("eval_MISC_number"));
      }
      // The exporter runs the graph in ONNX Runtime and fails beyond 1e-4 of DJL's logits.
      BertOnnxExporter.Export export = BertOnnxExporter.export(block, tmp.resolve("ner.onnx"));
      assertEquals(List.of("logits"), export.outputs());
      assertTrue(export.maxDifference() < 1e-4, "ONNX Runtime vs DJL: " + export.maxDifference());
      Path saved = tmp.resolve("run");
      assertEquals("BertForTokenClassification", JsonFiles.readObject(saved.resolve("config.json"), "config")
          .path("architectures").get(0).asText());
      assertTrue(Files.isRegularFile(saved.resolve("tokenizer.json")));
      try (NDManager manager = NDManager.newBaseManager()) {
        BertForTokenClassification reloaded = new BertForTokenClassification(BertConfig.load(saved));
        assertEquals(List.of(), PretrainedWeights.loadSafetensors(reloaded, manager, saved).newlyInitialized());
        Batch batch = collator.collate(train, manager);
        assertArrayEquals(block.forward(new ParameterStore(manager, false), batch.inputs(), false).head()
            .toFloatArray(), reloaded.forward(new ParameterStore(manager, false), batch.inputs(), false).head()
            .toFloatArray(), 1e-6f);
      }
    }
  }

  @Test
  void taggedWordsFromJsonLinesAndTheirErrors() throws IOException {
    Path file = Files.writeString(tmp.resolve("ner.jsonl"), """
        {"tokens": ["Rain", "in", "Paris"], "ner_tags": ["O", "O", "B-LOC"]}

        {"tokens": ["Snow"], "ner_tags": [0]}
        """);
    List<TaggedWords> read = TaggedWords.readJsonLines(file, "tokens", "ner_tags",
        Map.of("O", 0, "B-LOC", 1));
    assertEquals(List.of(new TaggedWords(List.of("Rain", "in", "Paris"), new int[] {0, 0, 1}),
        new TaggedWords(List.of("Snow"), new int[] {0})), read);
    Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"tokens\": [\"a\", \"b\"], \"ner_tags\": [\"B-PER\"]}\n");
    assertEquals("line 1 of " + bad + ": tag \"B-PER\" is not in label2id [O]", assertThrows(
        IllegalArgumentException.class, () -> TaggedWords.readJsonLines(bad, "tokens", "ner_tags",
            Map.of("O", 0))).getMessage());
    Path uneven = Files.writeString(tmp.resolve("uneven.jsonl"), "{\"tokens\": [\"a\", \"b\"], \"ner_tags\": [0]}\n");
    assertEquals("line 1 of " + uneven + ": 2 words need 2 tags, got 1", assertThrows(IllegalArgumentException.class,
        () -> TaggedWords.readJsonLines(uneven, "tokens", "ner_tags", Map.of())).getMessage());
    assertEquals("a BertForSequenceClassification needs one vector per sequence: give Pooling.CLS_POOLER (HF's) or"
        + " Pooling.MEAN, not Pooling.NONE (that is BertForTokenClassification's)", assertThrows(
            IllegalArgumentException.class, () -> new BertForSequenceClassification(
                BertConfig.load(TinyBert.hfFolder()), Pooling.NONE)).getMessage());
  }

  private static List<TaggedWords> examples() {
    List<TaggedWords> out = new ArrayList<>();
    for (JsonNode e : REFERENCE.path("examples")) {
      List<String> words = new ArrayList<>();
      e.path("words").forEach(w -> words.add(w.asText()));
      long[] tags = TinyBert.longs(e.path("tags"));
      int[] ints = new int[tags.length];
      for (int i = 0; i < tags.length; i++) {
        ints[i] = (int) tags[i];
      }
      out.add(new TaggedWords(words, ints));
    }
    return out;
  }

  /** The tiny BERT's encoder with the reference script's classifier. */
  private static BertForTokenClassification classifierWithReferenceHead(NDManager manager) {
    BertForTokenClassification block = new BertForTokenClassification(BertConfig.load(TinyBert.hfFolder()));
    block.initialize(manager);
    PretrainedWeights.loadSafetensors(block, manager, TinyBert.hfFolder());
    TinyBert.setReferenceClassifier(block, manager);
    return block;
  }
}
