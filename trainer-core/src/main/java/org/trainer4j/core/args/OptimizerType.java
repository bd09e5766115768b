package org.trainer4j.core.args;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/** The optimizers of HF's {@code optim}, each following PyTorch's update formula. */
public enum OptimizerType implements Choice {
  ADAMW_TORCH("adamw_torch", "adamw"),
  SGD("sgd"),
  ADAGRAD("adagrad"),
  RMSPROP("rmsprop");

  private final String value;
  private final List<String> aliases;

  OptimizerType(String value, String... aliases) {
    this.value = value;
    this.aliases = List.of(aliases);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public List<String> aliases() {
    return aliases;
  }

  @JsonCreator
  public static OptimizerType of(String value) {
    return Choice.parse(OptimizerType.class, "optim", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
