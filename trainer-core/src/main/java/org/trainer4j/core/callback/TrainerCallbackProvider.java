package org.trainer4j.core.callback;

import org.trainer4j.core.args.TrainingArguments;

/**
 * Makes an integration available to {@code report_to}. List the implementation in {@code
 * META-INF/services/org.trainer4j.core.callback.TrainerCallbackProvider}; the Trainer finds it with
 * {@link java.util.ServiceLoader} when the jar is on the class path.
 */
public interface TrainerCallbackProvider {
  /** The name users give in {@code report_to}, e.g. {@code tensorboard}: lower case, no spaces. */
  String name();

  /** Creates the integration's callback for one Trainer. Called once per Trainer. */
  TrainerCallback create(TrainingArguments args);
}
