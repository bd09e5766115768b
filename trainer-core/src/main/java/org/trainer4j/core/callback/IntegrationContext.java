package org.trainer4j.core.callback;

import java.util.Objects;
import org.trainer4j.core.args.TrainingArguments;

/**
 * What a {@link TrainerCallbackProvider} gets to create its callback: the training arguments and the
 * integration's {@link IntegrationConfig} (builder overrides, system properties, environment).
 *
 * @param args the Trainer's arguments
 * @param config this integration's settings
 */
public record IntegrationContext(TrainingArguments args, IntegrationConfig config) {
  public IntegrationContext {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(config, "config");
  }

  /** The integration's name, as in {@code report_to}. */
  public String name() {
    return config.name();
  }
}
