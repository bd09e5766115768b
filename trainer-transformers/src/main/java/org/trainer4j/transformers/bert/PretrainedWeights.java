package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.checkpoint.Safetensors;

/**
 * Loads pretrained weights into a {@link BertBlock} by HF parameter name: from an HF model folder's {@code
 * model.safetensors}, or from an ONNX export of the encoder, whose initializers are matched through the graph.
 *
 * <p>As HF's {@code from_pretrained}, names may carry the base-model prefix {@code bert.} or not, buffers such as
 * {@code embeddings.position_ids} are skipped, tensors the model does not have are reported as unused, and head
 * parameters (pooler, classifier) the checkpoint lacks keep their fresh initialization ("newly initialized"). An
 * encoder parameter the checkpoint lacks, or a tensor whose shape differs from the configuration's, is an error.
 */
public final class PretrainedWeights {
  private static final Logger LOG = LoggerFactory.getLogger(PretrainedWeights.class);
  /** HF's {@code base_model_prefix} for BERT. */
  private static final String BASE_PREFIX = "bert.";
  /** Buffers some checkpoints hold that are not parameters. */
  private static final Set<String> BUFFERS = Set.of("embeddings.position_ids", "embeddings.token_type_ids");

  private PretrainedWeights() {}

  /** What a load did: the parameters set from the checkpoint, those left fresh, and checkpoint tensors not used. */
  public record LoadReport(List<String> loaded, List<String> newlyInitialized, List<String> unused) {
    public LoadReport {
      loaded = List.copyOf(loaded);
      newlyInitialized = List.copyOf(newlyInitialized);
      unused = List.copyOf(unused);
    }
  }

  /** A source tensor: float32 little-endian values in the block's layout. */
  private record Values(Shape shape, ByteBuffer data, DataType dataType) {}

  /**
   * Loads {@code model.safetensors} of an HF folder (or a {@code .safetensors} file) into the block, initializing
   * the block first if needed.
   *
   * @throws IllegalArgumentException when the file is missing or corrupt, a shape differs from the configuration's
   *     (naming the tensor), or an encoder parameter is missing
   */
  public static LoadReport loadSafetensors(BertBlock block, NDManager manager, Path folderOrFile) {
    return loadSafetensors(block, manager, folderOrFile, false);
  }

  /**
   * As {@link #loadSafetensors(BertBlock, NDManager, Path)}; with {@code ignoreMismatchedSizes} (HF's {@code
   * ignore_mismatched_sizes=True}) a head tensor (classifier, pooler) whose shape differs, such as a classifier
   * trained for another number of labels, is left out and the head keeps its fresh initialization.
   */
  public static LoadReport loadSafetensors(BertBlock block, NDManager manager, Path folderOrFile,
      boolean ignoreMismatchedSizes) {
    Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("model.safetensors") : folderOrFile;
    if (!Files.isRegularFile(file)) {
      String why = Files.isRegularFile(file.resolveSibling("model.safetensors.index.json"))
          ? " (sharded checkpoints, model.safetensors.index.json, are not supported yet)"
          : Files.isRegularFile(file.resolveSibling("pytorch_model.bin"))
              ? " (pytorch_model.bin is not read: save the model with safe_serialization=True)" : "";
      throw new IllegalArgumentException("no weights at " + file + why);
    }
    Map<String, Safetensors.Tensor> tensors;
    try {
      tensors = Safetensors.read(file);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a valid safetensors file: " + e.getMessage(), e);
    }
    Map<String, Values> values = new LinkedHashMap<>();
    List<String> unused = new ArrayList<>();
    Map<String, Parameter> parameters = parameters(block, manager);
    for (Map.Entry<String, Safetensors.Tensor> e : tensors.entrySet()) {
      Optional<String> target = targetName(e.getKey(), parameters, block);
      if (target.isEmpty()) {
        if (!isBuffer(e.getKey())) {
          unused.add(e.getKey());
        }
        continue;
      }
      Safetensors.Tensor t = e.getValue();
      Parameter parameter = parameters.get(target.get());
      if (ignoreMismatchedSizes && block.isHeadParameter(target.get()) && !t.shape().equals(parameter.getShape())) {
        LOG.warn("{} of the checkpoint has shape {}, the model's {}: left out (ignore_mismatched_sizes)", e.getKey(),
            t.shape(), parameter.getShape());
        continue;
      }
      checkShape(e.getKey(), t.shape(), parameter, file, block);
      values.put(target.get(), new Values(t.shape(), t.data(), t.dataType()));
    }
    return assign(block, manager, parameters, values, unused, file);
  }

