package org.trainer4j.core.args;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.internal.engine.CpuEngineNoise;
import org.trainer4j.core.json.PyJson;

/**
 * Everything that configures a training run, with HF's names and defaults: {@code learningRate()} in
 * Java is {@code learning_rate} on the command line and in JSON.
 *
 * <p>Immutable and validated when built: {@link #builder()}, {@link #parse(String...)} (HF's {@code
 * HfArgumentParser} conventions) or {@link #fromJson(String)}. A bad value fails with an {@link
 * IllegalArgumentException} that names the option, the value and what is allowed.
 */
public final class TrainingArguments {
  static {
    CpuEngineNoise.quietCudaProbe(); // most programs read their arguments before DJL's engine loads
  }

  /** The options below, for parsing, JSON, copies and --help; the draft of a builder is handed to it. */
  static final OptionTable<TrainingArguments> OPTIONS = new OptionTable<>(TrainingArguments.class,
      new TrainingArguments());

  // Options. Each field is one option: its snake_case name, its type and default come from here, so
  // the parser, --help and JSON can never disagree with the Java API.

  @Help("Where checkpoints, trainer_state.json and run logs are written.")
  String outputDir = "trainer_output";

  @Help("Allow training into an output_dir that already holds checkpoints (deleted once the new run has started).")
  boolean overwriteOutputDir = false;

  @Help("Whether to run training (used by scripts such as the examples).")
  boolean doTrain = false;

  @Help("Whether to run evaluation on the eval set (true whenever eval_strategy is not 'no').")
  boolean doEval = false;

  @Help("Whether to run predictions on the test set (used by scripts such as the examples).")
  boolean doPredict = false;

  @Help("When to evaluate during training.")
  IntervalStrategy evalStrategy = IntervalStrategy.NO;

  @Help("Evaluate every N optimizer steps (a value below 1 is a ratio of the total steps); unset: logging_steps.")
  Double evalSteps = null;

  @Help("Epochs (epoch strategy) or steps (steps strategy) to wait before the first evaluation.")
  double evalDelay = 0;

  @Help("Run an evaluation before the first training step, as a sanity check.")
  boolean evalOnStart = false;

  @Help("Batch size for training.")
  int perDeviceTrainBatchSize = 8;

  @Help("Batch size for evaluation and prediction.")
  int perDeviceEvalBatchSize = 8;

  @Help("Micro-batches whose gradients are summed before one optimizer step.")
  int gradientAccumulationSteps = 1;

  @Help("The initial learning rate of the optimizer.")
  double learningRate = 5e-5;

  @Help("Decoupled weight decay (AdamW), not applied to biases and normalization weights.")
  double weightDecay = 0;

  @Help("Beta1 of AdamW.")
  double adamBeta1 = 0.9;

  @Help("Beta2 of AdamW.")
  double adamBeta2 = 0.999;

  @Help("Epsilon of AdamW.")
  double adamEpsilon = 1e-8;

  @Help("Clip gradients to this global L2 norm; 0 turns clipping off.")
  double maxGradNorm = 1.0;

  @Help("Number of training epochs (the last one may be partial).")
  double numTrainEpochs = 3.0;

  @Help("If positive, the total number of optimizer steps; overrides num_train_epochs.")
  int maxSteps = -1;

  @Help("The learning-rate schedule.")
  SchedulerType lrSchedulerType = SchedulerType.LINEAR;

  @Help("Extra keyword arguments of the schedule, as JSON (e.g. {\"num_cycles\": 2}).")
  Map<String, Object> lrSchedulerKwargs = new LinkedHashMap<>();

  @Help("Fraction of the total steps used for a linear warmup.")
  double warmupRatio = 0;

  @Help("Steps of linear warmup; overrides warmup_ratio.")
  int warmupSteps = 0;

  @Help("Label smoothing epsilon of the loss (HF's LabelSmoother), in [0, 1); 0 means none. Above 0 the loss"
      + " must implement LabelSmoothable, e.g. trainer-transformers' CrossEntropyLoss.")
  double labelSmoothingFactor = 0;

  @Help("The optimizer.")
  OptimizerType optim = OptimizerType.ADAMW_TORCH;

