package org.trainer4j.core.console;

import java.io.PrintStream;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * HF's {@code PrinterCallback}: prints each log row as one line and draws no bars; used with {@code
 * disable_tqdm} or when there is no terminal.
 */
public final class PrinterCallback implements TrainerCallback {
  private final PrintStream out;

  public PrinterCallback() {
    this(System.out);
  }

  public PrinterCallback(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.isLocalProcessZero()) {
      out.println(LogLine.format(context.logs()));
    }
  }
}
