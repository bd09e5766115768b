package org.trainer4j.wandb;

import java.nio.file.Path;
import java.util.Map;
import org.trainer4j.core.TrainerControl;
import org.trainer4j.core.TrainerState;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;

/**
 * A program for {@link ShutdownHookTest}, run in its own JVM: a training that crashes ({@code crash}),
 * or one that ends without finishing its run ({@code ended}).
 */
public final class ShutdownHookMain {
  private ShutdownHookMain() {}

  public static void main(String[] argv) {
    Path dir = Path.of(argv[0]);
    boolean crash = argv[1].equals("crash");
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve("out").toString()).build();
    TrainerState state = new TrainerState();
    TrainerControl control = new TrainerControl();
    WandbCallback callback = new WandbCallback(WandbSettings.builder().mode(WandbMode.OFFLINE).directory(dir)
        .runId("hook1234").build(), false);
    callback.onTrainBegin(args, state, control, CallbackContext.empty());
    for (int step = 1; step <= 3; step++) {
      state.setGlobalStep(step);
      callback.onLog(args, state, control, CallbackContext.empty().withLogs(Map.of("loss", 1.0 / step)));
    }
    if (crash) {
      throw new IllegalStateException("the training failed");
    }
    callback.onTrainEnd(args, state, control, CallbackContext.empty());
  }
}
