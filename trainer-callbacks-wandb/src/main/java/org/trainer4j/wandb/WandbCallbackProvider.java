package org.trainer4j.wandb;

import java.util.Map;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/** Makes {@code report_to=wandb} (and {@code all}) find {@link WandbCallback}, configured from the environment. */
public final class WandbCallbackProvider implements TrainerCallbackProvider {
  private final Map<String, String> environment;

  /** Reads {@code System.getenv()} when a callback is created. */
  public WandbCallbackProvider() {
    this(System.getenv());
  }

  WandbCallbackProvider(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "wandb";
  }

  /**
   * A callback configured by the {@code WANDB_*} variables.
   *
   * @throws IllegalArgumentException for a variable with a bad value (the Trainer then reports it and
   *     trains without W&B)
   */
  @Override
  public TrainerCallback create(TrainingArguments args) {
    return new WandbCallback(WandbSettings.fromEnvironment(environment).build());
  }
}