  @Help("Extra optimizer arguments as key=value pairs, e.g. momentum=0.9,nesterov=true.")
  String optimArgs = null;

  @Help("TensorBoard log folder; unset: output_dir/runs/<date>_<host>.")
  String loggingDir = null;

  @Help("When to log training metrics.")
  IntervalStrategy loggingStrategy = IntervalStrategy.STEPS;

  @Help("Log the first optimizer step too.")
  boolean loggingFirstStep = false;

  @Help("Log every N optimizer steps (a value below 1 is a ratio of the total steps).")
  double loggingSteps = 500;

  @Help("Leave NaN and Inf step losses out of the logged loss.")
  boolean loggingNanInfFilter = true;

  @Help("When to save checkpoints (best: whenever metric_for_best_model improves).")
  SaveStrategy saveStrategy = SaveStrategy.STEPS;

  @Help("Save every N optimizer steps (a value below 1 is a ratio of the total steps).")
  double saveSteps = 500;

  @Help("Keep at most N checkpoints (never deleting the newest or the best; with 1, only the best stays at the end); unset keeps all.")
  Integer saveTotalLimit = null;

  @Help("Save the model only, without optimizer, scheduler and random state (no exact resume).")
  boolean saveOnlyModel = false;

  @Help("Random seed for model initialization, dropout and (without data_seed) data order.")
  int seed = 42;

  @Help("Random seed for the order of the training data; unset: seed.")
  Integer dataSeed = null;

  @Help("Drop the last incomplete batch of each epoch (training) and of each evaluation or prediction.")
  boolean dataloaderDropLast = false;

  @Help("The order of the training examples: shuffled each epoch (by data_seed), in dataset order, or shuffled"
      + " and grouped by length (HF v5's name); a trainSampler given to the Trainer's builder replaces it.")
  SamplingStrategy trainSamplingStrategy = SamplingStrategy.RANDOM;

  @Help("HF v4's spelling of train_sampling_strategy=group_by_length: batches of examples of similar length.")
  boolean groupByLength = false;

  @Help("With group_by_length: for examples that are maps, the key whose number is the example's length"
      + " (a length function given with the dataset takes precedence).")
  String lengthColumnName = "length";

  @Help("Threads that collate batches ahead of the training step (0: collate on the training thread).")
  int dataloaderNumWorkers = 0;

  @Help("Batches each worker collates ahead; only with dataloader_num_workers > 0; unset: 2.")
  Integer dataloaderPrefetchFactor = null;

  @Help("When resuming, do not skip the examples already trained in the current epoch (a streaming dataset"
      + " starts its epoch again from its first example).")
  boolean ignoreDataSkip = false;

  @Help("Evaluation steps after which the gathered predictions and labels are joined into one host array;"
      + " unset: joined once at the end.")
  Integer evalAccumulationSteps = null;

  @Help("Call compute_metrics after each evaluation batch (with compute_result=true after the last) instead"
      + " of once on every prediction; needs a BatchComputeMetrics.")
  boolean batchEvalMetrics = false;

  @Help("A name for the run, shown by loggers such as W&B; unset: output_dir.")
  String runName = null;

  @Help("Turn off the progress bars (log lines are still printed); unset: bars only when a console is attached.")
  Boolean disableTqdm = null;

  @Help("Names of the label arrays in a batch; unset: the batch's labels as they are.")
  List<String> labelNames = new ArrayList<>();

  @Help("Load the best checkpoint (by metric_for_best_model) when training ends.")
  boolean loadBestModelAtEnd = false;

  @Help("The eval metric that picks the best model (eval_ is added when missing); unset: loss when needed.")
  String metricForBestModel = null;

  @Help("Whether a larger metric_for_best_model is better; unset: false for names ending in loss, else true.")
  Boolean greaterIsBetter = null;

  @Help("Integrations to report to: all (every one on the class path), none, or names.")
  List<String> reportTo = new ArrayList<>(List.of("all"));

  @Help("A checkpoint folder to resume from, or true for the latest checkpoint in output_dir (used by train()).")
  String resumeFromCheckpoint = null;

  @Help("Extra inputs for compute_metrics: inputs, loss or both.")
  List<String> includeForMetrics = new ArrayList<>();

