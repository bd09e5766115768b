package org.trainer4j.tensorboard;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.trainer4j.core.args.TrainingArguments;

/** Where a run's event files go, as HF's TensorBoard callback decides it. */
final class LogDirs {
  /** The environment variable HF v5 reads for the TensorBoard folder. */
  static final String ENV_VAR = "TENSORBOARD_LOGGING_DIR";
  /** Python's {@code %b%d_%H-%M-%S} in the C locale, e.g. {@code Jan05_14-03-22}. */
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("MMMdd_HH-mm-ss", Locale.ENGLISH);

  private LogDirs() {}

  /**
   * {@code logging_dir} when set; else the {@code TENSORBOARD_LOGGING_DIR} environment variable when
   * set and not blank; else {@code <output_dir>/runs/<MonDD_HH-MM-SS>_<hostname>} in local time.
   */
  static Path resolve(TrainingArguments args, UnaryOperator<String> env, ZonedDateTime now) {
    if (args.loggingDir().isPresent()) {
      return args.loggingDir().get();
    }
    String fromEnv = env.apply(ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.strip());
    }
    return args.outputDir().resolve("runs").resolve(RUN_TIME.format(now) + "_" + Hostname.get());
  }
}
