package org.trainer4j.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a DJL block into the list of {@link Layer}s to export, in order, refusing anything else with
 * its name and the list of supported blocks.
 */
final class LayerReader {
  /** What {@link OnnxExporter} exports, as users know the blocks. */
  static final List<String> SUPPORTED = List.of("Linear", "ReLU", "Tanh", "Sigmoid", "GELU", "Softmax",
      "Dropout (identity)", "BatchNorm (running statistics)", "LayerNorm", "Flatten (Blocks.batchFlattenBlock)",
      "Identity", "SequentialBlock of these");

  /** A layer, where it sits in the block tree, and the shape of its input (batch first). */
  record Placed(String path, Layer layer, Shape inputShape) {}

  private final NDManager manager;

  LayerReader(NDManager manager) {
    this.manager = manager;
  }

  /** The layers of {@code block} in the order they run. */
  List<Placed> read(Block block) {
    List<Placed> layers = new ArrayList<>();
    read(block, "", layers);
    return layers;
  }

  private void read(Block block, String path, List<Placed> out) {
    if (block.getClass() == SequentialBlock.class) {
      if (((SequentialBlock) block).isReturnIntermediate()) {
        throw refuse(block, path, "it returns every intermediate output (setReturnIntermediate(true)); the"
            + " graph has one output");
      }
      for (Pair<String, Block> child : block.getChildren()) {
        read(child.getValue(), path.isEmpty() ? child.getKey() : path + "/" + child.getKey(), out);
      }
      return;
    }
    Shape[] inputs = block.getInputShapes();
    if (inputs.length != 1) {
      throw refuse(block, path, "it takes " + inputs.length + " inputs; exported layers take one");
    }
    out.add(new Placed(path.isEmpty() ? name(block) : path, layer(block, path, inputs[0]), inputs[0]));
  }

  private Layer layer(Block block, String path, Shape input) {
    Class<?> type = block.getClass();
    if (type == Linear.class) {
      NDArray weight = array(block, path, "weight");
      Shape shape = weight.getShape();
      boolean hasBias = block.getParameters().contains("bias");
      return new Layer.Linear(weight.toFloatArray(), shape.get(0), shape.get(1),
          hasBias ? array(block, path, "bias").toFloatArray() : new float[0]);
    }
    if (type == Dropout.class) {
      return new Layer.PassThrough("Dropout");
    }
    if (type == BatchNorm.class) {
      int axis = (int) field(block, BatchNorm.class, "axis");
      // DJL's PyTorch engine treats axis -1 as PyTorch's channel axis 1; the export does the same.
      int channelAxis = axis == -1 ? 1 : axis;
      return new Layer.BatchNorm(channelAxis, (float) field(block, BatchNorm.class, "epsilon"),
          floats(block, path, "gamma"), floats(block, path, "beta"), floats(block, path, "runningMean"),
          floats(block, path, "runningVar"));
    }
    if (type == LayerNorm.class) {
      NDArray gamma = array(block, path, "gamma");
      return new Layer.LayerNorm((float) field(block, LayerNorm.class, "epsilon"), gamma.toFloatArray(),
          floats(block, path, "beta"), gamma.getShape().getShape());
    }
    if (type == LambdaBlock.class) {
      return LambdaProbe.identify((LambdaBlock) block, input, manager).orElseThrow(() -> refuse(block, path,
          "its function is none of ReLU, Tanh, Sigmoid, GELU (exact), Softmax, Flatten or Identity on a probe"
              + " input; write activations with DJL's Activation methods (Activation::relu,"
              + " Activation.geluBlock(), ...) and softmax as x.softmax(axis)"));
    }
    throw refuse(block, path, "OnnxExporter has no translation for " + type.getName());
  }

  private static float[] floats(Block block, String path, String parameter) {
    return array(block, path, parameter).toFloatArray();
  }

  private static NDArray array(Block block, String path, String parameter) {
    Parameter p = block.getParameters().get(parameter);
    if (p == null || !p.isInitialized()) {
      throw refuse(block, path, "its parameter '" + parameter + "' is not initialized; train the model (or call"
          + " block.initialize) before exporting");
    }
    NDArray array = p.getArray();
    if (array.getDataType() != DataType.FLOAT32) {
      throw refuse(block, path, "its parameter '" + parameter + "' is " + array.getDataType()
          + "; OnnxExporter writes float32 models: initialize and train the block in float32");
    }
    return array;
  }

  /** A setting DJL keeps private (BatchNorm's axis and epsilon, LayerNorm's epsilon). */
  private static Object field(Block block, Class<?> owner, String name) {
    try {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return f.get(block);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + owner.getSimpleName() + "." + name + " from this DJL"
          + " version (DJL 0.36 has it); OnnxExporter needs it to export " + owner.getSimpleName(), e);
    }
  }

  static String name(Block block) {
    return block instanceof LambdaBlock lambda ? lambda.getName() : block.getClass().getSimpleName();
  }

  private static IllegalArgumentException refuse(Block block, String path, String why) {
    String where = path.isEmpty() ? "" : " (at " + path + ")";
    return new IllegalArgumentException("cannot export block '" + name(block) + "'" + where + ": " + why
        + ". OnnxExporter supports " + String.join(", ", SUPPORTED));
  }
}
