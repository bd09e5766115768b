package org.trainer4j.core.callback;

import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Hooks into each moment of the training loop, as HF's {@code TrainerCallback}. Every method does
 * nothing by default; override the ones you need. Events come in this order:
 *
 * <pre>
 * onInitEnd
 * train():  onTrainBegin
 *           per epoch: onEpochBegin
 *             per optimizer step: onStepBegin
 *               per micro-batch but the last of a step: onSubstepEnd
 *               onPreOptimizerStep, onOptimizerStep, onStepEnd
 *               [onLog] [evaluate: onPredictionStep..., onLog, onEvaluate] [onSave]
 *           onEpochEnd [onLog] [evaluate] [onSave]
 *           onLog (train metrics), onTrainEnd
 * predict(): onPredictionStep..., onPredict
 * </pre>
 *
 * <p>Callbacks read {@link TrainerState} and steer the loop by setting {@link TrainerControl} flags. They
 * run on the training thread: a callback that writes files or talks to a network hands the work to a
 * thread of its own and returns at once. A user callback that throws stops training with an exception
 * naming it and the event; an integration that throws is reported once and switched off.
 */
public interface TrainerCallback {
  /** At the end of the Trainer's construction. */
  default void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the beginning of training (after a resume has restored the state). */
  default void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the end of training, after the final metrics were logged. */
  default void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the beginning of an epoch. */
  default void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the end of an epoch. */
  default void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the beginning of an optimizer step (before its first micro-batch). */
  default void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After gradient clipping, just before the optimizer updates the parameters. */
  default void onPreOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** Just after the optimizer updated the parameters, before gradients are zeroed. */
  default void onOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the end of a gradient-accumulation micro-step that does not step the optimizer. */
  default void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** At the end of an optimizer step; {@code global_step} already counts it. */
  default void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After an evaluation; {@link CallbackContext#metrics()} holds its metrics. */
  default void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After a prediction; {@link CallbackContext#metrics()} holds its {@code test_} metrics. */
  default void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After a checkpoint was saved. */
  default void onSave(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After a row was logged; {@link CallbackContext#logs()} holds it (HF names, e.g. {@code eval_loss}). */
  default void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}

  /** After each batch of an evaluation or prediction. */
  default void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {}
}
