package org.trainer4j.core.callback;

import org.trainer4j.core.args.TrainingArguments;

/**
 * Makes an integration available to {@code report_to}. List the implementation in {@code
 * META-INF/services/org.trainer4j.core.callback.TrainerCallbackProvider}; the Trainer finds it with
 * {@link java.util.ServiceLoader} when the jar is on the class path. Implement {@link
 * #create(IntegrationContext)}.
 */
public interface TrainerCallbackProvider {
  /** The name users give in {@code report_to}, e.g. {@code tensorboard}: lower case, no spaces. */
  String name();

  /**
   * Creates the integration's callback for one Trainer, from the arguments and the integration's
   * settings ({@code Trainer.builder().integration(name, ...)}, system properties, environment). Called
   * once per Trainer. The default calls the old {@link #create(TrainingArguments)}, so providers written
   * before this method keep working.
   *
   * @throws IllegalArgumentException for a setting with a value that is not allowed
   */
  default TrainerCallback create(IntegrationContext context) {
    return create(context.args());
  }

  /**
   * The old way to create the callback, with the arguments only.
   *
   * @deprecated implement {@link #create(IntegrationContext)}, which also gives the integration's
   *     settings; the Trainer calls only that one, and its default calls this one
   */
  @Deprecated
  default TrainerCallback create(TrainingArguments args) {
    throw new UnsupportedOperationException("integration " + name() + " (" + getClass().getName()
        + ") implements neither create(IntegrationContext) nor create(TrainingArguments)");
  }
}
