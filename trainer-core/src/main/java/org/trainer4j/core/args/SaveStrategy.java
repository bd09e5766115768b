package org.trainer4j.core.args;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** When to save a checkpoint: never, every {@code save_steps}, each epoch, or on a new best metric. */
public enum SaveStrategy implements Choice {
  NO("no"),
  STEPS("steps"),
  EPOCH("epoch"),
  BEST("best");

  private final String value;

  SaveStrategy(String value) {
    this.value = value;
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @JsonCreator
  public static SaveStrategy of(String value) {
    return Choice.parse(SaveStrategy.class, "save_strategy", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
