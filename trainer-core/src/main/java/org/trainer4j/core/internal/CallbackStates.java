package org.trainer4j.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.state.ExportableState;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.state.TrainerControl;

/**
 * {@code stateful_callbacks} as HF writes it: class name to {@code {"args", "attributes"}}, or to a
 * list of them when a class appears more than once; {@code TrainerControl} first.
 */
public final class CallbackStates {
  private CallbackStates() {}

  /**
   * {@code stateful_callbacks} for this control and these callbacks, as a save writes it. The control is
   * written as it is once the save is done, with {@code should_save} off (HF writes it on, because it
   * saves before {@code on_save} resets the flag): a run resumed from the checkpoint must not save that
   * step again.
   */
  public static Map<String, Object> export(TrainerControl control, List<TrainerCallback> callbacks) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> flags = new LinkedHashMap<>(control.stateArgs());
    flags.put("should_save", false);
    out.put("TrainerControl", entry(flags, control.stateAttributes()));
    Map<String, List<Object>> grouped = new LinkedHashMap<>();
    for (TrainerCallback cb : callbacks) {
      if (cb instanceof ExportableState exportable) {
        grouped.computeIfAbsent(cb.getClass().getSimpleName(), k -> new ArrayList<>()).add(entry(exportable));
      }
    }
    grouped.forEach((name, entries) -> out.put(name, entries.size() == 1 ? entries.get(0) : entries));
    return out;
  }

  @SuppressWarnings("unchecked")
  static void restore(Map<String, Object> saved, TrainerControl control, List<TrainerCallback> callbacks) {
    restoreOne(saved.get("TrainerControl"), control);
    control.setShouldSave(false); // the checkpoint's own save is done (older files say otherwise)
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (TrainerCallback cb : callbacks) {
      if (!(cb instanceof ExportableState exportable)) {
        continue;
      }
      String name = cb.getClass().getSimpleName();
      int index = seen.merge(name, 1, Integer::sum) - 1;
      Object entry = saved.get(name);
      if (entry instanceof List<?> list) {
        entry = index < list.size() ? list.get(index) : null;
      } else if (index > 0) {
        entry = null;
      }
      restoreOne(entry, exportable);
    }
  }

  @SuppressWarnings("unchecked")
  private static void restoreOne(Object entry, ExportableState target) {
    if (entry instanceof Map<?, ?> m) {
      Map<String, Object> args = m.get("args") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
      Map<String, Object> attributes = m.get("attributes") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
      target.restoreState(args, attributes);
    }
  }

  private static Map<String, Object> entry(ExportableState state) {
    return entry(state.stateArgs(), state.stateAttributes());
  }

  private static Map<String, Object> entry(Map<String, Object> args, Map<String, Object> attributes) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("args", args);
    e.put("attributes", attributes);
    return e;
  }
}
