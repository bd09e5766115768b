package org.example.trainer4j.csv;

import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;

/**
 * {@code report_to=csv} (and {@code all}): every logged row goes to {@code <output_dir>/metrics.csv}.
 * Listed in {@code META-INF/services/org.trainer4j.core.callback.TrainerCallbackProvider}, so having
 * this jar on the class path is all it takes.
 */
public final class CsvProvider implements TrainerCallbackProvider {
  /** The file name inside {@code output_dir}. */
  public static final String FILE_NAME = "metrics.csv";

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public TrainerCallback create(TrainingArguments args) {
    return new CsvLoggerCallback(args.outputDir().resolve(FILE_NAME));
  }
}
