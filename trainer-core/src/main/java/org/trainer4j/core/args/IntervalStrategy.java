package org.trainer4j.core.args;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** When to log or evaluate: never, every {@code n} optimizer steps, or at each epoch's end. */
public enum IntervalStrategy implements Choice {
  NO("no"),
  STEPS("steps"),
  EPOCH("epoch");

  private final String value;

  IntervalStrategy(String value) {
    this.value = value;
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  /**
   * Parses {@code no}, {@code steps} or {@code epoch} (used by Jackson). The error message cannot know
   * which option the value is for and says {@code strategy}; the parser and the builder's {@code
   * evalStrategy(String)} / {@code loggingStrategy(String)} name their option.
   */
  @JsonCreator
  public static IntervalStrategy of(String value) {
    return Choice.parse(IntervalStrategy.class, "strategy", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
