package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * The Trainer saves HF folders: each checkpoint and, at the end, the best model in output_dir. The run is kept in
 * target/hf-trainer (output_dir run/, Java's logits in java_logits.json) for src/test/python/check_saved_folder.py;
 * the logits Python's from_pretrained computed from that folder are test data (python-from-pretrained.json).
 */
class HfModelFolderCallbackTest {
  private static final Path KEPT = TinyBert.dir().resolve("../../hf-trainer").normalize();

  @TempDir Path tmp;

  @Test
  void checkpointsAndTheBestModelAreHfFoldersThatPythonLoads() throws IOException {
    HfModelFolderTest.deleteRecursively(KEPT);
    Path outputDir = KEPT.resolve("run");
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      try (Trainer trainer = trainer(model, tokenizer, config, outputDir)) {
        trainer.train();
        String best = trainer.state().bestModelCheckpoint().orElseThrow();

        for (Path checkpoint : List.of(outputDir.resolve("checkpoint-4"), outputDir.resolve("checkpoint-8"))) {
          assertTrue(HfModelFolderTest.fileNames(checkpoint).containsAll(List.of("config.json", "model.safetensors",
              "tokenizer.json", "tokenizer_config.json", "trainer_state.json", "optimizer.safetensors")), checkpoint
              + " " + HfModelFolderTest.fileNames(checkpoint));
          assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(checkpoint.resolve("model.safetensors")));
        }
        assertTrue(HfModelFolderTest.fileNames(outputDir).containsAll(List.of("config.json", "model.safetensors",
            "tokenizer.json", "tokenizer_config.json")));
        assertEquals("BertForSequenceClassification", JsonFiles.readObject(outputDir.resolve("config.json"), "config")
            .path("architectures").get(0).asText());
        assertArrayEquals(logits(outputDir), logits(Path.of(best)), "the final model is the best checkpoint's");
        HfModelFolderTest.writeLogitsForPython(outputDir, model, block);

        // What Python's AutoModelForSequenceClassification.from_pretrained computed from this folder.
        JsonNode python = JsonFiles.readObject(TinyBert.dir().resolve("python-from-pretrained.json"), "python");
        assertEquals(List.of(), JsonFiles.mapper().convertValue(python.path("missing_keys"), List.class));
        assertEquals(List.of(), JsonFiles.mapper().convertValue(python.path("unexpected_keys"), List.class));
        float[] expected = TinyBert.flatFloats(python.path("logits"));
        float[] actual = logits(outputDir);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], actual[i], 1e-5, "logit " + i);
        }
      }
    }
  }

  @Test
  void aRewrittenCheckpointStillResumes() {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    Path outputDir = tmp.resolve("run");
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      float[] straight = trainAndPredict(config, tokenizer, outputDir, Optional.empty());
      float[] resumed = trainAndPredict(config, tokenizer, outputDir, Optional.of(outputDir.resolve("checkpoint-4")));
      assertArrayEquals(straight, resumed, 1e-6f);
    }
  }

  @Test
  void aModelThatIsNotBertIsRefusedWhenTheTrainerIsBuilt() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("linear")) {
      model.setBlock(Linear.builder().setUnits(3).build());
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.toString()).reportTo("none").build();
      CallbackException e = assertThrows(CallbackException.class, () -> Trainer.builder().model(model)
          .loss(new CrossEntropyLoss()).args(args).callbacks(new HfModelFolderCallback(tokenizer)).build());
      assertEquals("HfModelFolderCallback saves BERT blocks (BertModel, BertForSequenceClassification); the"
          + " Trainer's model is a Linear", e.getCause().getMessage());
    }
  }

  private float[] trainAndPredict(BertConfig config, TextTokenizer tokenizer, Path outputDir, Optional<Path> resume) {
    try (Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      try (Trainer trainer = trainer(model, tokenizer, config, outputDir)) {
        if (resume.isPresent()) {
          trainer.train(resume.get());
        } else {
          trainer.train();
        }
        return logits(block, model.getNDManager());
      }
    }
  }

  /** 8 steps, evaluated and saved every 4, the best (lowest eval_loss) loaded at the end. */
  private static Trainer trainer(Model model, TextTokenizer tokenizer, BertConfig config, Path outputDir) {
    List<Features> examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
        TextColumns.builder().label2id(config.label2id()).build()));
    DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).build();
    TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.toString()).overwriteOutputDir(true)
        .maxSteps(8).perDeviceTrainBatchSize(8).learningRate(5e-3).evalStrategy("steps").evalSteps(4)
        .saveStrategy("steps").saveSteps(4).loadBestModelAtEnd(true).metricForBestModel("eval_loss")
        .disableTqdm(true).reportTo("none").build();
    return Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
        .trainDataset(examples, collator).evalDataset(examples.subList(0, 20), collator)
        .callbacks(new HfModelFolderCallback(tokenizer)).build();
  }

  /** The logits of the reference texts from an HF folder, loaded as from_pretrained does. */
  private static float[] logits(Path folder) {
    try (NDManager manager = NDManager.newBaseManager()) {
      BertForSequenceClassification block = new BertForSequenceClassification(BertConfig.load(folder));
      assertEquals(List.of(), PretrainedWeights.loadSafetensors(block, manager, folder).newlyInitialized());
      return logits(block, manager);
    }
  }

  private static float[] logits(BertForSequenceClassification block, NDManager parent) {
    try (NDManager manager = parent.newSubManager();
        Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager)) {
      return block.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
    }
  }
}
