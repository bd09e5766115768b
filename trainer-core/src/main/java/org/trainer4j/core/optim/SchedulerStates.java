package org.trainer4j.core.optim;

import java.util.Map;

/** Reading a schedule's saved state, with errors that say which field is wrong. */
final class SchedulerStates {
  private SchedulerStates() {}

  static void checkName(Map<String, ?> state, String expected) {
    Object name = state.get("name");
    if (!expected.equals(name)) {
      throw new IllegalArgumentException("scheduler state was saved by lr_scheduler_type=" + name
          + " and cannot be loaded into lr_scheduler_type=" + expected);
    }
  }

  static double number(Map<String, ?> state, String key) {
    if (!(state.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(
          "scheduler state field '" + key + "' is " + state.get(key) + "; expected a number");
    }
    return n.doubleValue();
  }

  static int count(Map<String, ?> state, String key) {
    double value = number(state, key);
    if (value < 0 || value != Math.rint(value) || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "scheduler state field '" + key + "' is " + state.get(key) + "; expected a whole number, 0 or more");
    }
    return (int) value;
  }
}
