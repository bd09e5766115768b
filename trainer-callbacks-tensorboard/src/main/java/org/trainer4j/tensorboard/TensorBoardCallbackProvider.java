package org.trainer4j.tensorboard;

import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/** Makes {@code report_to=tensorboard} (and {@code all}) add a {@link TensorBoardCallback}. */
public final class TensorBoardCallbackProvider implements TrainerCallbackProvider {
  /** The name used in {@code report_to}. */
  public static final String NAME = "tensorboard";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TrainerCallback create(TrainingArguments args) {
    return new TensorBoardCallback();
  }
}
