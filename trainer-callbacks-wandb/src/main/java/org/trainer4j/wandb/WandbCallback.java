package org.trainer4j.wandb;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * Reports training to Weights &amp; Biases as Hugging Face's {@code WandbCallback} does.
 *
 * <ul>
 *   <li>At train begin (on world process zero only) it starts a run named after {@code run_name} (unless
 *       {@code WANDB_NAME} says otherwise) whose config holds the training arguments under their HF
 *       names and {@code model/num_parameters}, with {@code train/global_step} as every chart's x axis.
 *   <li>{@code onLog}: each row through {@link LogKeys#rewriteLogs} ({@code train/}, {@code eval/}) plus
 *       {@code train/global_step}; the end-of-training figures ({@code train_runtime}, {@code
 *       train_samples_per_second}, {@code train_steps_per_second}, {@code train_loss}, {@code total_flos})
 *       go to the summary under those names (as HF), not to the history.
 *   <li>{@code onPredict}: the {@code test/} metrics.
 *   <li>The run stays open after training, so that {@code evaluate()} and {@code predict()} rows join it
 *       (as HF's); {@link #close()} — called by {@code Trainer.close()} — finishes it: exit code 0, or 1
 *       when a training began and never ended (it threw). Without a close, a JVM shutdown hook does the
 *       same. Built with {@code finishOnTrainEnd}, the run finishes at train end instead.
 * </ul>
 *
 * <p>Runs on the training thread but only hands rows to the run's own threads.
 */
public final class WandbCallback implements TrainerCallback, AutoCloseable {
  /** HF's {@code single_value_scalars}: end-of-training figures that belong in the summary. */
  static final Set<String> SINGLE_VALUE_SCALARS = Set.of(
      "train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "total_flos");

  private static final Logger LOG = LoggerFactory.getLogger(WandbCallback.class);

  private final WandbSettings settings;
  private final boolean finishOnTrainEnd;
  private WandbRun run;
  private int runsStarted;
  private boolean trainingInProgress;

  /** Settings from the environment, as the W&B SDK reads them. */
  public WandbCallback() {
    this(WandbSettings.fromEnvironment(System.getenv()).build());
  }

  /** These settings; the run finishes when the Trainer is closed. */
  public WandbCallback(WandbSettings settings) {
    this(settings, false);
  }

  /**
   * @param finishOnTrainEnd true finishes the run at train end (later {@code evaluate()} or {@code
   *     predict()} rows then start a new run); false keeps it open until {@link #close()}
   */
  public WandbCallback(WandbSettings settings, boolean finishOnTrainEnd) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.finishOnTrainEnd = finishOnTrainEnd;
    if (settings.mode() == WandbMode.DISABLED) {
      LOG.info("W&B reporting is disabled (WANDB_MODE=disabled or WANDB_DISABLED=true)");
    }
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    WandbRun current = ensureRun(args, context);
    // Until onTrainEnd, an exit means the training failed.
    current.exitCodeAtShutdown(1);
    trainingInProgress = true;
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    WandbRun current = ensureRun(args, context);
    // rewrite_logs key by key, in one pass: this runs on the training thread.
    Map<String, Object> row = new LinkedHashMap<>(context.logs().size() * 2);
    Map<String, Object> summary = null;
    for (Map.Entry<String, Object> e : context.logs().entrySet()) {
      if (SINGLE_VALUE_SCALARS.contains(e.getKey())) {
        if (summary == null) {
          summary = new LinkedHashMap<>();
        }
        summary.put(e.getKey(), e.getValue());
      } else {
        row.put(LogKeys.rewrite(e.getKey()), e.getValue());
      }
    }
    if (summary != null) {
      current.summary(summary);
    }
    if (!row.isEmpty()) {
      row.put(MetricDefinitions.STEP_METRIC, state.globalStep());
      current.log(row);
    }
  }

  @Override
  public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero() || context.metrics().isEmpty()) {
      return;
    }
    Map<String, Object> row = LogKeys.rewriteLogs(context.metrics());
    // step_sync would copy the latest step into this row; write it explicitly.
    row.put(MetricDefinitions.STEP_METRIC, state.globalStep());
    ensureRun(args, context).log(row);
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    trainingInProgress = false;
    if (run == null || run.isFinished()) {
      return;
    }
    run.exitCodeAtShutdown(0);
    if (finishOnTrainEnd) {
      run.finish(0);
    }
  }

  /**
   * Finishes the open run, if any: exit code 1 when a training began and did not end (it threw), else
   * 0. {@code Trainer.close()} calls it.
   */
  @Override
  public void close() {
    if (run != null && !run.isFinished()) {
      run.finish(trainingInProgress ? 1 : 0);
    }
  }

  /**
   * Finishes the current run now, e.g. with 1 in a {@code catch} around {@code trainer.train()}.
   *
   * @return the report, or empty when no run is open
   */
  public Optional<FinishReport> finish(int exitCode) {
    if (run == null || run.isFinished()) {
      return Optional.empty();
    }
    return Optional.of(run.finish(exitCode));
  }

  /** The current (or last) run, once one was started. */
  public Optional<WandbRun> run() {
    return Optional.ofNullable(run);
  }

  private WandbRun ensureRun(TrainingArguments args, CallbackContext context) {
    if (run != null && !run.isFinished()) {
      return run;
    }
    WandbSettings.Builder runSettings = settings.toBuilder();
    if (settings.runName().isEmpty() && args.runName() != null) {
      runSettings.runName(args.runName());
    }
    if (runsStarted > 0) {
      // The previous run is finished; a new one must not reuse (and so overwrite) its ID.
      runSettings.runId(WandbSettings.randomRunId());
    }
    Map<String, Object> config = new LinkedHashMap<>(args.toMap());
    context.model().flatMap(m -> {
      OptionalLong n = countParameters(m);
      return n.isPresent() ? Optional.of(n.getAsLong()) : Optional.empty();
    }).ifPresent(n -> config.put("model/num_parameters", n));
    run = WandbRun.start(runSettings.build(), config);
    runsStarted++;
    return run;
  }

  /** All parameters of the model's block (HF's {@code num_parameters()}); empty before initialization. */
  static OptionalLong countParameters(Model model) {
    Block block = model.getBlock();
    if (block == null) {
      return OptionalLong.empty();
    }
    long total = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (!parameter.isInitialized()) {
        return OptionalLong.empty();
      }
      total += parameter.getArray().size();
    }
    return OptionalLong.of(total);
  }
}