  @Help("Restore the state of stateful callbacks (e.g. early stopping) from the checkpoint.")
  boolean restoreCallbackStatesFromCheckpoint = false;

  // The options as the user set them, before build() derived anything from them: toBuilder() starts
  // here, so that run_name, eval_steps, do_eval, metric_for_best_model and greater_is_better are
  // derived again from the changed options instead of being frozen. Null only for drafts.
  private TrainingArguments given;

  TrainingArguments() {}

  /** A builder starting from HF's defaults. */
  public static Builder builder() {
    return new Builder(new TrainingArguments());
  }

  /**
   * A builder holding the options as they were given to the builder, the parser or {@code fromJson}:
   * the values {@link Builder#build()} derived ({@code run_name}, {@code eval_steps}, {@code do_eval},
   * {@code metric_for_best_model}, {@code greater_is_better}, {@code output_dir} for null) are derived
   * again from the changed options, so {@code args.toBuilder().outputDir("b").build()} is the same
   * value as building from scratch with the original options and {@code output_dir=b}.
   */
  public Builder toBuilder() {
    return new Builder((given != null ? given : this).copy());
  }

  /**
   * Parses command-line arguments as HF's {@code HfArgumentParser} does: {@code --learning_rate 3e-5}
   * (or {@code --learning-rate=3e-5}), {@code --do_train} or {@code --do_train false}, {@code
   * --no_logging_nan_inf_filter}, {@code --report_to tensorboard wandb}, {@code --lr_scheduler_kwargs
   * '{"num_cycles": 2}'}, or a single {@code .json} file of the same names.
   *
   * <p>{@code --help} (or {@code -h}) anywhere throws a {@link HelpRequestedException} whose message is
   * the option list, so that a {@code main} can print it and exit; use {@link ArgumentParser#parse} to
   * get a flag instead.
   *
   * @throws HelpRequestedException when {@code --help} or {@code -h} is given
   * @throws IllegalArgumentException for an unknown option (naming the closest known one), a missing
   *     or bad value, or a failed check, naming the option, the value and what is allowed
   */
  public static TrainingArguments parse(String... argv) {
    if (asksForHelp(argv)) {
      throw new HelpRequestedException(OPTIONS.help());
    }
    if (argv.length == 1 && argv[0].endsWith(".json") && !argv[0].startsWith("--")) {
      return fromJsonFile(Path.of(argv[0]));
    }
    Builder builder = builder();
    OPTIONS.applyArgv(builder.a, argv);
    return builder.build();
  }

  /** {@code --help} or {@code -h} anywhere: nothing else is read (as argparse). */
  static boolean asksForHelp(String... argv) {
    return Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h");
  }

  /**
   * Reads arguments from JSON of HF names, as written by {@link #toJson()} (HF's {@code
   * parse_json_file}). Every key must be an option of this class: HF's {@code to_json_string} output
   * holds options Trainer4J does not have (fp16, push_to_hub, ...) and is refused, naming them.
   *
   * @throws IllegalArgumentException for invalid JSON, unknown names or bad values
   */
  public static TrainingArguments fromJson(String json) {
    if (!(PyJson.loads(json) instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("training arguments JSON must be an object of option names");
    }
    Builder builder = builder();
    OPTIONS.applyJson(builder.a, map);
    return builder.build();
  }

  /** {@link #fromJson} of a file; errors name the file. */
  static TrainingArguments fromJsonFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the training arguments file " + file + ": " + e, e);
    }
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The arguments as JSON with HF's snake_case names, in declaration order. */
  public String toJson() {
    return OPTIONS.toJson(this);
  }

  /**
   * The arguments as an ordered map of HF names to values (unset values as {@code null}), derived
   * values included.
   */
  public Map<String, Object> toMap() {
    return OPTIONS.toMap(this);
  }

  // ---- the process: HF's properties, not options (a DistributedProcess place, else the launcher's variables) ----

  /** HF's {@code world_size}: the job's workers ({@link DistributedProcess}, else {@code WORLD_SIZE}), or 1. */
  public int worldSize() {
    return DistributedProcess.current().map(DistributedProcess.Place::worldSize)
        .orElseGet(() -> processVariable("WORLD_SIZE", 1));
  }

