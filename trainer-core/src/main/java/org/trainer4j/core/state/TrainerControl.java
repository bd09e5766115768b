package org.trainer4j.core.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags through which callbacks steer the loop, as HF's {@code TrainerControl}. The loop reads
 * them after each event; {@link org.trainer4j.core.callback.CallbackHandler} resets each one before
 * the event it belongs to.
 */
public final class TrainerControl implements ExportableState {
  private boolean shouldTrainingStop;
  private boolean shouldEpochStop;
  private boolean shouldSave;
  private boolean shouldEvaluate;
  private boolean shouldLog;

  public boolean shouldTrainingStop() { return shouldTrainingStop; }
  public boolean shouldEpochStop() { return shouldEpochStop; }
  public boolean shouldSave() { return shouldSave; }
  public boolean shouldEvaluate() { return shouldEvaluate; }
  public boolean shouldLog() { return shouldLog; }

  /** Stop training after the current step; the epoch ends and on_train_end still runs. */
  public void setShouldTrainingStop(boolean v) { shouldTrainingStop = v; }
  /** Stop the current epoch after the current step. */
  public void setShouldEpochStop(boolean v) { shouldEpochStop = v; }
  /** Save a checkpoint at the end of the current step. */
  public void setShouldSave(boolean v) { shouldSave = v; }
  /** Evaluate at the end of the current step. */
  public void setShouldEvaluate(boolean v) { shouldEvaluate = v; }
  /** Log at the end of the current step. */
  public void setShouldLog(boolean v) { shouldLog = v; }

  @Override
  public Map<String, Object> stateArgs() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("should_training_stop", shouldTrainingStop);
    args.put("should_epoch_stop", shouldEpochStop);
    args.put("should_save", shouldSave);
    args.put("should_evaluate", shouldEvaluate);
    args.put("should_log", shouldLog);
    return args;
  }

  @Override
  public Map<String, Object> stateAttributes() {
    return Map.of();
  }

  @Override
  public void restoreState(Map<String, Object> args, Map<String, Object> attributes) {
    shouldTrainingStop = Boolean.TRUE.equals(args.get("should_training_stop"));
    shouldEpochStop = Boolean.TRUE.equals(args.get("should_epoch_stop"));
    shouldSave = Boolean.TRUE.equals(args.get("should_save"));
    shouldEvaluate = Boolean.TRUE.equals(args.get("should_evaluate"));
    shouldLog = Boolean.TRUE.equals(args.get("should_log"));
  }

  @Override
  public String toString() {
    return "TrainerControl" + stateArgs();
  }
}
