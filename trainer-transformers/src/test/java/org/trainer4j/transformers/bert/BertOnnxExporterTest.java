package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.onnx.OnnxModel;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.TextColumns;
import org.trainer4j.transformers.text.TextDatasets;
import org.trainer4j.transformers.text.TextTokenizer;

/** A fine-tuned BERT exported to ONNX computes in ONNX Runtime what it computes in DJL. */
class BertOnnxExporterTest {
  @TempDir Path tmp;

  @Test
  void aFineTunedClassifierGivesTheSameLogitsInOnnxRuntime() throws IOException, OrtException {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder());
        Model model = Model.newInstance("tiny-bert")) {
      BertForSequenceClassification block = TinyBert.pretrainedClassifier(model, config);
      TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("run").toString()).maxSteps(3)
          .perDeviceTrainBatchSize(8).learningRate(5e-3).saveStrategy("no").disableTqdm(true).reportTo("none").build();
      try (Trainer trainer = Trainer.builder().model(model).loss(new CrossEntropyLoss()).args(args)
          .trainDataset(tokenizer.tokenize(TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
              TextColumns.builder().label2id(config.label2id()).build())), DataCollatorWithPadding.builder(tokenizer)
              .build()).build()) {
        trainer.train();
      }
      Path file = tmp.resolve("classifier.onnx");
      BertOnnxExporter.Export export = BertOnnxExporter.export(block, file);
      assertEquals(List.of("logits"), export.outputs());
      assertTrue(export.maxDifference() <= 1e-4, "checked at export: " + export.maxDifference());

      try (OnnxModel onnx = OnnxModel.load(file)) {
        assertEquals("[input_ids: int64[batch, sequence], attention_mask: int64[batch, sequence],"
            + " token_type_ids: int64[batch, sequence]]", onnx.inputs().toString());
        assertEquals(List.of("logits"), onnx.returnedOutputs());
      }
      // The reference texts (padding, a pair, accents): ONNX Runtime's logits against DJL's.
      try (NDManager manager = model.getNDManager().newSubManager();
          Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager)) {
        float[] djl = block.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
        float[] ort = TinyBert.onnxRuntimeOutput(file, batch.inputs());
        assertEquals(djl.length, ort.length);
        for (int i = 0; i < djl.length; i++) {
          assertEquals(djl[i], ort[i], 1e-5, "logit " + i);
        }
      }
    }
  }

  @Test
  void aMeanPooledEncoderExportsItsHiddenStatesAndSentenceEmbedding() throws IOException, OrtException {
    BertConfig config = BertConfig.load(TinyBert.hfFolder());
    try (NDManager manager = NDManager.newBaseManager()) {
      BertModel encoder = new BertModel(config, Pooling.MEAN);
      PretrainedWeights.loadOnnx(encoder, manager, TinyBert.onnx());
      Path file = tmp.resolve("encoder.onnx");
      BertOnnxExporter.Export export = BertOnnxExporter.export(encoder, file);
      assertEquals(List.of("last_hidden_state", "sentence_embedding"), export.outputs());
      Batch batch = BertForwardTest.referenceBatch(TinyBert.reference().path("forward"), manager);
      float[] djl = encoder.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
      float[] ort = TinyBert.onnxRuntimeOutput(file, batch.inputs());
      for (int i = 0; i < djl.length; i++) {
        assertEquals(djl[i], ort[i], 1e-5, "last_hidden_state " + i);
      }
    }
  }

  @Test
  void anUninitializedBlockIsRefusedAndNothingIsWritten() {
    Path file = tmp.resolve("x.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BertOnnxExporter.export(new BertForSequenceClassification(BertConfig.load(TinyBert.hfFolder())), file));
    assertEquals("the block is not initialized; load or train it before exporting", e.getMessage());
    assertFalse(Files.exists(file));
  }
}
