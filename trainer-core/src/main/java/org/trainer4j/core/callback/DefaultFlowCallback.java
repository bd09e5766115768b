package org.trainer4j.core.callback;

import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.args.IntervalStrategy;
import org.trainer4j.core.args.SaveStrategy;

/**
 * Decides when to log, evaluate, save and stop, exactly as HF's {@code DefaultFlowCallback}: the
 * {@code steps} strategies fire when {@code global_step} is a multiple of their interval (evaluation
 * only from {@code eval_delay} on), the {@code epoch} strategies at each epoch's end, and training stops
 * (saving under {@code save_strategy=steps}) at {@code max_steps}.
 */
public final class DefaultFlowCallback implements TrainerCallback {
  @Override
  public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    int step = state.globalStep();
    if (step == 1 && args.loggingFirstStep()) {
      control.setShouldLog(true);
    }
    if (args.loggingStrategy() == IntervalStrategy.STEPS && state.loggingSteps() > 0
        && step % state.loggingSteps() == 0) {
      control.setShouldLog(true);
    }
    if (args.evalStrategy() == IntervalStrategy.STEPS && state.evalSteps() > 0
        && step % state.evalSteps() == 0 && args.evalDelay() <= step) {
      control.setShouldEvaluate(true);
    }
    if (args.saveStrategy() == SaveStrategy.STEPS && state.saveSteps() > 0 && step % state.saveSteps() == 0) {
      control.setShouldSave(true);
    }
    if (step >= state.maxSteps()) {
      control.setShouldTrainingStop(true);
      if (args.saveStrategy() == SaveStrategy.STEPS) {
        control.setShouldSave(true);
      }
    }
  }

  @Override
  public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (args.loggingStrategy() == IntervalStrategy.EPOCH) {
      control.setShouldLog(true);
    }
    if (args.evalStrategy() == IntervalStrategy.EPOCH && args.evalDelay() <= state.epoch().orElse(0.0)) {
      control.setShouldEvaluate(true);
    }
    if (args.saveStrategy() == SaveStrategy.EPOCH) {
      control.setShouldSave(true);
    }
  }
}
