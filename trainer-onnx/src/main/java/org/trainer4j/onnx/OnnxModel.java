package org.trainer4j.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.engine.InferenceModel;

/**
 * An ONNX model served by ONNX Runtime, for {@code Trainer.evaluate()} and {@code Trainer.predict()}:
 *
 * <pre>{@code
 * try (Trainer trainer = Trainer.builder()
 *     .inferenceModel(OnnxModel.load(Path.of("digits.onnx")))
 *     .loss(Loss.softmaxCrossEntropyLoss())
 *     .args(args).evalDataset(testSet, collator)
 *     .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
 *     .build()) {
 *   trainer.evaluate();
 * }
 * }</pre>
 *
 * <p>Each batch the Trainer hands over (of {@code per_device_eval_batch_size} examples) runs as one
 * ONNX Runtime call. Batch input arrays go to the graph's inputs by position when {@link
 * Builder#inputNames} is set, else by their names ({@code NDArray.setName}), else — for a graph with a
 * single input and a batch with a single array — to that input. An array whose element type differs
 * from the graph's is converted first. The outputs come back as arrays of the Trainer's manager, named
 * after the graph's outputs, so the loss, {@code computeMetrics} and {@code ignore_keys} see them as
 * they would a DJL model's.
 *
 * <p>Training is refused ({@link #trainingUnsupportedMessage()}): the ONNX Runtime training build is
 * not on Maven Central; train a DJL model and {@link OnnxExporter export} it instead. The session is
 * closed by {@link #close()}, which {@code Trainer.close()} calls. Thread-safe: calls to
 * {@link #forward} from several threads run one at a time.
 */
public final class OnnxModel implements InferenceModel {
  /** What {@code Trainer.train()} says when given an OnnxModel. */
  public static final String TRAINING_UNSUPPORTED =
      "ONNX Runtime models are for evaluation and prediction; train a DJL model instead";

  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

  private final String source;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Map<String, TensorInfo> inputInfo;
  private final List<String> positionalNames;
  private final List<String> returnedOutputs;
  private boolean closed;

