package org.trainer4j.core.callback;

import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/** The events of {@link TrainerCallback}, each knowing how to call its method. */
public enum Event {
  ON_INIT_END("onInitEnd", TrainerCallback::onInitEnd),
  ON_TRAIN_BEGIN("onTrainBegin", TrainerCallback::onTrainBegin),
  ON_EPOCH_BEGIN("onEpochBegin", TrainerCallback::onEpochBegin),
  ON_STEP_BEGIN("onStepBegin", TrainerCallback::onStepBegin),
  ON_PRE_OPTIMIZER_STEP("onPreOptimizerStep", TrainerCallback::onPreOptimizerStep),
  ON_OPTIMIZER_STEP("onOptimizerStep", TrainerCallback::onOptimizerStep),
  ON_SUBSTEP_END("onSubstepEnd", TrainerCallback::onSubstepEnd),
  ON_STEP_END("onStepEnd", TrainerCallback::onStepEnd),
  ON_LOG("onLog", TrainerCallback::onLog),
  ON_EVALUATE("onEvaluate", TrainerCallback::onEvaluate),
  ON_PREDICTION_STEP("onPredictionStep", TrainerCallback::onPredictionStep),
  ON_PREDICT("onPredict", TrainerCallback::onPredict),
  ON_SAVE("onSave", TrainerCallback::onSave),
  ON_EPOCH_END("onEpochEnd", TrainerCallback::onEpochEnd),
  ON_TRAIN_END("onTrainEnd", TrainerCallback::onTrainEnd);

  interface Dispatch {
    void call(TrainerCallback callback, TrainingArguments args, TrainerState state, TrainerControl control,
        CallbackContext context);
  }

  private final String methodName;
  private final Dispatch dispatch;

  Event(String methodName, Dispatch dispatch) {
    this.methodName = methodName;
    this.dispatch = dispatch;
  }

  /** The {@link TrainerCallback} method's name, e.g. {@code onLog}. */
  public String methodName() {
    return methodName;
  }

  void call(TrainerCallback callback, TrainingArguments args, TrainerState state, TrainerControl control,
      CallbackContext context) {
    dispatch.call(callback, args, state, control, context);
  }

  @Override
  public String toString() {
    return methodName;
  }
}
