package org.trainer4j.core.args;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The learning-rate schedules of HF's {@code lr_scheduler_type}. */
public enum SchedulerType implements Choice {
  LINEAR("linear"),
  COSINE("cosine"),
  COSINE_WITH_RESTARTS("cosine_with_restarts"),
  POLYNOMIAL("polynomial"),
  CONSTANT("constant"),
  CONSTANT_WITH_WARMUP("constant_with_warmup"),
  INVERSE_SQRT("inverse_sqrt"),
  REDUCE_LR_ON_PLATEAU("reduce_lr_on_plateau"),
  COSINE_WITH_MIN_LR("cosine_with_min_lr"),
  WARMUP_STABLE_DECAY("warmup_stable_decay");

  private final String value;

  SchedulerType(String value) {
    this.value = value;
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @JsonCreator
  public static SchedulerType of(String value) {
    return Choice.parse(SchedulerType.class, "lr_scheduler_type", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