  /** HF's {@code process_index}: this worker's rank ({@link DistributedProcess}, else {@code RANK}), or 0. */
  public int processIndex() {
    return DistributedProcess.current().map(DistributedProcess.Place::rank).orElseGet(() -> processVariable("RANK", 0));
  }

  /** HF's {@code local_process_index}: its place on its host ({@link DistributedProcess}, else {@code LOCAL_RANK}). */
  public int localProcessIndex() {
    return DistributedProcess.current().map(DistributedProcess.Place::localRank)
        .orElseGet(() -> processVariable("LOCAL_RANK", 0));
  }

  private static int processVariable(String name, int fallback) {
    String value = System.getenv(name);
    try {
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be an integer, not '" + value + "'", e);
    }
  }

  TrainingArguments copy() {
    return OPTIONS.copy(this, new TrainingArguments());
  }

  // ---- accessors ----

  public Path outputDir() { return Path.of(outputDir); }
  public boolean overwriteOutputDir() { return overwriteOutputDir; }
  public boolean doTrain() { return doTrain; }
  public boolean doEval() { return doEval; }
  public boolean doPredict() { return doPredict; }
  public IntervalStrategy evalStrategy() { return evalStrategy; }
  /** Evaluation interval as given (a ratio below 1); after building never empty when evaluating by steps. */
  public Optional<Double> evalSteps() { return Optional.ofNullable(evalSteps); }
  public double evalDelay() { return evalDelay; }
  public boolean evalOnStart() { return evalOnStart; }
  public int perDeviceTrainBatchSize() { return perDeviceTrainBatchSize; }
  public int perDeviceEvalBatchSize() { return perDeviceEvalBatchSize; }
  public int gradientAccumulationSteps() { return gradientAccumulationSteps; }
  public double learningRate() { return learningRate; }
  public double weightDecay() { return weightDecay; }
  public double adamBeta1() { return adamBeta1; }
  public double adamBeta2() { return adamBeta2; }
  public double adamEpsilon() { return adamEpsilon; }
  public double maxGradNorm() { return maxGradNorm; }
  public double numTrainEpochs() { return numTrainEpochs; }
  public int maxSteps() { return maxSteps; }
  public SchedulerType lrSchedulerType() { return lrSchedulerType; }
  /** The schedule's extra arguments as JSON values (Long, Double, Boolean, String, maps, lists); read-only. */
  public Map<String, Object> lrSchedulerKwargs() { return Collections.unmodifiableMap(new LinkedHashMap<>(lrSchedulerKwargs)); }
  public double warmupRatio() { return warmupRatio; }
  public int warmupSteps() { return warmupSteps; }
  public double labelSmoothingFactor() { return labelSmoothingFactor; }
  public OptimizerType optim() { return optim; }
  public Optional<String> optimArgs() { return Optional.ofNullable(optimArgs); }
  public Optional<Path> loggingDir() { return Optional.ofNullable(loggingDir).map(Path::of); }
  public IntervalStrategy loggingStrategy() { return loggingStrategy; }
  public boolean loggingFirstStep() { return loggingFirstStep; }
  public double loggingSteps() { return loggingSteps; }
  public boolean loggingNanInfFilter() { return loggingNanInfFilter; }
  public SaveStrategy saveStrategy() { return saveStrategy; }
  public double saveSteps() { return saveSteps; }
  public Optional<Integer> saveTotalLimit() { return Optional.ofNullable(saveTotalLimit); }
  public boolean saveOnlyModel() { return saveOnlyModel; }
  public int seed() { return seed; }
  public Optional<Integer> dataSeed() { return Optional.ofNullable(dataSeed); }
  public boolean dataloaderDropLast() { return dataloaderDropLast; }
  /** The order of the training examples; {@code group_by_length=true} reads as {@code GROUP_BY_LENGTH}. */
  public SamplingStrategy trainSamplingStrategy() { return trainSamplingStrategy; }
  public boolean groupByLength() { return groupByLength; }
  public String lengthColumnName() { return lengthColumnName; }
  public int dataloaderNumWorkers() { return dataloaderNumWorkers; }
  public Optional<Integer> dataloaderPrefetchFactor() { return Optional.ofNullable(dataloaderPrefetchFactor); }
  public boolean ignoreDataSkip() { return ignoreDataSkip; }
  public Optional<Integer> evalAccumulationSteps() { return Optional.ofNullable(evalAccumulationSteps); }
  public boolean batchEvalMetrics() { return batchEvalMetrics; }
  /** The run's name; {@code output_dir} when none was given (as HF v4). */
  public String runName() { return runName; }
  public Optional<Boolean> disableTqdm() { return Optional.ofNullable(disableTqdm); }
  public List<String> labelNames() { return List.copyOf(labelNames); }
  public boolean loadBestModelAtEnd() { return loadBestModelAtEnd; }
  /** The metric that picks the best model, as given (without the {@code eval_} prefix added). */
  public Optional<String> metricForBestModel() { return Optional.ofNullable(metricForBestModel); }
  public Optional<Boolean> greaterIsBetter() { return Optional.ofNullable(greaterIsBetter); }
  public List<String> reportTo() { return List.copyOf(reportTo); }
  public Optional<String> resumeFromCheckpoint() { return Optional.ofNullable(resumeFromCheckpoint); }
  public List<String> includeForMetrics() { return List.copyOf(includeForMetrics); }
  public boolean restoreCallbackStatesFromCheckpoint() { return restoreCallbackStatesFromCheckpoint; }