  /**
   * Loads the weights of an ONNX export of the encoder (as {@code torch.onnx.export} writes HF's {@code BertModel}):
   * initializers named as HF parameters are taken by name; the projection matrices, which exports name {@code
   * onnx::MatMul_<n>} and store transposed ({@code [in, out]}), are found through the graph: the {@code MatMul}
   * that reads the initializer feeds an {@code Add} whose other input is the HF-named bias {@code <layer>.bias},
   * so the matrix is {@code <layer>.weight}. The block's head (pooler, classifier) keeps its initialization unless
   * the graph has it.
   *
   * @throws IllegalArgumentException naming the first initializer it cannot map, or a parameter the graph lacks
   */
  public static LoadReport loadOnnx(BertBlock block, NDManager manager, Path onnxFile) {
    OnnxGraph graph = OnnxGraph.read(onnxFile);
    Map<String, Parameter> parameters = parameters(block, manager);
    Map<String, Values> values = new LinkedHashMap<>();
    for (OnnxGraph.Initializer init : graph.initializers()) {
      if (isBuffer(init.name())) {
        continue;
      }
      Optional<String> byName = targetName(init.name(), parameters, block);
      Optional<String> target = byName.isPresent() ? byName : matMulWeight(graph, init).flatMap(w -> targetName(w, parameters, block));
      if (target.isEmpty()) {
        throw new IllegalArgumentException(onnxFile + ": cannot map initializer " + init.name() + " "
            + new Shape(init.dims()) + " to a parameter of " + block.architecture() + ": the model has no parameter of"
            + " that name, and it is not the matrix of a MatMul followed by an Add of a named bias");
      }
      if (init.values() == null) {
        throw new IllegalArgumentException(onnxFile + ": initializer " + init.name() + " (for " + target.get()
            + ") has ONNX data type " + init.dataType() + "; only float32 weights are supported");
      }
      if (values.containsKey(target.get())) {
        throw new IllegalArgumentException(onnxFile + ": two initializers map to " + target.get() + " (the second is "
            + init.name() + ")");
      }
      boolean transposed = byName.isEmpty();
      Shape shape = new Shape(init.dims());
      ByteBuffer data = transposed ? transpose(init.values(), shape) : init.values();
      Shape inBlockLayout = transposed ? new Shape(shape.get(1), shape.get(0)) : shape;
      checkShape(init.name() + (transposed ? " (transposed, as " + target.get() + ")" : ""), inBlockLayout,
          parameters.get(target.get()), onnxFile, block);
      values.put(target.get(), new Values(inBlockLayout, data, DataType.FLOAT32));
    }
    return assign(block, manager, parameters, values, List.of(), onnxFile);
  }

  /** The HF weight name of a MatMul's matrix, from the bias added to the MatMul's output. */
  private static Optional<String> matMulWeight(OnnxGraph graph, OnnxGraph.Initializer init) {
    for (OnnxGraph.Node matMul : graph.consumers(init.name())) {
      if (!"MatMul".equals(matMul.opType()) || matMul.inputs().size() != 2 || !matMul.inputs().get(1).equals(init.name())
          || init.dims().length != 2) {
        continue;
      }
      for (OnnxGraph.Node add : graph.consumers(matMul.outputs().get(0))) {
        if (!"Add".equals(add.opType())) {
          continue;
        }
        for (String input : add.inputs()) {
          if (input.endsWith(".bias")) {
            return Optional.of(input.substring(0, input.length() - ".bias".length()) + ".weight");
          }
        }
      }
    }
    return Optional.empty();
  }

