package org.trainer4j.transformers.torchscript;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.bert.BertForSequenceClassification;
import org.trainer4j.transformers.bert.HfModelFolderTest;
import org.trainer4j.transformers.bert.PretrainedWeights;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * A fine-tuned TorchScript trace saved as an HF folder: HF's names and file set, and weights that HF's BERT (here the
 * native block, which loads HF folders as from_pretrained does) turns into the trace's own logits. The run is kept in
 * target/torchscript-hf (output_dir run/, the trace's logits in java_logits.json) for
 * src/test/python/check_saved_folder.py, which loads it with Python's from_pretrained.
 */
class TorchScriptHfFolderTest {
  private static final Path TRACE = TinyBert.dir().resolve("tiny-bert-classifier.pt");
  private static final Path KEPT = TinyBert.dir().resolve("../../torchscript-hf").normalize();

  @TempDir Path tmp;

  @Test
  void aFineTunedTraceIsSavedAsAnHfFolderWithItsLogits() throws IOException {
    HfModelFolderTest.deleteRecursively(KEPT);
    Path outputDir = KEPT.resolve("run");
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = TorchScriptModel.load(TRACE)) {
      TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.toString()).maxSteps(4)
          .perDeviceTrainBatchSize(8).learningRate(5e-3).saveStrategy("no").disableTqdm(true).reportTo("none")
          .build();
      List<Features> examples = tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
          TextColumns.builder().label2id(BertConfig.load(TinyBert.hfFolder()).label2id()).build()));
      try (Trainer trainer = Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
          .trainDataset(examples, DataCollatorWithPadding.builder(tokenizer).build())
          .callbacks(new TorchScriptHfFolderCallback(TinyBert.hfFolder())).build()) {
        trainer.train();
      }

      Map<String, Safetensors.Tensor> saved = Safetensors.read(outputDir.resolve("model.safetensors"));
      Map<String, Safetensors.Tensor> original = Safetensors.read(TinyBert.hfFolder().resolve("model.safetensors"));
      assertEquals(new TreeSet<>(original.keySet()), new TreeSet<>(saved.keySet()), "HF's parameter names");
      assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(outputDir.resolve("model.safetensors")));
      assertTrue(Files.isRegularFile(outputDir.resolve("config.json")) && Files.isRegularFile(
          outputDir.resolve("tokenizer.json")) && Files.isRegularFile(outputDir.resolve("tokenizer_config.json")));
      assertFalse(saved.get("classifier.weight").equals(original.get("classifier.weight")), "fine-tuned weights");

      try (NDManager manager = NDManager.newBaseManager()) {
        BertForSequenceClassification hf = new BertForSequenceClassification(BertConfig.load(outputDir));
        PretrainedWeights.LoadReport report = PretrainedWeights.loadSafetensors(hf, manager, outputDir);
        assertEquals(List.of(), report.newlyInitialized());
        assertEquals(List.of(), report.unused());
        float[] fromFolder = logits(hf, manager, tokenizer);
        float[] fromTrace = logits(model.getBlock(), model.getNDManager(), tokenizer);
        assertArrayEquals(fromTrace, fromFolder, 1e-5f);
      }
      HfModelFolderTest.writeLogitsForPython(outputDir, model, model.getBlock());
    }
  }

  @Test
  void anExportFolderWithoutConfigIsRefusedWhenTheTrainerIsBuilt() {
    try (Model model = TorchScriptModel.load(TRACE)) {
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.toString()).reportTo("none").build();
      Exception e = assertThrows(Exception.class, () -> Trainer.builder().model(model).loss(new CrossEntropyLoss())
          .args(args).callbacks(new TorchScriptHfFolderCallback(tmp)).build());
      assertEquals("TorchScriptHfFolderCallback: no config.json in " + tmp + "; give the folder export_torchscript.py"
          + " wrote", e.getCause().getMessage());
    }
  }

  private static float[] logits(ai.djl.nn.Block block, NDManager parent, TextTokenizer tokenizer) {
    try (NDManager manager = parent.newSubManager();
        Batch batch = DataCollatorWithPadding.builder(tokenizer).build().collate(List.of(
            Features.unlabelled(tokenizer.encode("Is it raining?", "Take an umbrella.")),
            Features.unlabelled(tokenizer.encode("The sun came out."))), manager)) {
      return block.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
    }
  }
}
