package org.trainer4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter refuses, how it says so, and how it recognizes activation lambdas. */
class OnnxExporterRefusalTest {
  private static final String SUPPORTED = "OnnxExporter supports Linear, ReLU, Tanh, Sigmoid, GELU, Softmax,"
      + " Dropout (identity), BatchNorm (running statistics), LayerNorm, Flatten (Blocks.batchFlattenBlock),"
      + " Identity, SequentialBlock of these";

  @TempDir Path dir;
  NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private SequentialBlock linearThen(Block second, long... inputShape) {
    SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(5).build()).add(second);
    block.initialize(manager, DataType.FLOAT32, new Shape(inputShape));
    return block;
  }

  private String refusal(Block block) {
    Path file = dir.resolve("refused.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExporter.create().export(block, file));
    assertFalse(Files.exists(file), "nothing is written for a refused block");
    return e.getMessage();
  }

  @Test
  void anUnsupportedBlockIsRefusedWithItsNameAndTheSupportedList() {
    Block conv = Conv1d.builder().setKernelShape(new Shape(2)).setFilters(4).build();
    assertEquals("cannot export block 'Conv1d' (at 02Conv1d): OnnxExporter has no translation for"
        + " ai.djl.nn.convolutional.Conv1d. " + SUPPORTED, refusal(linearThen(conv, 2, 3, 8)));
  }

  @Test
  void anActivationLambdaOfAnotherFunctionIsRefusedByName() {
    String why = ": its function is none of ReLU, Tanh, Sigmoid, GELU (exact), Softmax, Flatten or Identity on a probe"
        + " input; write activations with DJL's Activation methods (Activation::relu, Activation.geluBlock(), ...) and"
        + " softmax as x.softmax(axis). " + SUPPORTED;
    assertEquals("cannot export block 'softPlus' (at 02LambdaBlock)" + why, refusal(linearThen(Activation.softPlusBlock(), 2, 3)));
    assertEquals("cannot export block 'ReLU6' (at 02LambdaBlock)" + why, refusal(linearThen(Activation.relu6Block(), 2, 3)));
    SequentialBlock doubled = new SequentialBlock().add(Linear.builder().setUnits(5).build())
        .add(list -> new NDList(list.singletonOrThrow().mul(2)));
    doubled.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
    assertEquals("cannot export block 'anonymous' (at 02LambdaBlock)" + why, refusal(doubled));
  }

  @Test
  void activationsAreRecognizedByWhatTheyComputeWhateverTheirName() {
    SequentialBlock block = new SequentialBlock()
        .add(Activation.reluBlock())
        .add(Activation::tanh)
        .addSingleton(x -> x.softmax(1), "my softmax")
        .add(Linear.builder().setUnits(2).build())
        .add(Activation::gelu);
    block.initialize(manager, DataType.FLOAT32, new Shape(4, 3, 5));
    OnnxExport export = OnnxExporter.create().export(block, dir.resolve("recognized.onnx"));
    assertEquals(List.of("01LambdaBlock: ReLU", "02LambdaBlock: Tanh", "03LambdaBlock: Softmax", "04Linear: Linear",
        "05LambdaBlock: GELU"), export.layers());
    NDArray x = manager.randomNormal(new Shape(6, 3, 5));
    float[] expected = block.forward(new ParameterStore(manager, false), new NDList(x), false).get(0).toFloatArray();
    try (OnnxModel onnx = OnnxModel.load(export.file())) {
      assertEquals("[output: float[batch, 3, 2]]", onnx.outputs().toString());
      float[] actual = onnx.forward(new NDList(x), manager).get(0).toFloatArray();
      assertTrue(Blobs.maxDifference(expected, actual) <= 1e-5);
    }
  }

  @Test
  void blocksThatCannotBeExportedAsTheyAreSayWhy() {
    SequentialBlock untrained = new SequentialBlock().add(Linear.builder().setUnits(3).build());
    assertEquals("the block is not initialized; train it (or call block.initialize) before exporting, so its weights"
        + " and shapes exist", refusal(untrained));

    SequentialBlock doubles = new SequentialBlock().add(Linear.builder().setUnits(3).build());
    doubles.initialize(manager, DataType.FLOAT64, new Shape(2, 3));
    assertEquals("cannot export block 'Linear' (at 01Linear): its parameter 'weight' is float64; OnnxExporter writes"
        + " float32 models: initialize and train the block in float32. " + SUPPORTED, refusal(doubles));

    SequentialBlock intermediate = linearThen(Activation.reluBlock(), 2, 3).setReturnIntermediate(true);
    assertTrue(refusal(intermediate).startsWith("cannot export block 'SequentialBlock': it returns every intermediate"
        + " output (setReturnIntermediate(true)); the graph has one output."));
  }

  @Test
  void exporterNamesAreChecked() {
    assertEquals("inputName and outputName are both 'x'; a graph's input and output need different names",
        assertThrows(IllegalArgumentException.class,
            () -> OnnxExporter.builder().inputName("x").outputName("x").build()).getMessage());
    assertEquals("outputName=  is not allowed; use a non-empty name",
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.builder().outputName(" ")).getMessage());
  }

  @Test
  void aBlockOfIdentitiesStillHasAnOutput() {
    SequentialBlock block = new SequentialBlock().add(ai.djl.nn.norm.Dropout.builder().build())
        .add(ai.djl.nn.Blocks.identityBlock());
    block.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
    OnnxExport export = OnnxExporter.create().export(block, dir.resolve("identity.onnx"));
    assertEquals(List.of("01Dropout: Dropout", "02LambdaBlock: Identity"), export.layers());
    try (OnnxModel onnx = OnnxModel.builder(OnnxExporter.create().toBytes(block)).build()) {
      NDArray x = manager.create(new float[] {1, -2, 3}, new Shape(1, 3));
      assertArrayEquals(new float[] {1, -2, 3}, onnx.forward(new NDList(x), manager).get(0).toFloatArray());
    }
  }
}
