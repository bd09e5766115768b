package org.trainer4j.tensorboard;

import java.util.Map;
import org.trainer4j.core.callback.IntegrationContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/**
 * Makes {@code report_to=tensorboard} (and {@code all}) add a {@link TensorBoardCallback}. Its one
 * setting, {@code logging_dir} ({@code TENSORBOARD_LOGGING_DIR}), may also be given with {@code
 * Trainer.builder().integration("tensorboard", cfg -> cfg.set("logging_dir", dir))}.
 */
public final class TensorBoardCallbackProvider implements TrainerCallbackProvider {
  /** The name used in {@code report_to}. */
  public static final String NAME = "tensorboard";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TrainerCallback create(IntegrationContext context) {
    Map<String, String> env = context.config().asEnvironment();
    return new TensorBoardCallback(WriterOptions.defaults(), env::get);
  }
}