  private static ByteBuffer transpose(ByteBuffer values, Shape shape) {
    int rows = (int) shape.get(0);
    int cols = (int) shape.get(1);
    ByteBuffer source = values.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(rows * cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < cols; c++) {
      for (int r = 0; r < rows; r++) {
        out.putFloat(source.getFloat(source.position() + (r * cols + c) * Float.BYTES));
      }
    }
    return out.flip();
  }

  private static Map<String, Parameter> parameters(BertBlock block, NDManager manager) {
    block.initialize(manager);
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.put(p.getKey(), p.getValue());
    }
    return out;
  }

  /** The block's parameter a checkpoint name denotes, with or without the {@code bert.} prefix. */
  private static Optional<String> targetName(String name, Map<String, Parameter> parameters, BertBlock block) {
    if (parameters.containsKey(name)) {
      return Optional.of(name);
    }
    if (parameters.containsKey(BASE_PREFIX + name)) {
      return Optional.of(BASE_PREFIX + name);
    }
    if (name.startsWith(BASE_PREFIX) && parameters.containsKey(name.substring(BASE_PREFIX.length()))) {
      return Optional.of(name.substring(BASE_PREFIX.length()));
    }
    return Optional.empty();
  }

  private static boolean isBuffer(String name) {
    return BUFFERS.contains(name.startsWith(BASE_PREFIX) ? name.substring(BASE_PREFIX.length()) : name);
  }

  private static void checkShape(String source, Shape shape, Parameter parameter, Path file, BertBlock block) {
    if (!shape.equals(parameter.getShape())) {
      throw new IllegalArgumentException(file + ": tensor " + source + " has shape " + shape + " but "
          + parameter.getName() + " of this " + block.architecture() + " has shape " + parameter.getShape()
          + " (from its configuration: hidden_size=" + block.config().hiddenSize() + ", vocab_size="
          + block.config().vocabSize() + ", intermediate_size=" + block.config().intermediateSize()
          + ", num_labels=" + block.config().numLabels() + "); the checkpoint belongs to another configuration"
          + (block.isHeadParameter(parameter.getName()) ? "; to train a new head on it, load with"
              + " ignoreMismatchedSizes (HF's ignore_mismatched_sizes=True)" : ""));
    }
  }

  private static LoadReport assign(BertBlock block, NDManager manager, Map<String, Parameter> parameters,
      Map<String, Values> values, List<String> unused, Path file) {
    List<String> fresh = new ArrayList<>();
    for (Map.Entry<String, Parameter> p : parameters.entrySet()) {
      if (!values.containsKey(p.getKey())) {
        if (!block.isHeadParameter(p.getKey())) {
          throw new IllegalArgumentException(file + " has no weights for " + p.getKey() + "; it is not a checkpoint"
              + " of this BERT configuration");
        }
        fresh.add(p.getKey());
      }
    }
    for (Map.Entry<String, Values> v : values.entrySet()) {
      NDArray target = parameters.get(v.getKey()).getArray();
      try (NDManager scratch = manager.newSubManager(); NDArray weight = target.stopGradient()) {
        Values source = v.getValue();
        NDArray loaded = scratch.create(source.data().duplicate().order(ByteOrder.LITTLE_ENDIAN), source.shape(),
            source.dataType());
        // An indexed copy into a detached view, as ModelWeights does: set(Buffer) would make the parameter use a
        // Java buffer, and autograd refuses in-place writes to a weight on threads other than the engine's first.
        weight.set(new NDIndex("..."), loaded.toType(DataType.FLOAT32, false));
      }
    }
    if (!fresh.isEmpty()) {
      LOG.warn("Some weights of {} were not initialized from the model checkpoint at {} and are newly initialized: {}."
          + " You should probably TRAIN this model on a down-stream task.", block.architecture(), file, fresh);
    }
    if (!unused.isEmpty()) {
      LOG.info("Some weights of the model checkpoint at {} were not used when initializing {}: {}", file,
          block.architecture(), unused);
    }
    return new LoadReport(new ArrayList<>(values.keySet()), fresh, unused);
  }
}
