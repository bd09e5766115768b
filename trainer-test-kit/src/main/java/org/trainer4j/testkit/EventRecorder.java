package org.trainer4j.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * A callback that records every event it receives, with the state, the logged row or metrics and the
 * control flags at that moment. {@link CallbackDriver} puts one last in its handler; add one to a real
 * {@code Trainer} (as the last callback) to compare a real run with a simulated one.
 *
 * <p>Not thread-safe, like the handler that calls it.
 */
public final class EventRecorder implements TrainerCallback {
  private final List<RecordedEvent> events = new ArrayList<>();

  /** Every event so far, in order. */
  public List<RecordedEvent> events() {
    return Collections.unmodifiableList(events);
  }

  /** The events of these kinds, in order. */
  public List<RecordedEvent> events(Event... kinds) {
    Set<Event> wanted = Set.of(kinds);
    return events.stream().filter(e -> wanted.contains(e.event())).toList();
  }

  /** {@link RecordedEvent#toString()} of every event: a compact sequence to compare or print. */
  public List<String> trace() {
    return events.stream().map(RecordedEvent::toString).toList();
  }

  /** {@link RecordedEvent#toString()} of the events of these kinds. */
  public List<String> trace(Event... kinds) {
    return events(kinds).stream().map(RecordedEvent::toString).toList();
  }

  /** The rows of every {@code onLog}, in order (HF names, with {@code epoch}). */
  public List<Map<String, Object>> logs() {
    return events(Event.ON_LOG).stream().map(RecordedEvent::logs).toList();
  }

  /** Forgets what was recorded. */
  public void clear() {
    events.clear();
  }

  private void record(Event event, TrainerState state, TrainerControl control, CallbackContext context) {
    events.add(new RecordedEvent(event, state.globalStep(), state.epoch(), context.logs(), context.metrics(),
        ControlFlags.of(control)));
  }

  @Override
  public void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_INIT_END, state, control, context);
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_TRAIN_BEGIN, state, control, context);
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_TRAIN_END, state, control, context);
  }

  @Override
  public void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_EPOCH_BEGIN, state, control, context);
  }

  @Override
  public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_EPOCH_END, state, control, context);
  }

  @Override
  public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_STEP_BEGIN, state, control, context);
  }

  @Override
  public void onPreOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control,
      CallbackContext context) {
    record(Event.ON_PRE_OPTIMIZER_STEP, state, control, context);
  }

  @Override
  public void onOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control,
      CallbackContext context) {
    record(Event.ON_OPTIMIZER_STEP, state, control, context);
  }

  @Override
  public void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_SUBSTEP_END, state, control, context);
  }

  @Override
  public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_STEP_END, state, control, context);
  }

  @Override
  public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_EVALUATE, state, control, context);
  }

  @Override
  public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_PREDICT, state, control, context);
  }

  @Override
  public void onSave(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_SAVE, state, control, context);
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    record(Event.ON_LOG, state, control, context);
  }

  @Override
  public void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control,
      CallbackContext context) {
    record(Event.ON_PREDICTION_STEP, state, control, context);
  }
}
