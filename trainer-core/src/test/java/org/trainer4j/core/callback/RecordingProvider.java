package org.trainer4j.core.callback;

import java.util.ArrayList;
import java.util.List;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/** A test integration, registered in META-INF/services: records what it logged, by rewritten key. */
public final class RecordingProvider implements TrainerCallbackProvider {
  /** Everything any instance logged, as "key=value" after rewrite_logs. */
  public static final List<String> LOGGED = new ArrayList<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public TrainerCallback create(TrainingArguments args) {
    return new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        LogKeys.rewriteLogs(x.logs()).forEach((k, v) -> LOGGED.add(k));
      }

      @Override
      public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        LogKeys.rewriteLogs(x.metrics()).forEach((k, v) -> LOGGED.add(k));
      }
    };
  }
}
