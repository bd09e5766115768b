package org.trainer4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;

class OnnxModelTest {
  @TempDir static Path dir;
  static Path mlpFile;
  static NDManager manager;

  @BeforeAll
  static void exportAnMlp() {
    mlpFile = dir.resolve("mlp.onnx");
    try (Model model = Blobs.mlp()) {
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 16));
      OnnxExporter.create().export(model, mlpFile);
    }
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeManager() {
    manager.close();
  }

  private static TrainingArguments args() {
    return TrainingArguments.builder().outputDir(dir.resolve("out").toString()).perDeviceEvalBatchSize(8)
        .reportTo("none").disableTqdm(true).build();
  }

  private static NDArray floats(String name, long rows, long cols) {
    float[] values = new float[(int) (rows * cols)];
    for (int i = 0; i < values.length; i++) {
      values[i] = i - values.length / 2f;
    }
    NDArray array = manager.create(values, new Shape(rows, cols));
    if (name != null) {
      array.setName(name);
    }
    return array;
  }

  @Test
  void trainingIsRefusedWithTheIssuesMessage() {
    try (Trainer trainer = Trainer.builder().inferenceModel(OnnxModel.load(mlpFile)).loss(Loss.softmaxCrossEntropyLoss())
        .args(args()).trainDataset(Blobs.dataset(Blobs.examples(8, 16, 1), 16)).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, trainer::train);
      assertEquals("ONNX Runtime models are for evaluation and prediction; train a DJL model instead", e.getMessage());
    }
  }

  @Test
  void evaluateAndPredictRunThroughTheTrainerWithCallbacks() {
    List<Map<String, Object>> evaluated = new ArrayList<>();
    TrainerCallback recorder = new TrainerCallback() {
      @Override
      public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext context) {
        evaluated.add(context.metrics());
      }
    };
    var examples = Blobs.examples(21, 16, 5);
    try (Trainer trainer = Trainer.builder().inferenceModel(OnnxModel.load(mlpFile)).loss(Loss.softmaxCrossEntropyLoss())
        .args(args()).evalDataset(Blobs.dataset(examples, 16)).callbacks(recorder)
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build()) {
      Map<String, Object> metrics = trainer.evaluate();
      assertEquals(java.util.Set.of("eval_accuracy", "eval_loss", "eval_runtime", "eval_samples_per_second",
          "eval_steps_per_second"), metrics.keySet()); // no epoch: nothing was trained (HF's None)
      assertEquals(1, evaluated.size());
      assertEquals(metrics.get("eval_accuracy"), evaluated.get(0).get("eval_accuracy"));
      PredictionOutput predicted = trainer.predict(Blobs.dataset(examples, 16));
      assertArrayEquals(new long[] {21, 4}, predicted.predictions().shape());
      assertEquals(21, predicted.labelIds().orElseThrow().data().length);
    }
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("no-such-model.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(missing));
    assertEquals("ONNX model file " + missing + " does not exist", e.getMessage());
    IllegalArgumentException folder = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(dir));
    assertEquals("ONNX model file " + dir + " is a directory; give the .onnx file in it", folder.getMessage());
  }

  @Test
  void aFileThatIsNotOnnxIsNamedWithOnnxRuntimesReason() throws Exception {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "these are notes, not a model");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(text));
    assertTrue(e.getMessage().startsWith("cannot load " + text + " as an ONNX model: "), e.getMessage());
    assertTrue(e.getMessage().contains("ORT_INVALID_PROTOBUF"), e.getMessage());
    assertTrue(e.getMessage().contains("Protobuf parsing failed"), e.getMessage());
  }

  @Test
  void anInputNameTheGraphLacksIsNamedWithTheGraphsInputs() {
    TrainerDataset named = TrainerDataset.of(Blobs.examples(4, 16, 1), (examples, m) -> {
      Batch batch = Blobs.collator(16).collate(examples, m);
      batch.inputs().get(0).setName("pixels");
      return batch;
    });
    try (Trainer trainer = Trainer.builder().inferenceModel(OnnxModel.load(mlpFile)).loss(Loss.softmaxCrossEntropyLoss())
        .args(args()).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.evaluate(named));
      assertEquals("the batch's input array 'pixels' is not an input of " + mlpFile + "; the graph's inputs are"
          + " [input: float[batch, 16]]. Name the arrays as the graph does in your collator, or map positions with"
          + " OnnxModel.builder(...).inputNames(...)", e.getMessage());
    }
  }

  @Test
  void aBatchOfTheWrongShapeNamesTheInputAndBothShapes() {
    try (OnnxModel model = OnnxModel.load(mlpFile)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.forward(new NDList(floats(null, 4, 15)), manager));
      assertEquals("input 'input' of " + mlpFile + " expects float[batch, 16], but the batch's array has shape [4, 15]",
          e.getMessage());
    }
    try (OnnxModel model = OnnxModel.builder(HandGraphs.fixedBatchOfTwo()).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.forward(new NDList(floats(null, 8, 3)), manager));
      assertTrue(e.getMessage().startsWith("input 'x' of ONNX model of "), e.getMessage());
      assertTrue(e.getMessage().contains(" expects float[2, 3], but the batch's array has shape [8, 3]; the graph's"
          + " batch dimension is fixed, and the Trainer sends batches of per_device_eval_batch_size examples"),
          e.getMessage());
      assertEquals(new Shape(2, 3), model.forward(new NDList(floats(null, 2, 3)), manager).get(0).getShape());
    }
  }

  @Test
  void arraysGoToInputsByNameOrByPosition() {
    try (OnnxModel byName = OnnxModel.builder(HandGraphs.sumAndProduct()).outputs("product", "sum").build();
        OnnxModel byPosition = OnnxModel.builder(HandGraphs.sumAndProduct()).inputNames("b", "a").build()) {
      assertEquals("[a: float[batch, 3], b: float[batch, 3]]", byName.inputs().toString());
      NDArray a = floats("a", 2, 3);
      NDArray b = floats("b", 2, 3).mul(2);
      b.setName("b");
      NDList out = byName.forward(new NDList(b, a), manager);
      assertEquals(List.of("product", "sum"), List.of(out.get(0).getName(), out.get(1).getName()));
      assertArrayEquals(a.mul(b).toFloatArray(), out.get(0).toFloatArray());
      assertArrayEquals(a.add(b).toFloatArray(), out.get(1).toFloatArray());

      NDList first = byPosition.forward(new NDList(floats(null, 2, 3).mul(2), floats(null, 2, 3)), manager);
      assertEquals(1, first.size(), "by default only the first output is returned");
      assertEquals("sum", first.get(0).getName());
      assertArrayEquals(a.add(b).toFloatArray(), first.get(0).toFloatArray());
    }
  }

  @Test
  void unnamedArraysForSeveralInputsAskForNames() {
    try (OnnxModel model = OnnxModel.builder(HandGraphs.sumAndProduct()).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.forward(new NDList(floats(null, 2, 3), floats(null, 2, 3)), manager));
      assertTrue(e.getMessage().startsWith("the batch has 2 input arrays without names and ONNX model of "), e.getMessage());
      assertTrue(e.getMessage().endsWith(" has 2 inputs [a: float[batch, 3], b: float[batch, 3]]; name the arrays"
          + " (NDArray.setName) in your collator, or map positions with OnnxModel.builder(...).inputNames(...)"),
          e.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> model.forward(new NDList(floats("a", 2, 3)), manager));
      assertTrue(missing.getMessage().startsWith("input 'b' of "), missing.getMessage());
    }
  }

  @Test
  void ignoreKeysSkipsOutputsByTheirGraphNames() {
    Loss firstOutputError = new Loss("first_output_error") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        return predictions.get(0).sub(labels.get(0)).square().mean();
      }
    };
    TrainerDataset data = TrainerDataset.of(List.of(1, 2, 3), (items, m) -> {
      NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(3, 3));
      a.setName("a");
      NDArray b = m.ones(new Shape(3, 3));
      b.setName("b");
      return new Batch(new NDList(a, b), new NDList(m.zeros(new Shape(3, 3))), items.size());
    });
    try (Trainer trainer = Trainer.builder()
        .inferenceModel(OnnxModel.builder(HandGraphs.sumAndProduct()).outputs("product", "sum").build())
        .loss(firstOutputError).args(args()).build()) {
      PredictionOutput all = trainer.predict(data);
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, all.predictions().data());
      PredictionOutput sums = trainer.predict(data, List.of("product"), "test");
      assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7, 8, 9, 10}, sums.predictions().data());
      assertEquals(285.0 / 9, (double) all.metrics().get("test_loss"), 1e-4);
    }
  }

  @Test
  void builderOptionsAreChecked() {
    byte[] graph = HandGraphs.sumAndProduct();
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
        () -> OnnxModel.builder(graph).inputNames("a", "c").build());
    assertTrue(input.getMessage().startsWith("inputNames: 'c' is not one of the inputs of ONNX model of "), input.getMessage());
    assertTrue(input.getMessage().endsWith("; its inputs are [a: float[batch, 3], b: float[batch, 3]]"), input.getMessage());
    IllegalArgumentException output = assertThrows(IllegalArgumentException.class,
        () -> OnnxModel.builder(graph).outputs("difference").build());
    assertTrue(output.getMessage().endsWith("; its outputs are [sum: float[batch, 3], product: float[batch, 3]]"),
        output.getMessage());
    assertEquals("inputNames=[a, a] is not allowed: a name appears twice",
        assertThrows(IllegalArgumentException.class, () -> OnnxModel.builder(graph).inputNames("a", "a").build())
            .getMessage());
    assertEquals("intraOpThreads=-1 is not allowed; use 0 (ONNX Runtime's default) or a positive number of threads",
        assertThrows(IllegalArgumentException.class, () -> OnnxModel.builder(graph).intraOpThreads(-1).build())
            .getMessage());
    assertEquals("optimizationLevel must be one of [DISABLED, BASIC, EXTENDED, ALL], not null",
        assertThrows(IllegalArgumentException.class, () -> OnnxModel.builder(graph).optimizationLevel(null))
            .getMessage());
  }

  @Test
  void sessionOptionsKeepTheResults() {
    NDArray x = floats(null, 5, 16).div(40);
    try (OnnxModel defaults = OnnxModel.load(mlpFile);
        OnnxModel tuned = OnnxModel.builder(mlpFile).intraOpThreads(1)
            .optimizationLevel(GraphOptimizationLevel.DISABLED).build()) {
      float[] expected = defaults.forward(new NDList(x), manager).get(0).toFloatArray();
      assertEquals(0, Blobs.maxDifference(expected, tuned.forward(new NDList(x), manager).get(0).toFloatArray()), 1e-6);
    }
  }

  @Test
  void arraysOfAnotherTypeAreConvertedToTheGraphsType() {
    try (OnnxModel model = OnnxModel.builder(HandGraphs.sumAndProduct()).build()) {
      NDArray a = manager.create(new int[] {1, 2, 3}, new Shape(1, 3));
      a.setName("a");
      NDArray b = manager.create(new double[] {0.5, 0.25, 0.125}, new Shape(1, 3));
      b.setName("b");
      NDArray sum = model.forward(new NDList(a, b), manager).get(0);
      assertEquals(DataType.FLOAT32, sum.getDataType());
      assertArrayEquals(new float[] {1.5f, 2.25f, 3.125f}, sum.toFloatArray());
    }
  }

  @Test
  void closingTheTrainerClosesTheSession() {
    OnnxModel model = OnnxModel.load(mlpFile);
    Trainer trainer = Trainer.builder().inferenceModel(model).loss(Loss.softmaxCrossEntropyLoss()).args(args()).build();
    assertEquals(new Shape(2, 4), model.forward(new NDList(floats(null, 2, 16)), manager).get(0).getShape());
    trainer.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> model.forward(new NDList(floats(null, 2, 16)), manager));
    assertEquals(mlpFile + " is closed (the Trainer that used it was closed)", e.getMessage());
    model.close();
  }
}
