package org.trainer4j.core.args;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The order of the training examples, as HF v5's {@code train_sampling_strategy}: shuffled each epoch,
 * in dataset order, or shuffled and grouped by length (HF's {@code LengthGroupedSampler}; v4's {@code
 * group_by_length=true}). (HF's {@code batch_rebalance}, for data-parallel training, does not exist here.)
 */
public enum SamplingStrategy implements Choice {
  RANDOM("random"),
  SEQUENTIAL("sequential"),
  GROUP_BY_LENGTH("group_by_length");

  private final String value;

  SamplingStrategy(String value) {
    this.value = value;
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @JsonCreator
  public static SamplingStrategy of(String value) {
    return Choice.parse(SamplingStrategy.class, "train_sampling_strategy", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
