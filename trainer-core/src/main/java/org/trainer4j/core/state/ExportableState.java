package org.trainer4j.core.state;

import java.util.Map;

/**
 * A callback whose state is saved in {@code trainer_state.json}'s {@code stateful_callbacks} (keyed by
 * its simple class name, as HF's {@code ExportableState}) and restored on resume when {@code
 * restore_callback_states_from_checkpoint} is set.
 */
public interface ExportableState {
  /** The settings the callback was built with, e.g. {@code early_stopping_patience}. */
  Map<String, Object> stateArgs();

  /** The values that change during training, e.g. {@code early_stopping_patience_counter}. */
  Map<String, Object> stateAttributes();

  /** Restores what {@link #stateArgs()} and {@link #stateAttributes()} exported. */
  void restoreState(Map<String, Object> args, Map<String, Object> attributes);
}
