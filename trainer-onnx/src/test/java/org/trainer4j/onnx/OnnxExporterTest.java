package org.trainer4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.onnx.proto.OnnxModelProto.ModelProto;

class OnnxExporterTest {
  @TempDir Path dir;

  private TrainingArguments args(int epochs) {
    return TrainingArguments.builder().outputDir(dir.resolve("out").toString()).numTrainEpochs(epochs)
        .perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(32).learningRate(1e-2).reportTo("none")
        .disableTqdm(true).build();
  }

  @Test
  void trainedMlpGivesTheSameAccuracyAndLogitsInOnnxRuntime() {
    var train = Blobs.examples(400, 16, 1);
    var test = Blobs.examples(150, 16, 2);
    Path file = dir.resolve("mlp.onnx");
    PredictionOutput djl;
    Map<String, Object> djlMetrics;
    try (Model model = Blobs.mlp()) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(3))
          .trainDataset(Blobs.dataset(train, 16)).evalDataset(Blobs.dataset(test, 16))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build();
      trainer.train();
      djlMetrics = trainer.evaluate();
      djl = trainer.predict(Blobs.dataset(test, 16));
      OnnxExport export = OnnxExporter.create().export(model, file);
      assertEquals(List.of("01Linear: Linear", "02LambdaBlock: ReLU", "03Dropout: Dropout", "04Linear: Linear"),
          export.layers());
      assertTrue(export.maxAbsDifference() < 1e-5, "check difference " + export.maxAbsDifference());
    }
    assertTrue((double) djlMetrics.get("eval_accuracy") > 0.8, "the MLP learned the task: " + djlMetrics);

    try (Trainer onnx = Trainer.builder().inferenceModel(OnnxModel.load(file)).loss(Loss.softmaxCrossEntropyLoss())
        .args(args(3)).evalDataset(Blobs.dataset(test, 16))
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build()) {
      Map<String, Object> metrics = onnx.evaluate();
      assertEquals(djlMetrics.get("eval_accuracy"), metrics.get("eval_accuracy"));
      assertEquals((double) djlMetrics.get("eval_loss"), (double) metrics.get("eval_loss"), 1e-5);
      PredictionOutput ort = onnx.predict(Blobs.dataset(test, 16));
      assertEquals(List.of(150L, 4L), List.of(ort.predictions().shape()[0], ort.predictions().shape()[1]));
      double difference = Blobs.maxDifference(djl.predictions().data(), ort.predictions().data());
      assertTrue(difference <= 1e-5, "logits differ by " + difference);
      assertEquals(djl.metrics().get("test_accuracy"), ort.metrics().get("test_accuracy"));
    }
  }

  @Test
  void everySupportedBlockIsExportedAndAgreesWithDjl() {
    var train = Blobs.examples(256, 32, 3);
    var test = Blobs.examples(70, 32, 4);
    Path file = dir.resolve("every.onnx");
    PredictionOutput djl;
    OnnxExport export;
    try (Model model = Blobs.everyBlock()) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(2))
          .trainDataset(Blobs.dataset(train, 4, 8)).build();
      trainer.train();
      djl = trainer.predict(Blobs.dataset(test, 4, 8));
      export = OnnxExporter.builder().inputName("features").outputName("probabilities").build().export(model, file);
    }
    assertEquals(List.of("01LayerNorm: LayerNorm", "02BatchNorm: BatchNorm", "03Linear: Linear", "04LambdaBlock: GELU",
        "05LambdaBlock: Flatten", "06Linear: Linear", "07BatchNorm: BatchNorm", "08LambdaBlock: Tanh",
        "09Linear: Linear", "10LayerNorm: LayerNorm", "11LambdaBlock: Sigmoid", "12SequentialBlock/01Linear: Linear",
        "12SequentialBlock/02Dropout: Dropout", "13LambdaBlock: Softmax"), export.layers());
    try (OnnxModel onnx = OnnxModel.load(file);
        Trainer trainer = Trainer.builder().inferenceModel(onnx).loss(Loss.softmaxCrossEntropyLoss()).args(args(1)).build()) {
      assertEquals("[features: float[batch, 4, 8]]", onnx.inputs().toString());
      assertEquals("[probabilities: float[batch, 4]]", onnx.outputs().toString());
      PredictionOutput ort = trainer.predict(Blobs.dataset(test, 4, 8));
      double difference = Blobs.maxDifference(djl.predictions().data(), ort.predictions().data());
      assertTrue(difference <= 1e-5, "outputs differ by " + difference);
    }
  }

  @Test
  void theFileIsOnnxOpset17WithAFreeBatchDimension() throws Exception {
    try (Model model = Blobs.mlp()) {
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(5, 16));
      OnnxExporter.create().export(model, dir.resolve("nested/dir/mlp.onnx"));
    }
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("nested/dir/mlp.onnx")));
    assertEquals(8, model.getIrVersion());
    assertEquals(17, model.getOpsetImport(0).getVersion());
    assertEquals("blobs-mlp", model.getGraph().getName());
    assertEquals("batch", model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals(16, model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    assertEquals(List.of("Gemm", "Relu", "Gemm"), model.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
    assertEquals("output", model.getGraph().getNode(2).getOutput(0));
    assertEquals(4, model.getGraph().getInitializerCount());
    assertFalse(Files.list(dir.resolve("nested/dir")).anyMatch(p -> p.toString().endsWith(".tmp")));
  }
}
