package org.trainer4j.wandb;

import java.nio.file.Path;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.testkit.CallbackDriver;

/**
 * A program for {@link ShutdownHookTest}, run in its own JVM: a three-step training, driven by the test
 * kit, that crashes at the end of its epoch ({@code crash}), or one that ends without finishing its run
 * ({@code ended}). Neither closes the callback.
 */
public final class ShutdownHookMain {
  private ShutdownHookMain() {}

  public static void main(String[] argv) {
    Path dir = Path.of(argv[0]);
    boolean crash = argv[1].equals("crash");
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve("out").toString())
        .perDeviceTrainBatchSize(1).numTrainEpochs(1).loggingSteps(1).saveStrategy("no").build();
    WandbCallback callback = new WandbCallback(WandbSettings.builder().mode(WandbMode.OFFLINE).directory(dir)
        .runId("hook1234").build(), false);
    TrainerCallback failing = new TrainerCallback() {
      @Override
      public void onEpochEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (crash) {
          throw new IllegalStateException("the training failed");
        }
      }
    };
    CallbackDriver.builder(args).trainExamples(3).callbacks(callback, failing).build().train();
  }
}
