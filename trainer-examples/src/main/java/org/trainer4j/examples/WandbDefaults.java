package org.trainer4j.examples;

import java.util.Map;
import org.trainer4j.core.Trainer;

/**
 * The examples' W&B default (not the library's): offline, with the run under {@code output_dir}, unless
 * {@code WANDB_API_KEY} or {@code WANDB_MODE} is set — then the W&B settings apply as they are. It
 * customizes the integration {@code report_to} finds, by name, before the Trainer is built.
 */
final class WandbDefaults {
  private WandbDefaults() {}

  static Trainer.Builder offlineUnlessConfigured(Trainer.Builder builder, String outputDir,
      Map<String, String> environment) {
    if (environment.containsKey("WANDB_API_KEY") || environment.containsKey("WANDB_MODE")) {
      return builder;
    }
    return builder.integration("wandb", cfg -> {
      cfg.set("mode", "offline");
      if (!environment.containsKey("WANDB_DIR")) {
        cfg.set("dir", outputDir);
      }
    });
  }
}
