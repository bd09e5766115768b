package org.trainer4j.core.engine;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.checkpoint.ModelWeights;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.optim.Gradients;
import org.trainer4j.core.optim.NamedParameter;
import org.trainer4j.core.optim.Optimizer;
import org.trainer4j.core.optim.OptimizerState;
import org.trainer4j.core.optim.Optimizers;

/**
 * The engine of a DJL model: its block forward through a DJL {@link Loss} (or a {@link ComputeLoss} that runs
 * the model itself), gradients by DJL's gradient collector, core's optimizers and clipping over the block's trainable parameters, weights in
 * safetensors. Any {@link Block} trains through it, whatever made it (a native block, a TorchScript
 * module wrapped as a block). Built from an {@link InferenceModel} it evaluates and predicts only.
 *
 * <p>Each micro-batch and evaluation batch lives in its own sub-manager and {@link NDScope}, closed
 * before the next: no array of a batch outlives it.
 */
public final class DjlEngine implements TrainingEngine {
  private final Model model; // null for an InferenceModel
  private final InferenceModel inference;
  private final NDManager manager;
  private final ComputeLoss computeLoss;
  private final List<String> labelNames;
  private final double labelSmoothingFactor; // what the loss was smoothed by, when this engine smoothed it
  private List<NamedParameter> parameters = List.of();
  private long parameterCount;
  private Optimizer optimizer;

  /**
   * The engine that trains this model's block with this loss.
   *
   * @param labelNames {@code label_names}: the labels the loss sees (empty: all)
   */
  public DjlEngine(Model model, Loss loss, List<String> labelNames) {
    this(model, ComputeLoss.of(loss), labelNames);
  }

  /**
   * The engine that trains this model's block with a loss function that runs the model itself (HF's {@code
   * compute_loss} override).
   *
   * @param labelNames {@code label_names}: the labels the function sees (empty: all)
   */
  public DjlEngine(Model model, ComputeLoss computeLoss, List<String> labelNames) {
    this(model, null, model.getNDManager(), computeLoss, labelNames, 0);
  }

  /**
   * The engine {@code Trainer.builder().model(model).loss(loss).args(args)} makes, for wrapping in an engine of one's
   * own (a data-parallel one): {@code label_names} from the arguments and, with {@code label_smoothing_factor} above
   * 0, the loss's smoothed copy ({@link LabelSmoothable}), which {@link #labelSmoothingFactor()} then reports.
   *
   * @throws IllegalArgumentException when the factor is above 0 and the loss cannot smooth its labels
   */
  public static DjlEngine of(Model model, Loss loss, TrainingArguments args) {
    double factor = args.labelSmoothingFactor();
    return new DjlEngine(model, null, model.getNDManager(), ComputeLoss.of(LabelSmoothable.smoothed(loss, factor)),
        args.labelNames(), factor);
  }

  /** An engine that evaluates and predicts with this model, and cannot train. */
  public static DjlEngine forInference(InferenceModel model, NDManager manager, Loss loss, List<String> labelNames) {
    return forInference(model, manager, ComputeLoss.of(loss), labelNames);
  }

  /** An engine that evaluates and predicts with this model and loss function, and cannot train. */
  public static DjlEngine forInference(InferenceModel model, NDManager manager, ComputeLoss computeLoss,
      List<String> labelNames) {
    return new DjlEngine(null, model, manager, computeLoss, labelNames, 0);
  }

  private DjlEngine(Model model, InferenceModel inference, NDManager manager, ComputeLoss computeLoss,
      List<String> labelNames, double labelSmoothingFactor) {
    if (computeLoss == null) {
      throw new IllegalArgumentException("the engine needs a loss or a compute_loss function, got null");
    }
    this.model = model;
    this.inference = inference;
    this.manager = manager;
    this.computeLoss = computeLoss;
    this.labelNames = List.copyOf(labelNames);
    this.labelSmoothingFactor = labelSmoothingFactor;
  }

  @Override
  public double labelSmoothingFactor() {
    return labelSmoothingFactor;
  }

  @Override
  public void prepare(TrainerDataset data, int[] firstBatch, int seed) {
    if (model == null || model.getBlock().isInitialized()) {
      return;
    }
    Block block = model.getBlock();
    Engine.getInstance().setRandomSeed(seed);
    try (NDManager batchManager = manager.newSubManager(); Batch first = data.batch(batchManager, firstBatch)) {
      Shape[] shapes = first.inputs().stream().map(NDArray::getShape).toArray(Shape[]::new);
      DataType type = first.inputs().get(0).getDataType();
      block.initialize(manager, type.isFloating() ? type : DataType.FLOAT32, shapes);
    }
  }

