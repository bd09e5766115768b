package org.trainer4j.tensorboard;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * Sends a run to TensorBoard, as HF's {@code TensorBoardCallback}, plus the test metrics and an
 * HParams session. Found by {@code report_to} through {@link TensorBoardCallbackProvider}; add it
 * yourself only to pass {@link WriterOptions}.
 *
 * <ul>
 *   <li>Folder: {@code logging_dir}, else {@code $TENSORBOARD_LOGGING_DIR}, else {@code
 *       <output_dir>/runs/<MonDD_HH-MM-SS>_<hostname>}.
 *   <li>{@code onTrainBegin}: a session start at {@code global_step + 1}, so that TensorBoard hides
 *       what a killed run wrote after the checkpoint this run resumes from; at step 0, as HF, the
 *       arguments' JSON as text {@code args/text_summary} and the model's name and number of
 *       parameters as text {@code model_config/text_summary}.
 *   <li>{@code onLog}: keys through {@link LogKeys#rewriteLogs}; numbers become scalars at {@code
 *       global_step}, strings become text under {@code <key>/text_summary} (HF's tag), anything else
 *       is dropped with one warning per key. {@code train/epoch} is written once per step (every log
 *       row carries it).
 *   <li>{@code onPredict}: the {@code test/} metrics as scalars.
 *   <li>{@code onTrainEnd}: the arguments as hyperparameters with the last {@code eval/} metrics, in
 *       the same run folder (HParams dashboard); then the file is closed.
 * </ul>
 *
 * <p>Only the world process zero writes. The training thread only hands values to the writer's own
 * thread; data is flushed after each log row without waiting. Outside {@code train()} the file is
 * closed at the end of each {@code evaluate()} and {@code predict()}, so it is complete when the call
 * returns.
 */
public final class TensorBoardCallback implements TrainerCallback {
  private static final Logger LOG = LoggerFactory.getLogger(TensorBoardCallback.class);
  private static final String EPOCH_TAG = "train/epoch";
  private static final String TEXT_SUFFIX = "/text_summary";

  private final WriterOptions options;
  private final UnaryOperator<String> env;
  private final Set<String> warnedKeys = new HashSet<>();
  private final Map<String, Number> lastEvalMetrics = new LinkedHashMap<>();
  private SummaryWriter writer;
  private Path runDir;
  private boolean training;
  private long epochStep = -1;

  /** A callback with default {@link WriterOptions}. */
  public TensorBoardCallback() {
    this(WriterOptions.defaults());
  }

  /** A callback whose writers use these options. */
  public TensorBoardCallback(WriterOptions options) {
    this(options, System::getenv);
  }

  TensorBoardCallback(WriterOptions options, UnaryOperator<String> env) {
    if (options == null) {
      throw new IllegalArgumentException("options must be WriterOptions (e.g. WriterOptions.defaults()), got null");
    }
    this.options = options;
    this.env = env;
  }

  /** The run folder in use or last used; empty before the first event that writes. */
  public Optional<Path> logDir() {
    return Optional.ofNullable(runDir);
  }

  /** The open writer, to add your own histograms or text to the run; empty when closed. */
  public Optional<SummaryWriter> writer() {
    return Optional.ofNullable(writer);
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    closeWriter();
    runDir = LogDirs.resolve(args, env, ZonedDateTime.now());
    epochStep = -1;
    lastEvalMetrics.clear();
    training = true;
    SummaryWriter w = openWriter(args);
    // A resumed run writes again every step after its checkpoint's: what a killed run wrote there is
    // orphaned, and this mark makes TensorBoard discard it.
    w.addSessionStart(state.globalStep() + 1);
    // At step 0 on every start, resumed or not, as HF's add_text without a step.
    // A fenced block keeps TensorBoard's Markdown renderer from joining the JSON lines.
    w.addText(textTag("args"), "```json\n" + args.toJson().stripTrailing() + "\n```", 0);
    context.model().ifPresent(model -> w.addText(textTag("model_config"), ModelFacts.markdown(model), 0));
    w.requestFlush();
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    SummaryWriter w = openWriter(args);
    writeRow(w, LogKeys.rewriteLogs(context.logs()), state.globalStep());
    w.requestFlush();
  }

  @Override
  public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.isWorldProcessZero() && !training) {
      closeWriter();
    }
  }

  @Override
  public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    SummaryWriter w = openWriter(args);
    writeRow(w, LogKeys.rewriteLogs(context.metrics()), state.globalStep());
    if (training) {
      w.requestFlush();
    } else {
      closeWriter();
    }
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    training = false;
    if (writer != null) {
      writer.addHparams(HparamValues.flatten(args.toMap()), lastEvalMetrics);
      closeWriter();
    }
  }

  private void writeRow(SummaryWriter w, Map<String, Object> row, long step) {
    String[] tags = new String[row.size()];
    float[] values = new float[tags.length];
    int count = 0;
    for (Map.Entry<String, Object> e : row.entrySet()) {
      String tag = e.getKey();
      Object value = e.getValue();
      if (value instanceof Number n) {
        if (tag.equals(EPOCH_TAG)) {
          if (step == epochStep) {
            continue;
          }
          epochStep = step;
        }
        tags[count] = tag;
        values[count++] = n.floatValue();
        if (training && tag.startsWith("eval/")) {
          lastEvalMetrics.put(tag, n);
        }
      } else if (value instanceof String s) {
        w.addText(textTag(tag), s, step);
      } else if (warnedKeys.add(tag)) {
        LOG.warn("TensorBoard: dropped {} = {} of type {}: only numbers (scalars) and strings (text) are written;"
            + " this key is dropped silently from now on", tag, value,
            value == null ? "null" : value.getClass().getName());
      }
    }
    // rewriteLogs never yields an empty tag, so the arrays need no further checks.
    w.addScalars(count == tags.length ? tags : Arrays.copyOf(tags, count),
        count == values.length ? values : Arrays.copyOf(values, count), step);
  }

  /** The tag HF's texts get: its {@code add_text} appends {@code /text_summary} to the name. */
  private static String textTag(String name) {
    return name + TEXT_SUFFIX;
  }

  private SummaryWriter openWriter(TrainingArguments args) {
    if (writer == null) {
      if (runDir == null) {
        runDir = LogDirs.resolve(args, env, ZonedDateTime.now());
      }
      writer = SummaryWriter.open(runDir, options);
      LOG.info("TensorBoard: writing {}", writer.file());
    }
    return writer;
  }

  private void closeWriter() {
    if (writer != null) {
      SummaryWriter w = writer;
      writer = null;
      w.close();
    }
  }
}
