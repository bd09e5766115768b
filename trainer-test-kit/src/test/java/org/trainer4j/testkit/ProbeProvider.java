package org.trainer4j.testkit;

import java.util.ArrayList;
import java.util.List;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/** A test integration in META-INF/services: its callbacks keep the rewritten keys they were logged. */
public final class ProbeProvider implements TrainerCallbackProvider {
  /** The callbacks this provider created, newest last. */
  static final List<Probe> CREATED = new ArrayList<>();

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public TrainerCallback create(TrainingArguments args) {
    Probe probe = new Probe();
    CREATED.add(probe);
    return probe;
  }

  /** Keeps every logged key after rewrite_logs. */
  static final class Probe implements TrainerCallback {
    final List<String> keys = new ArrayList<>();

    @Override
    public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      keys.addAll(LogKeys.rewriteLogs(x.logs()).keySet());
    }
  }
}
