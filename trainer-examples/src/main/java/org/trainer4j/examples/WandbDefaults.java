package org.trainer4j.examples;

import java.util.Map;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbSettings;

/**
 * The examples' W&B default (not the library's): offline, with the run under {@code output_dir}, unless
 * {@code WANDB_API_KEY} or {@code WANDB_MODE} is set — then the W&B settings apply as they are.
 */
final class WandbDefaults {
  private WandbDefaults() {}

  static void offlineUnlessConfigured(Trainer trainer, Map<String, String> environment) {
    if (environment.containsKey("WANDB_API_KEY") || environment.containsKey("WANDB_MODE")) {
      return;
    }
    trainer.popCallback(WandbCallback.class).ifPresent(found -> {
      WandbSettings.Builder settings = WandbSettings.fromEnvironment(environment).mode(WandbMode.OFFLINE);
      if (!environment.containsKey("WANDB_DIR")) {
        settings.directory(trainer.args().outputDir());
      }
      trainer.callbackHandler().add(new WandbCallback(settings.build()), CallbackRole.INTEGRATION);
    });
  }
}
