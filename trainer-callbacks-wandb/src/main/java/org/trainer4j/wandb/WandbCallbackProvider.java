package org.trainer4j.wandb;

import org.trainer4j.core.callback.IntegrationContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/**
 * Makes {@code report_to=wandb} (and {@code all}) find {@link WandbCallback}, configured as the W&B SDK
 * is, by the {@code WANDB_*} variables; {@code Trainer.builder().integration("wandb", cfg -> cfg.set(
 * "project", "x"))} and {@code -Dtrainer4j.wandb.project=x} set the same settings ({@code WANDB_PROJECT})
 * with a higher precedence.
 */
public final class WandbCallbackProvider implements TrainerCallbackProvider {
  /** The name used in {@code report_to} and {@code Trainer.builder().integration(...)}. */
  public static final String NAME = "wandb";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A callback configured by the {@code WANDB_*} settings of the context.
   *
   * @throws IllegalArgumentException for a setting with a bad value (the Trainer then reports it and
   *     trains without W&B)
   */
  @Override
  public TrainerCallback create(IntegrationContext context) {
    return new WandbCallback(WandbSettings.fromEnvironment(context.config().asEnvironment()).build());
  }
}