  @Override
  public void beginTraining(TrainingArguments args) {
    if (model == null) {
      throw new UnsupportedOperationException(inference.trainingUnsupportedMessage());
    }
    parameters = Optimizers.trainableParameters(model.getBlock());
    parameterCount = ParameterCount.of(model.getBlock()).trainable();
    optimizer = Optimizers.create(args, parameters);
  }

  @Override
  public void endTraining() {
    if (optimizer != null) {
      optimizer.close();
      optimizer = null;
    }
  }

  @Override
  public long parameterCount() {
    return parameterCount;
  }

  @Override
  public float forwardBackward(TrainerDataset data, MicroBatch micro) {
    // Dropout draws depend on the seed and the position in the run only, so a resumed run repeats them.
    Engine.getInstance().setRandomSeed(micro.seed());
    try (NDScope scope = new NDScope();
        NDManager batchManager = manager.newSubManager();
        Batch batch = data.batch(batchManager, micro.indices());
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      scope.suppressNotUsedWarning();
      NDArray value = trainingLoss(batch, micro, batchManager, true);
      collector.backward(micro.windowSize() == 1 ? value : Scalars.dividedBy(value, micro.windowSize()));
      return value.toType(DataType.FLOAT32, false).getFloat();
    }
  }

  @Override
  public void checkForward(TrainerDataset data, MicroBatch micro) {
    try (NDScope scope = new NDScope();
        NDManager batchManager = manager.newSubManager();
        Batch batch = data.batch(batchManager, micro.indices())) {
      scope.suppressNotUsedWarning();
      trainingLoss(batch, micro, batchManager, false);
    }
  }

  /** The batch's loss, after checking its shapes. */
  private NDArray trainingLoss(Batch batch, MicroBatch micro, NDManager batchManager, boolean training) {
    BatchCheck.Place place = new BatchCheck.Place("training", micro.epoch(), micro.batch());
    BatchCheck.shapes(batch, micro.indices(), place);
    NDList labels = selectLabels(batch.labels(), labelNames);
    return lossAndOutputs(modelCall(batchManager, training), batch.inputs(), labels, micro.indices(), place).loss();
  }

  /** The model as a {@link ComputeLoss} calls it, in this batch's manager. */
  private ComputeLoss.ModelCall modelCall(NDManager batchManager, boolean training) {
    return new ComputeLoss.ModelCall() {
      @Override
      public NDList forward(NDList inputs) {
        return model != null ? model.getBlock().forward(new ParameterStore(batchManager, false), inputs, training)
            : inference.forward(inputs, batchManager);
      }

      @Override
      public boolean training() {
        return training;
      }
    };
  }

  /**
   * The loss and outputs of a batch: a DJL loss the engine rejects is explained when it can be; a loss function
   * must return a scalar.
   */
  private ComputeLoss.Result lossAndOutputs(ComputeLoss.ModelCall call, NDList inputs, NDList labels, int[] indices,
      BatchCheck.Place place) {
    if (computeLoss instanceof DjlLoss djl) {
      NDList outputs = call.forward(inputs);
      try {
        return new ComputeLoss.Result(djl.loss().evaluate(labels, outputs), outputs);
      } catch (RuntimeException e) {
        throw BatchCheck.explain(e, djl.loss(), labels, outputs, indices, place);
      }
    }
    ComputeLoss.Result result = computeLoss.compute(call, inputs, labels);
    if (result == null || result.loss() == null || result.outputs() == null || result.loss().getShape().size() != 1) {
      throw new IllegalArgumentException("compute_loss must return a scalar loss and the model's outputs, got "
          + (result == null ? "null" : result.loss() == null ? "no loss" : result.outputs() == null ? "no outputs"
              : "a loss of shape " + result.loss().getShape()) + " for " + place);
    }
    return result;
  }

  @Override
  public double clipGradients(double maxNorm) {
    return Gradients.clipByGlobalNorm(parameters, maxNorm);
  }

  @Override
  public void optimizerStep(double learningRate) {
    optimizer.step(learningRate);
  }

  @Override
  public void zeroGradients() {
    Gradients.zero(parameters);
  }

  @Override
  public Optional<Optimizer> optimizer() {
    return Optional.ofNullable(optimizer);
  }

  @Override
  public void saveWeights(Path file) throws IOException {
    ModelWeights.save(trainable().getBlock(), file);
  }

  @Override
  public void loadWeights(Path file) throws IOException {
    ModelWeights.load(trainable().getBlock(), file);
  }

  private Model trainable() {
    if (model == null) {
      throw new UnsupportedOperationException(inference.trainingUnsupportedMessage());
    }
    return model;
  }

