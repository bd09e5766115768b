package org.trainer4j.core.callback;

import java.util.concurrent.atomic.AtomicInteger;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/**
 * A test integration that throws in every onLog when the run is named "fail-integration", and cannot
 * start when it is named "fail-at-start" (other runs are left alone, since report_to=all picks it up
 * in every test).
 */
public final class FailingProvider implements TrainerCallbackProvider {
  public static final AtomicInteger CALLS = new AtomicInteger();

  @Override
  public String name() {
    return "failing";
  }

  @Override
  public TrainerCallback create(TrainingArguments args) {
    if (args.runName().equals("fail-at-start")) {
      throw new IllegalStateException("no connection");
    }
    return new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (a.runName().equals("fail-integration")) {
          CALLS.incrementAndGet();
          throw new IllegalStateException("disk full");
        }
      }
    };
  }
}
