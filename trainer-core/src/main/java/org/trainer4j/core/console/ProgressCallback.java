package org.trainer4j.core.console;

import java.io.PrintStream;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * HF's {@code ProgressCallback}: a live bar for training steps and one for each evaluation or
 * prediction, with every log row printed above the bars. Only the world process zero draws.
 */
public final class ProgressCallback implements TrainerCallback {
  private final PrintStream out;
  private ProgressBar trainingBar;
  private ProgressBar predictionBar;

  /** Draws on standard output. */
  public ProgressCallback() {
    this(System.out);
  }

  public ProgressCallback(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.isWorldProcessZero()) {
      trainingBar = new ProgressBar(out, "", state.maxSteps(), state.globalStep());
    }
  }

  @Override
  public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (trainingBar != null) {
      trainingBar.update(state.globalStep());
    }
  }

  @Override
  public void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    if (predictionBar == null) {
      // During training the evaluation bar takes the training bar's line until it closes.
      long total = context.evalDataLoader().map(l -> (long) l.length()).orElse(0L);
      predictionBar = new ProgressBar(out, trainingBar == null ? "" : "eval", total, 0);
    }
    predictionBar.step();
  }

  @Override
  public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    closePredictionBar();
  }

  @Override
  public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    closePredictionBar();
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (!state.isWorldProcessZero()) {
      return;
    }
    String line = LogLine.format(context.logs());
    ProgressBar bottom = predictionBar != null ? predictionBar : trainingBar;
    if (bottom != null) {
      bottom.printAbove(line);
    } else {
      out.println(line);
    }
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (trainingBar != null) {
      trainingBar.close(true);
      trainingBar = null;
    }
  }

  private void closePredictionBar() {
    if (predictionBar != null) {
      predictionBar.close(false);
      predictionBar = null;
      if (trainingBar != null) {
        trainingBar.redraw();
      }
    }
  }
}
