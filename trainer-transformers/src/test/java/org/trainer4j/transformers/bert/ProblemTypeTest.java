package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.engine.MeanSquaredErrorLoss;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.BceWithLogitsLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextExample;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * HF's problem_type for sequence classification, against HF's own losses (src/test/python/
 * make_problem_type_reference.py): regression (one label, MSELoss) and multi-label (BCEWithLogitsLoss).
 */
class ProblemTypeTest {
  private static final JsonNode REFERENCE = JsonFiles.readObject(TinyBert.dir().resolve("problem-types.json"),
      "reference");

  @TempDir Path tmp;

  @Test
  void regressionAndMultiLabelLogitsAndLossesEqualHfs() {
    assertMatchesHf("regression", new MeanSquaredErrorLoss());
    assertMatchesHf("multi_label_classification", new BceWithLogitsLoss());
  }

  private static void assertMatchesHf(String problemType, Loss loss) {
    JsonNode expected = REFERENCE.path(problemType);
    int numLabels = expected.path("num_labels").asInt();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < numLabels; i++) {
      labels.add("LABEL_" + i);
    }
    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withLabels(labels).withProblemType(problemType);
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        NDManager manager = NDManager.newBaseManager()) {
      BertForSequenceClassification block = new BertForSequenceClassification(config);
      PretrainedWeights.loadSafetensors(block, manager, TinyBert.hfFolder(), true);
      TinyBert.setReferenceClassifier(block, manager);
      List<Features> features = new ArrayList<>();
      for (int i = 0; i < REFERENCE.path("texts").size(); i++) {
        features.add(Features.withScores(tokenizer.encode(REFERENCE.path("texts").get(i).asText()),
            TinyBert.flatFloats(expected.path("labels").get(i))));
      }
      Batch batch = DataCollatorWithPadding.builder(tokenizer).build().collate(features, manager);
      assertEquals(DataType.FLOAT32, batch.labels().head().getDataType());
      assertEquals(new Shape(4, numLabels), batch.labels().head().getShape());
      NDList outputs = block.forward(new ParameterStore(manager, false), batch.inputs(), false);
      assertArrayEquals(TinyBert.flatFloats(expected.path("logits")), outputs.head().toFloatArray(), 1e-5f,
          problemType + " logits");
      double hfLoss = expected.path("loss").asDouble();
      assertEquals(hfLoss, loss.evaluate(batch.labels(), outputs).getFloat(), 1e-6 * Math.max(1, hfLoss),
          problemType + " loss");
    }
  }

  @Test
  void regressionScoresAreReadAsNumbersAndTrainTheOneLabelModel() throws IOException {
    Path file = Files.writeString(tmp.resolve("sts.jsonl"), """
        {"text": "It will rain all afternoon.", "score": 4.5}
        {"text": "He likes his coffee strong.", "score": "0.25"}
        """);
    TextColumns columns = TextColumns.builder().label("score").regression().build();
    List<TextExample> read = TextDatasets.readJsonLines(file, columns);
    assertEquals(List.of(OptionalDouble.of(4.5), OptionalDouble.of(0.25)),
        read.stream().map(TextExample::score).toList());

    Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"a\", \"score\": \"high\"}\n");
    assertEquals("line 1 of " + bad + ": label 'high' in column 'score' is not a number; regression labels are scores"
        + " such as 3.8", assertThrows(IllegalArgumentException.class,
            () -> TextDatasets.readJsonLines(bad, columns)).getMessage());
    assertEquals("regression labels are numbers, so label2id {a=0} does not apply; give one or the other",
        assertThrows(IllegalArgumentException.class, () -> TextColumns.builder().regression()
            .label2id(Map.of("a", 0)).build()).getMessage());

    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withLabels(List.of("score"))
        .withProblemType("regression").withoutDropout();
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert-sts")) {
      BertForSequenceClassification block = new BertForSequenceClassification(config);
      model.setBlock(block);
      Engine.getInstance().setRandomSeed(5); // the fresh classifier's draw, as HF's set_seed before from_pretrained
      IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
          () -> PretrainedWeights.loadSafetensors(block, model.getNDManager(), TinyBert.hfFolder()));
      assertTrue(mismatch.getMessage().endsWith("; to train a new head on it, load with ignoreMismatchedSizes (HF's"
          + " ignore_mismatched_sizes=True)"), mismatch.getMessage());
      assertEquals(List.of("classifier.weight", "classifier.bias"), PretrainedWeights.loadSafetensors(block,
          model.getNDManager(), TinyBert.hfFolder(), true).newlyInitialized());
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("run").toString()).maxSteps(30)
          .perDeviceTrainBatchSize(2).learningRate(1e-2).loggingSteps(10).saveStrategy("no").disableTqdm(true)
          .reportTo("none").seed(5).build();
      try (Trainer trainer = Trainer.builder().model(model).loss(new MeanSquaredErrorLoss()).args(args)
          .trainDataset(tokenizer.tokenize(read), DataCollatorWithPadding.builder(tokenizer).build())
          .callbacks(new HfModelFolderCallback(tokenizer)).build()) {
        trainer.train();
        List<Double> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
            .map(r -> ((Number) r.get("loss")).doubleValue()).toList();
        assertTrue(losses.get(2) < losses.get(0) / 2, "the squared error falls: " + losses);
      }
      // The saved folder tells Python's HF it is a regression model.
      assertEquals(Optional.of("regression"), BertConfig.load(tmp.resolve("run")).problemType());
      assertEquals("regression", JsonFiles.readObject(tmp.resolve("run/config.json"), "config")
          .path("problem_type").asText());
    }
    assertEquals("problem_type must be one of [regression, single_label_classification, multi_label_classification],"
        + " got ranking", assertThrows(IllegalArgumentException.class,
            () -> BertConfig.load(TinyBert.hfFolder()).withProblemType("ranking")).getMessage());
  }

  @Test
  void multiLabelListsAreReadAsZeroOneVectorsAndTrainWithBceWithLogits() throws IOException {
    Map<String, Integer> label2id = Map.of("weather", 0, "food", 1, "sport", 2);
    TextColumns columns = TextColumns.builder().label("labels").multiLabel().label2id(label2id).build();
    Path jsonl = Files.writeString(tmp.resolve("topics.jsonl"), """
        {"text": "Rain stopped the match.", "labels": ["weather", "sport"]}
        {"text": "He likes his coffee strong.", "labels": [1]}
        {"text": "Nothing to see here.", "labels": []}
        """);
    List<TextExample> read = TextDatasets.readJsonLines(jsonl, columns);
    assertArrayEquals(new float[] {1, 0, 1}, read.get(0).scores());
    assertArrayEquals(new float[] {0, 1, 0}, read.get(1).scores());
    assertArrayEquals(new float[] {0, 0, 0}, read.get(2).scores());
    Path csv = Files.writeString(tmp.resolve("topics.csv"), "text,labels\n\"Rain stopped the match.\","
        + "\"[\"\"weather\"\",\"\"sport\"\"]\"\n");
    assertEquals(read.subList(0, 1), TextDatasets.readCsv(csv, columns), "CSV cells hold the list as JSON");

    Path unknown = Files.writeString(tmp.resolve("unknown.jsonl"), "{\"text\": \"a\", \"labels\": [\"news\"]}\n");
    assertEquals("line 1 of " + unknown + ": label 'news' in column 'labels' is not in label2id; known labels: [food,"
        + " sport, weather]", assertThrows(IllegalArgumentException.class,
            () -> TextDatasets.readJsonLines(unknown, columns)).getMessage());
    Path single = Files.writeString(tmp.resolve("single.jsonl"), "{\"text\": \"a\", \"labels\": \"food\"}\n");
    assertEquals("line 1 of " + single + ": column 'labels' holds food, not a JSON array of labels such as [\"joy\","
        + " \"surprise\"] (multi-label)", assertThrows(IllegalArgumentException.class,
            () -> TextDatasets.readJsonLines(single, columns)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextColumns.builder().multiLabel().build())
        .getMessage().startsWith("multi-label columns need label2id with the class ids 0..n-1 of all n classes"));

    BertConfig config = BertConfig.load(TinyBert.hfFolder()).withProblemType("multi_label_classification");
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert-topics")) {
      BertForSequenceClassification block = new BertForSequenceClassification(config);
      model.setBlock(block);
      PretrainedWeights.loadSafetensors(block, model.getNDManager(), TinyBert.hfFolder());
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("run").toString()).maxSteps(20)
          .perDeviceTrainBatchSize(3).learningRate(1e-2).loggingSteps(10).saveStrategy("no").disableTqdm(true)
          .reportTo("none").seed(5).build();
      try (Trainer trainer = Trainer.builder().model(model).loss(new BceWithLogitsLoss()).args(args)
          .trainDataset(tokenizer.tokenize(read), DataCollatorWithPadding.builder(tokenizer).build()).build()) {
        trainer.train();
        List<Double> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
            .map(r -> ((Number) r.get("loss")).doubleValue()).toList();
        assertTrue(losses.get(1) < losses.get(0) / 2, "the binary cross entropy falls: " + losses);
      }
    }
  }
}
