package org.trainer4j.core;

import java.util.ArrayList;
import java.util.List;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/** Records every event as "event@global_step" (and the logged keys for onLog), for order tests. */
public final class EventRecorder implements TrainerCallback {
  public final List<String> events = new ArrayList<>();
  public final List<java.util.Map<String, Object>> logs = new ArrayList<>();

  private void add(String name, TrainerState state) {
    events.add(name + "@" + state.globalStep());
  }

  @Override public void onInitEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onInitEnd", s); }
  @Override public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onTrainBegin", s); }
  @Override public void onTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onTrainEnd", s); }
  @Override public void onEpochBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onEpochBegin", s); }
  @Override public void onEpochEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onEpochEnd", s); }
  @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onStepBegin", s); }
  @Override public void onPreOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onPreOptimizerStep", s); }
  @Override public void onOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onOptimizerStep", s); }
  @Override public void onSubstepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onSubstepEnd", s); }
  @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onStepEnd", s); }
  @Override public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onEvaluate", s); }
  @Override public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onPredict", s); }
  @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onSave", s); }
  @Override public void onPredictionStep(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) { add("onPredictionStep", s); }

  @Override
  public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
    add("onLog" + x.logs().keySet().stream().filter(k -> !k.equals("epoch")).findFirst().map(k -> "[" + k + "]").orElse(""), s);
    logs.add(x.logs());
  }

  /** Only the events with these names. */
  public List<String> only(String... names) {
    List<String> wanted = List.of(names);
    return events.stream().filter(e -> wanted.contains(e.substring(0, e.indexOf('@')).replaceAll("\\[.*", ""))).toList();
  }
}