  /** {@code optimizer.safetensors}: the optimizer's arrays, and its scalars in the metadata. */
  @Override
  public void saveOptimizer(Path checkpoint) throws IOException {
    OptimizerState state = optimizer.state();
    Safetensors.write(checkpoint.resolve(Checkpoints.OPTIMIZER), state.arrays(),
        Map.of("scalars", PyJson.dumps(state.scalars(), true)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void loadOptimizer(Path checkpoint) {
    CheckpointFiles.load(checkpoint.resolve(Checkpoints.OPTIMIZER), file -> {
      String text = Safetensors.readMetadata(file).get("scalars");
      if (text == null) {
        throw new IllegalArgumentException("it has no \"scalars\" metadata (the optimizer's step and settings)");
      }
      Map<String, Object> scalars = (Map<String, Object>) PyJson.loads(text);
      Object savedName = scalars.get("optimizer");
      if (savedName != null && !optimizer.name().equals(savedName)) {
        throw new IllegalArgumentException("the checkpoint " + checkpoint + " was trained with optim=" + savedName
            + ", this run uses optim=" + optimizer.name() + "; resume with the same optimizer");
      }
      try (NDManager arrays = NDManager.newBaseManager()) {
        Map<String, NDArray> loaded = new java.util.LinkedHashMap<>();
        Safetensors.read(file).forEach((name, tensor) -> loaded.put(name, tensor.toArray(arrays)));
        optimizer.loadState(new OptimizerState(loaded, scalars));
      }
    });
  }

  @Override
  public BatchOutput evaluate(TrainerDataset data, EvalBatch request) {
    int[] indices = request.indices();
    BatchCheck.Place place = new BatchCheck.Place("evaluation", 0, request.batch());
    try (NDScope scope = new NDScope();
        NDManager batchManager = manager.newSubManager();
        Batch batch = data.batch(batchManager, indices)) {
      scope.suppressNotUsedWarning();
      BatchCheck.shapes(batch, indices, place);
      ComputeLoss.ModelCall call = modelCall(batchManager, false);
      NDList batchLabels = selectLabels(batch.labels(), request.labelNames());
      NDList outputs;
      Optional<HostArray> labels = Optional.empty();
      Optional<Double> batchLoss = Optional.empty();
      if (batchLabels.isEmpty()) {
        outputs = call.forward(batch.inputs()); // no labels, no loss: the model alone (as HF's prediction_step)
      } else {
        ComputeLoss.Result result = lossAndOutputs(call, batch.inputs(), batchLabels, indices, place);
        outputs = result.outputs();
        labels = Optional.of(toHost(batchLabels.get(0)));
        batchLoss = Optional.of((double) result.loss().toType(DataType.FLOAT32, false).getFloat());
      }
      HostArray predictions = toHost(firstOutput(outputs, request.ignoreKeys()));
      Optional<HostArray> inputs = request.keepInputs() ? Optional.of(toHost(batch.inputs().get(0))) : Optional.empty();
      return new BatchOutput(predictions, labels, batchLoss, inputs, batch.size());
    }
  }

  /** The labels the loss and metrics use: those named in {@code label_names}, else all of them. */
  static NDList selectLabels(NDList labels, List<String> labelNames) {
    if (labelNames.isEmpty()) {
      return labels;
    }
    NDList picked = new NDList();
    for (String name : labelNames) {
      NDArray found = labels.get(name);
      if (found == null) {
        List<String> present = labels.stream().map(a -> String.valueOf(a.getName())).toList();
        throw new IllegalArgumentException("label_names names '" + name + "', but the batch's labels are named "
            + present + "; set label_names to those names or name the arrays in your collator");
      }
      picked.add(found);
    }
    return picked;
  }

  private static NDArray firstOutput(NDList outputs, Collection<String> ignoreKeys) {
    for (NDArray a : outputs) {
      if (a.getName() == null || !ignoreKeys.contains(a.getName())) {
        return a;
      }
    }
    throw new IllegalArgumentException("every output of the model is in ignore_keys " + ignoreKeys
        + "; nothing is left to use as predictions");
  }

  private static HostArray toHost(NDArray array) {
    // toType without copy may return the array itself: the caller's scope frees it, not this method.
    NDArray floats = array.toType(DataType.FLOAT32, false);
    return new HostArray(floats.toFloatArray(), array.getShape().getShape());
  }

  /** Closes the {@link InferenceModel} and its manager; a DJL model stays open: it is the caller's. */
  @Override
  public void close() {
    endTraining();
    if (model == null) {
      inference.close();
      manager.close();
    }
  }
}
