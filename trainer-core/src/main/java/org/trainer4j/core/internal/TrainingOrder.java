package org.trainer4j.core.internal;

import org.trainer4j.core.args.SamplingStrategy;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** Which {@link Sampler} orders the training examples: the builder's, else the one the arguments name. */
final class TrainingOrder {
  private TrainingOrder() {}

  /**
   * The sampler given to the builder, or {@code train_sampling_strategy}'s.
   *
   * @throws IllegalArgumentException when both ask for an order
   */
  static Sampler choose(TrainingArguments args, Sampler given) {
    if (given == null) {
      return args.trainSamplingStrategy() == SamplingStrategy.SEQUENTIAL
          ? Sampler.sequential() : Sampler.random(dataSeed(args));
    }
    if (args.trainSamplingStrategy() != SamplingStrategy.RANDOM) {
      throw new IllegalArgumentException("train_sampling_strategy=" + args.trainSamplingStrategy()
          + " is not allowed with a trainSampler(...) given to the Trainer's builder: the sampler decides the order;"
          + " use one or the other");
    }
    return given;
  }

  /** {@code data_seed}, else {@code seed}: what shuffles the training data. */
  static int dataSeed(TrainingArguments args) {
    return args.dataSeed().orElse(args.seed());
  }
}