  /** Equal when every option has the same value (derived values included), however they were given. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingArguments other && toMap().equals(other.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "TrainingArguments" + toMap();
  }

  /** Sets options one by one; {@link #build()} validates them all. */
  public static final class Builder {
    private final TrainingArguments a;

    Builder(TrainingArguments draft) {
      this.a = draft;
    }

    public Builder outputDir(String v) { a.outputDir = v; return this; }
    public Builder outputDir(Path v) { a.outputDir = v.toString(); return this; }
    public Builder overwriteOutputDir(boolean v) { a.overwriteOutputDir = v; return this; }
    public Builder doTrain(boolean v) { a.doTrain = v; return this; }
    public Builder doEval(boolean v) { a.doEval = v; return this; }
    public Builder doPredict(boolean v) { a.doPredict = v; return this; }
    public Builder evalStrategy(IntervalStrategy v) { a.evalStrategy = v; return this; }
    public Builder evalStrategy(String v) { return evalStrategy(Choice.parse(IntervalStrategy.class, "eval_strategy", v)); }
    public Builder evalSteps(double v) { a.evalSteps = v; return this; }
    public Builder evalDelay(double v) { a.evalDelay = v; return this; }
    public Builder evalOnStart(boolean v) { a.evalOnStart = v; return this; }
    public Builder perDeviceTrainBatchSize(int v) { a.perDeviceTrainBatchSize = v; return this; }
    public Builder perDeviceEvalBatchSize(int v) { a.perDeviceEvalBatchSize = v; return this; }
    public Builder gradientAccumulationSteps(int v) { a.gradientAccumulationSteps = v; return this; }
    public Builder learningRate(double v) { a.learningRate = v; return this; }
    public Builder weightDecay(double v) { a.weightDecay = v; return this; }
    public Builder adamBeta1(double v) { a.adamBeta1 = v; return this; }
    public Builder adamBeta2(double v) { a.adamBeta2 = v; return this; }
    public Builder adamEpsilon(double v) { a.adamEpsilon = v; return this; }
    public Builder maxGradNorm(double v) { a.maxGradNorm = v; return this; }
    public Builder numTrainEpochs(double v) { a.numTrainEpochs = v; return this; }
    public Builder maxSteps(int v) { a.maxSteps = v; return this; }
    public Builder lrSchedulerType(SchedulerType v) { a.lrSchedulerType = v; return this; }
    public Builder lrSchedulerType(String v) { return lrSchedulerType(SchedulerType.of(v)); }
    public Builder lrSchedulerKwargs(Map<String, ?> v) { a.lrSchedulerKwargs = new LinkedHashMap<>(v); return this; }
    public Builder warmupRatio(double v) { a.warmupRatio = v; return this; }
    public Builder warmupSteps(int v) { a.warmupSteps = v; return this; }
    public Builder labelSmoothingFactor(double v) { a.labelSmoothingFactor = v; return this; }
    public Builder optim(OptimizerType v) { a.optim = v; return this; }
    public Builder optim(String v) { return optim(OptimizerType.of(v)); }
    public Builder optimArgs(String v) { a.optimArgs = v; return this; }
    public Builder loggingDir(String v) { a.loggingDir = v; return this; }
    public Builder loggingDir(Path v) { a.loggingDir = v.toString(); return this; }
    public Builder loggingStrategy(IntervalStrategy v) { a.loggingStrategy = v; return this; }
    public Builder loggingStrategy(String v) { return loggingStrategy(Choice.parse(IntervalStrategy.class, "logging_strategy", v)); }
    public Builder loggingFirstStep(boolean v) { a.loggingFirstStep = v; return this; }
    public Builder loggingSteps(double v) { a.loggingSteps = v; return this; }
    public Builder loggingNanInfFilter(boolean v) { a.loggingNanInfFilter = v; return this; }
    public Builder saveStrategy(SaveStrategy v) { a.saveStrategy = v; return this; }
    public Builder saveStrategy(String v) { return saveStrategy(SaveStrategy.of(v)); }
    public Builder saveSteps(double v) { a.saveSteps = v; return this; }
    public Builder saveTotalLimit(int v) { a.saveTotalLimit = v; return this; }
    public Builder saveOnlyModel(boolean v) { a.saveOnlyModel = v; return this; }
    public Builder seed(int v) { a.seed = v; return this; }
    public Builder dataSeed(int v) { a.dataSeed = v; return this; }
    public Builder dataloaderDropLast(boolean v) { a.dataloaderDropLast = v; return this; }
    public Builder trainSamplingStrategy(SamplingStrategy v) { a.trainSamplingStrategy = v; return this; }
    public Builder trainSamplingStrategy(String v) { return trainSamplingStrategy(SamplingStrategy.of(v)); }
    public Builder groupByLength(boolean v) { a.groupByLength = v; return this; }
    public Builder lengthColumnName(String v) { a.lengthColumnName = v; return this; }
    public Builder dataloaderNumWorkers(int v) { a.dataloaderNumWorkers = v; return this; }
    public Builder dataloaderPrefetchFactor(int v) { a.dataloaderPrefetchFactor = v; return this; }
    public Builder ignoreDataSkip(boolean v) { a.ignoreDataSkip = v; return this; }
    public Builder evalAccumulationSteps(int v) { a.evalAccumulationSteps = v; return this; }
    public Builder batchEvalMetrics(boolean v) { a.batchEvalMetrics = v; return this; }
    public Builder runName(String v) { a.runName = v; return this; }
    public Builder disableTqdm(boolean v) { a.disableTqdm = v; return this; }
    public Builder labelNames(List<String> v) { a.labelNames = new ArrayList<>(v); return this; }
    public Builder loadBestModelAtEnd(boolean v) { a.loadBestModelAtEnd = v; return this; }
    public Builder metricForBestModel(String v) { a.metricForBestModel = v; return this; }
    public Builder greaterIsBetter(boolean v) { a.greaterIsBetter = v; return this; }
    public Builder reportTo(List<String> v) { a.reportTo = new ArrayList<>(v); return this; }
    public Builder reportTo(String... v) { return reportTo(List.of(v)); }
    public Builder resumeFromCheckpoint(String v) { a.resumeFromCheckpoint = v; return this; }
    public Builder includeForMetrics(List<String> v) { a.includeForMetrics = new ArrayList<>(v); return this; }
    public Builder restoreCallbackStatesFromCheckpoint(boolean v) { a.restoreCallbackStatesFromCheckpoint = v; return this; }

    /**
     * Validates every option, fills HF's derived defaults ({@code eval_steps} from {@code
     * logging_steps}, {@code metric_for_best_model}, {@code greater_is_better}, {@code run_name}, {@code
     * do_eval}) and returns an immutable value.
     *
     * @throws IllegalArgumentException naming the option, the value and what is allowed
     */
    public TrainingArguments build() {
      TrainingArguments built = a.copy();
      ArgumentsValidator.validateAndResolve(built);
      built.given = a.copy();
      return built;
    }
  }
}
