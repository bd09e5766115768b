package org.trainer4j.core.callback;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Calls the callbacks in order for each event: {@link CallbackRole#FLOW} first, then integrations, then
 * the user's, the console last. Before an event it resets the flags HF resets: {@code
 * should_training_stop} at train begin, {@code should_epoch_stop} at epoch begin, {@code
 * should_log/evaluate/save} at step begin, and each of those again before its own event.
 *
 * <p>Not thread-safe: the training thread owns it.
 */
public final class CallbackHandler {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);

  private final List<Entry> entries = new ArrayList<>();
  private Entry[] order = new Entry[0];

  private static final class Entry {
    final TrainerCallback callback;
    final CallbackRole role;
    boolean disabled;

    Entry(TrainerCallback callback, CallbackRole role) {
      this.callback = callback;
      this.role = role;
    }
  }

  /** Adds a user callback (before the console callbacks). */
  public void add(TrainerCallback callback) {
    add(callback, CallbackRole.USER);
  }

  /** Adds a callback in the place its role gives it. */
  public void add(TrainerCallback callback, CallbackRole role) {
    if (callback == null) {
      throw new IllegalArgumentException("callback must not be null");
    }
    for (Entry e : entries) {
      if (e.callback.getClass() == callback.getClass()) {
        LOG.warn("You are adding a {} to the callbacks of this Trainer, but there is already one. The current"
            + " list of callbacks is: {}", callback.getClass().getSimpleName(), names());
        break;
      }
    }
    int at = entries.size();
    while (at > 0 && entries.get(at - 1).role.ordinal() > role.ordinal()) {
      at--;
    }
    entries.add(at, new Entry(callback, role));
    order = entries.toArray(new Entry[0]);
  }

  /**
   * Adds a user callback of this class, made with its public no-argument constructor.
   *
   * @throws IllegalArgumentException when the class has no such constructor
   */
  public void add(Class<? extends TrainerCallback> type) {
    try {
      add(type.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("callback class " + type.getName()
          + " needs a public no-argument constructor to be added by class; add an instance instead", e);
    }
  }

  /** Removes and returns the first callback of this class. */
  public <T extends TrainerCallback> Optional<T> pop(Class<T> type) {
    for (int i = 0; i < entries.size(); i++) {
      if (type.isInstance(entries.get(i).callback)) {
        T found = type.cast(entries.remove(i).callback);
        order = entries.toArray(new Entry[0]);
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  /** Removes the first callback of this class; returns whether one was there. */
  public boolean remove(Class<? extends TrainerCallback> type) {
    return pop(type).isPresent();
  }

  /** Removes this callback instance; returns whether it was there. */
  public boolean remove(TrainerCallback callback) {
    boolean removed = entries.removeIf(e -> e.callback == callback);
    order = entries.toArray(new Entry[0]);
    return removed;
  }

  /** The callbacks in calling order. */
  public List<TrainerCallback> callbacks() {
    return entries.stream().map(e -> e.callback).toList();
  }

  /** The callbacks of one role, in calling order. */
  public List<TrainerCallback> callbacks(CallbackRole role) {
    return entries.stream().filter(e -> e.role == role).map(e -> e.callback).toList();
  }

  /** The class names of the callbacks, one per line, as HF's {@code callback_list}. */
  public String names() {
    StringBuilder out = new StringBuilder();
    for (Entry e : entries) {
      out.append(e.callback.getClass().getSimpleName()).append('\n');
    }
    return out.toString();
  }

  /**
   * Resets the flags that belong to the event, then calls every enabled callback.
   *
   * @throws CallbackException when a non-integration callback throws
   */
  public void fire(Event event, TrainingArguments args, TrainerState state, TrainerControl control,
      CallbackContext context) {
    resetFlags(event, control);
    for (Entry e : order) {
      if (e.disabled) {
        continue;
      }
      try {
        event.call(e.callback, args, state, control, context);
      } catch (RuntimeException | Error failure) {
        if (e.role != CallbackRole.INTEGRATION || failure instanceof VirtualMachineError) {
          throw new CallbackException(e.callback.getClass().getName(), event, failure);
        }
        e.disabled = true;
        LOG.error("integration {} failed in {} and is switched off for the rest of this run; training goes on",
            e.callback.getClass().getName(), event.methodName(), failure);
      }
    }
  }

  private static void resetFlags(Event event, TrainerControl control) {
    switch (event) {
      case ON_TRAIN_BEGIN -> control.setShouldTrainingStop(false);
      case ON_EPOCH_BEGIN -> control.setShouldEpochStop(false);
      case ON_STEP_BEGIN -> {
        control.setShouldLog(false);
        control.setShouldEvaluate(false);
        control.setShouldSave(false);
      }
      case ON_LOG -> control.setShouldLog(false);
      case ON_EVALUATE -> control.setShouldEvaluate(false);
      case ON_SAVE -> control.setShouldSave(false);
      default -> { }
    }
  }
}
