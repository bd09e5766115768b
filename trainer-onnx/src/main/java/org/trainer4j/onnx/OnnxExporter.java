package org.trainer4j.onnx;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.onnx.proto.OnnxModelProto.ModelProto;

/**
 * Writes a trained DJL block as an ONNX model (opset 17, IR version 8) that any ONNX runtime can serve,
 * with a free batch dimension:
 *
 * <pre>{@code
 * OnnxExport export = OnnxExporter.create().export(model, Path.of("digits.onnx"));
 * }</pre>
 *
 * <p>Exported blocks: a {@code SequentialBlock} (nested ones too) of {@code Linear}, activations
 * (ReLU, Tanh, Sigmoid, exact GELU, Softmax along any non-batch axis), {@code Dropout} (identity at
 * inference), {@code BatchNorm} (with its running statistics), {@code LayerNorm} and flattening
 * ({@code Blocks.batchFlattenBlock()}). Activations in DJL are {@code LambdaBlock}s — {@code
 * SequentialBlock.add(Activation::relu)} and {@code Activation.reluBlock()} alike — and are recognized by
 * running them once on a probe array. Anything else is refused with its name and this list.
 *
 * <p>Before the file is written, the graph is loaded into ONNX Runtime and run on a random batch of 3
 * next to the DJL block; if the two disagree by more than 1e-4 (relative to the outputs' size) nothing
 * is written. The file is written to a temporary name and renamed, so it is either complete or absent.
 */
public final class OnnxExporter {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);
  private static final int CHECK_BATCH = 3;
  private static final double CHECK_TOLERANCE = 1e-4;

  private final String inputName;
  private final String outputName;

  private OnnxExporter(Builder b) {
    this.inputName = b.inputName;
    this.outputName = b.outputName;
  }

  /** An exporter with the default names: input {@code input}, output {@code output}. */
  public static OnnxExporter create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Exports the model's block; the graph is named after the model. */
  public OnnxExport export(Model model, Path file) {
    if (model.getBlock() == null) {
      throw new IllegalArgumentException("model " + model.getName() + " has no block; call model.setBlock first");
    }
    return export(model.getBlock(), model.getName(), file);
  }

  /** Exports a trained (initialized) block. */
  public OnnxExport export(Block block, Path file) {
    return export(block, "trainer4j", file);
  }

  /** The checked bytes of the {@code .onnx} file for a trained block, without writing anything. */
  public byte[] toBytes(Block block) {
    return translate(block, "trainer4j").bytes();
  }

  private OnnxExport export(Block block, String graphName, Path file) {
    Translation t = translate(block, graphName);
    write(file, t.bytes());
    LOG.info("Exported {} layers to {} (ONNX opset {}); ONNX Runtime matches DJL within {}", t.layers().size(), file,
        GraphWriter.OPSET, t.maxAbsDifference());
    return new OnnxExport(file, inputName, outputName, t.layers(), t.maxAbsDifference());
  }

  private record Translation(byte[] bytes, List<String> layers, double maxAbsDifference) {}

  private Translation translate(Block block, String graphName) {
    if (block == null) {
      throw new IllegalArgumentException("block must be a trained DJL block, not null");
    }
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("the block is not initialized; train it (or call block.initialize)"
          + " before exporting, so its weights and shapes exist");
    }
    Shape[] inputShapes = block.getInputShapes();
    if (inputShapes.length != 1) {
      throw new IllegalArgumentException("the block takes " + inputShapes.length
          + " inputs; OnnxExporter exports blocks with one input");
    }
    try (NDManager manager = managerFor(block)) {
      List<LayerReader.Placed> layers = new LayerReader(manager).read(block);
      GraphWriter graph = new GraphWriter();
      String value = graph.input(inputName);
      List<String> described = new ArrayList<>();
      for (LayerReader.Placed placed : layers) {
        value = placed.layer().write(graph, placed.path(), value, placed.inputShape());
        described.add(placed.path() + ": " + placed.layer().kind());
      }
      Shape outputShape = block.getOutputShapes(inputShapes)[0];
      ModelProto model = graph.model(graphName, inputName, inputShapes[0], value, outputName, outputShape,
          Optional.ofNullable(OnnxExporter.class.getPackage().getImplementationVersion()).orElse("dev"));
      byte[] bytes = model.toByteArray();
      double difference = check(block, bytes, inputShapes[0], manager);
      return new Translation(bytes, described, difference);
    }
  }

  /** Runs the graph in ONNX Runtime and the block in DJL on one random batch; returns the largest difference. */
  private static double check(Block block, byte[] bytes, Shape inputShape, NDManager manager) {
    long[] dims = inputShape.getShape().clone();
    dims[0] = CHECK_BATCH;
    Shape shape = new Shape(dims);
    Random random = new Random(17);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * 2);
    }
    try (NDManager scope = manager.newSubManager();
        OnnxModel onnx = OnnxModel.builder(bytes).build()) {
      NDArray x = scope.create(values, shape);
      float[] expected = block.forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow()
          .toFloatArray();
      float[] actual = onnx.forward(new NDList(scope.create(values, shape)), scope).singletonOrThrow().toFloatArray();
      double scale = 1;
      double difference = 0;
      for (int i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i]));
        difference = Math.max(difference, Math.abs((double) actual[i] - expected[i]));
      }
      if (expected.length != actual.length || !(difference <= CHECK_TOLERANCE * scale)) {
        throw new IllegalStateException("the exported graph does not reproduce the block: ONNX Runtime and DJL differ"
            + " by up to " + difference + " on a check batch (allowed " + CHECK_TOLERANCE * scale + "); nothing was"
            + " written. Please report this with the block: " + block);
      }
      return difference;
    }
  }

  /** A manager on the block's own engine and device (the default engine for a block without weights). */
  private static NDManager managerFor(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        return p.getValue().getArray().getManager().newSubManager();
      }
    }
    return NDManager.newBaseManager();
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Path absolute = file.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
      try {
        Files.write(temporary, bytes);
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ONNX model to " + file, e);
    }
  }

  /** Names of the graph's input and output. */
  public static final class Builder {
    private String inputName = "input";
    private String outputName = "output";

    private Builder() {}

    /** The graph input's name (default {@code input}); name your batch arrays so, or use a single array. */
    public Builder inputName(String name) {
      inputName = checkName("inputName", name);
      return this;
    }

    /** The graph output's name (default {@code output}). */
    public Builder outputName(String name) {
      outputName = checkName("outputName", name);
      return this;
    }

    /** The exporter; fails when the input and output would share a name. */
    public OnnxExporter build() {
      if (inputName.equals(outputName)) {
        throw new IllegalArgumentException("inputName and outputName are both '" + inputName
            + "'; a graph's input and output need different names");
      }
      return new OnnxExporter(this);
    }

    private static String checkName(String option, String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(option + "=" + name + " is not allowed; use a non-empty name");
      }
      return name;
    }
  }
}