  private OnnxModel(Builder b) {
    if (b.intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads=" + b.intraOpThreads
          + " is not allowed; use 0 (ONNX Runtime's default) or a positive number of threads");
    }
    this.source = b.file != null ? b.file.toString() : "ONNX model of " + b.bytes.length + " bytes";
    if (b.file != null && !Files.isRegularFile(b.file)) {
      throw new IllegalArgumentException("ONNX model file " + b.file
          + (Files.isDirectory(b.file) ? " is a directory; give the .onnx file in it" : " does not exist"));
    }
    this.env = OrtRuntime.environment();
    this.session = openSession(b);
    try {
      this.inputInfo = new LinkedHashMap<>();
      this.inputs = describeInputs(session.getInputInfo());
      this.outputs = describe(session.getOutputInfo());
      this.positionalNames = checkNames("inputNames", b.inputNames, inputs, "inputs");
      List<String> requested = checkNames("outputs", b.outputs, outputs, "outputs");
      this.returnedOutputs = requested.isEmpty() ? List.of(outputs.get(0).name()) : requested;
      for (String name : returnedOutputs) {
        if (outputs.stream().noneMatch(o -> o.name().equals(name) && !o.elementType().isEmpty())) {
          throw new IllegalArgumentException((requested.isEmpty() ? "the first output '" : "outputs: '") + name
              + "' of " + source + " is not a tensor; OnnxModel returns tensor outputs only, choose them with"
              + " OnnxModel.builder(...).outputs(...)");
        }
      }
    } catch (OrtException | RuntimeException e) {
      closeQuietly();
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalArgumentException("cannot read the inputs and outputs of " + source + ": " + e.getMessage(), e);
    }
    LOG.info("Loaded {} into ONNX Runtime {}: inputs {}, outputs {} (predictions: {})", source, env.getVersion(),
        inputs, outputs, returnedOutputs.get(0));
  }

  /** Loads a {@code .onnx} file with the default options. */
  public static OnnxModel load(Path file) {
    return builder(file).build();
  }

  /** A builder for a model read from a {@code .onnx} file. */
  public static Builder builder(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("file must be the path of a .onnx file, not null");
    }
    return new Builder(file, null);
  }

  /** A builder for a model given as the bytes of a {@code .onnx} file. */
  public static Builder builder(byte[] model) {
    if (model == null) {
      throw new IllegalArgumentException("model must hold the bytes of a .onnx file, not null");
    }
    return new Builder(null, model.clone());
  }

  /** The graph's inputs, in the file's order. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** The graph's outputs, in the file's order (non-tensor outputs have an empty element type). */
  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** The names of the outputs {@link #forward} returns, in order; the first is the predictions. */
  public List<String> returnedOutputs() {
    return returnedOutputs;
  }

  /** The file the model came from, or a description of the bytes it was given. */
  public String source() {
    return source;
  }

  /**
   * Runs one batch: the arrays of {@code batchInputs} go to the graph's inputs, the outputs come back
   * as arrays of {@code manager}.
   *
   * @throws IllegalArgumentException when an array cannot be matched to a graph input, or its shape
   *     does not fit the input's (the message names the input and both shapes)
   */
  @Override
  public NDList forward(NDList batchInputs, NDManager manager) {
    Map<String, NDArray> feeds = bind(batchInputs);
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, NDArray> feed : feeds.entrySet()) {
        tensors.put(feed.getKey(), toTensor(feed.getKey(), feed.getValue()));
      }
      try (OrtSession.Result result = run(tensors)) {
        NDList out = new NDList(returnedOutputs.size());
        for (String name : returnedOutputs) {
          OnnxValue value = result.get(name).orElseThrow();
          out.add(Tensors.toDjl((OnnxTensor) value, manager, name));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime could not run " + source + " on a batch of "
          + describeFeeds(feeds) + ": " + e.getMessage(), e);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public String trainingUnsupportedMessage() {
    return TRAINING_UNSUPPORTED;
  }

  /** Closes the ONNX Runtime session; later calls to {@link #forward} fail. Calling it twice is harmless. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly();
    }
  }

  @Override
  public String toString() {
    return "OnnxModel(" + source + ", inputs " + inputs + ", outputs " + outputs + ")";
  }

  // ---- loading ----

  private OrtSession openSession(Builder b) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(b.optimizationLevel.ortLevel());
      if (b.intraOpThreads > 0) {
        options.setIntraOpNumThreads(b.intraOpThreads);
      }
      return b.file != null ? env.createSession(b.file.toString(), options) : env.createSession(b.bytes, options);
    } catch (OrtException e) {
      throw new IllegalArgumentException("cannot load " + source + " as an ONNX model: " + e.getMessage(), e);
    }
  }

  private List<TensorSpec> describeInputs(Map<String, NodeInfo> infos) {
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo tensor)) {
        throw new IllegalArgumentException("input '" + node.getName() + "' of " + source + " is " + node.getInfo()
            + ", not a tensor; OnnxModel feeds tensors only");
      }
      if (Tensors.djlType(tensor.type).isEmpty()) {
        throw new IllegalArgumentException("input '" + node.getName() + "' of " + source + " takes "
            + Tensors.elementTypeName(tensor) + " values, which DJL arrays cannot hold");
      }
      inputInfo.put(node.getName(), tensor);
    }
    return describe(infos);
  }

  private static List<TensorSpec> describe(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      specs.add(Tensors.spec(node.getName(), node.getInfo())
          .orElseGet(() -> new TensorSpec(node.getName(), "", List.of(), List.of())));
    }
    return List.copyOf(specs);
  }

  private List<String> checkNames(String option, List<String> names, List<TensorSpec> graph, String what) {
    List<String> known = graph.stream().map(TensorSpec::name).toList();
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException(option + "=" + names + " is not allowed: a name appears twice");
    }
    for (String name : names) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(option + ": '" + name + "' is not one of the " + what + " of " + source
            + "; its " + what + " are " + graph);
      }
    }
    return List.copyOf(names);
  }

  // ---- running ----

  /** Which graph input each batch array goes to (see the class comment for the rules). */
  private Map<String, NDArray> bind(NDList batch) {
    Map<String, NDArray> feeds = new LinkedHashMap<>();
    if (!positionalNames.isEmpty()) {
      if (batch.size() != positionalNames.size()) {
        throw new IllegalArgumentException("the batch has " + batch.size() + " input arrays, but inputNames maps "
            + positionalNames.size() + " positions " + positionalNames + " to the inputs of " + source);
      }
      for (int i = 0; i < batch.size(); i++) {
        feeds.put(positionalNames.get(i), batch.get(i));
      }
    } else if (batch.stream().allMatch(a -> a.getName() != null && !a.getName().isEmpty())) {
      for (NDArray array : batch) {
        if (!inputInfo.containsKey(array.getName())) {
          throw new IllegalArgumentException("the batch's input array '" + array.getName() + "' is not an input of "
              + source + "; the graph's inputs are " + inputs + ". Name the arrays as the graph does in your"
              + " collator, or map positions with OnnxModel.builder(...).inputNames(...)");
        }
        if (feeds.put(array.getName(), array) != null) {
          throw new IllegalArgumentException("the batch has two input arrays named '" + array.getName() + "'");
        }
      }
    } else if (batch.size() == 1 && inputs.size() == 1) {
      feeds.put(inputs.get(0).name(), batch.get(0));
    } else {
      throw new IllegalArgumentException("the batch has " + batch.size() + " input arrays without names and "
          + source + " has " + inputs.size() + " inputs " + inputs + "; name the arrays (NDArray.setName) in your"
          + " collator, or map positions with OnnxModel.builder(...).inputNames(...)");
    }
    for (TensorSpec input : inputs) {
      if (!feeds.containsKey(input.name())) {
        throw new IllegalArgumentException("input '" + input.name() + "' of " + source + " gets no array from the"
            + " batch, whose arrays go to " + feeds.keySet() + "; the graph's inputs are " + inputs);
      }
    }
    return feeds;
  }

  private OnnxTensor toTensor(String name, NDArray array) throws OrtException {
    TensorSpec spec = inputs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    long[] shape = array.getShape().getShape();
    if (!spec.accepts(shape)) {
      boolean batchDim = shape.length == spec.shape().size() && shape.length > 0 && spec.shape().get(0) >= 0
          && spec.shape().get(0) != shape[0];
      throw new IllegalArgumentException("input '" + name + "' of " + source + " expects " + spec.elementType()
          + spec.shapeText() + ", but the batch's array has shape " + Tensors.shapeText(shape)
          + (batchDim ? "; the graph's batch dimension is fixed, and the Trainer sends batches of"
              + " per_device_eval_batch_size examples (the last one may be smaller)" : ""));
    }
    TensorInfo info = inputInfo.get(name);
    DataType type = Tensors.djlType(info.type).orElseThrow();
    return Tensors.toOrt(env, array, info.type, type);
  }

  private synchronized OrtSession.Result run(Map<String, OnnxTensor> tensors) throws OrtException {
    if (closed) {
      throw new IllegalStateException(source + " is closed (the Trainer that used it was closed)");
    }
    return session.run(tensors, new LinkedHashSet<>(returnedOutputs));
  }

  private static String describeFeeds(Map<String, NDArray> feeds) {
    List<String> parts = new ArrayList<>();
    feeds.forEach((name, array) -> parts.add(name + ": " + array.getDataType() + Tensors.shapeText(array.getShape().getShape())));
    return String.join(", ", parts);
  }

  private void closeQuietly() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing the ONNX Runtime session of {} failed", source, e);
    }
  }

  /** Options for an {@link OnnxModel}; {@link #build()} loads the model. */
  public static final class Builder {
    private final Path file;
    private final byte[] bytes;
    private List<String> inputNames = List.of();
    private List<String> outputs = List.of();
    private int intraOpThreads;
    private GraphOptimizationLevel optimizationLevel = GraphOptimizationLevel.ALL;

    private Builder(Path file, byte[] bytes) {
      this.file = file;
      this.bytes = bytes;
    }

    /**
     * Maps batch arrays to graph inputs by position: the batch's array {@code i} goes to input
     * {@code names[i]}. Without it arrays go by their own names, or, for a graph with one input, to it.
     */
    public Builder inputNames(String... names) {
      inputNames = List.of(names);
      return this;
    }

    /**
     * The graph outputs {@code forward} returns, in this order; the first is the predictions (default:
     * the graph's first output only).
     */
    public Builder outputs(String... names) {
      outputs = List.of(names);
      return this;
    }

    /** Threads ONNX Runtime uses inside one operator; 0 (the default) lets it choose. */
    public Builder intraOpThreads(int threads) {
      intraOpThreads = threads;
      return this;
    }

    /** How far ONNX Runtime optimizes the graph when loading it (default {@link GraphOptimizationLevel#ALL}). */
    public Builder optimizationLevel(GraphOptimizationLevel level) {
      if (level == null) {
        throw new IllegalArgumentException("optimizationLevel must be one of "
            + List.of(GraphOptimizationLevel.values()) + ", not null");
      }
      optimizationLevel = level;
      return this;
    }

    /**
     * Loads the model into an ONNX Runtime session.
     *
     * @throws IllegalArgumentException when the file is missing or is not an ONNX model (with ONNX
     *     Runtime's reason), or an option names an input or output the graph does not have
     */
    public OnnxModel build() {
      return new OnnxModel(this);
    }
  }
}
