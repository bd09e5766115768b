package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import ai.djl.engine.Engine;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * Measurement 7, run in a fresh JVM: the time from {@code main} to the end of the first optimizer step
 * of the loop-overhead MLP (one batch of 64 examples), through the Trainer with its default console
 * output, with DJL's cache wherever {@code DJL_CACHE_DIR} says. Reports the milestones in
 * milliseconds since {@code main} and the JVM's own start-up before {@code main}.
 *
 * <p>Arguments: {@code scratchFolder}. Results are printed as {@code RESULT key=value} lines.
 */
public final class StartupRun {
  private StartupRun() {}

  public static void main(String[] argv) {
    long main = System.nanoTime();
    long jvmBeforeMain = ManagementFactory.getRuntimeMXBean().getUptime();
    JvmSettings.apply();
    Path scratch = Path.of(argv[0]);
    Engine engine = Engine.getInstance();
    long engineReady = System.nanoTime();
    Workload workload = Workload.mlp(64);
    long[] firstStep = new long[1];
    TrainerCallback stopwatch = new TrainerCallback() {
      @Override
      public void onOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control,
          CallbackContext context) {
        if (firstStep[0] == 0) {
          firstStep[0] = System.nanoTime();
        }
      }
    };
    TrainingArguments args = LoopSettings.issue(1, 1).arguments(scratch);
    try (Model model = workload.newModel()) {
      Trainer trainer = workload.trainer(model, args).callbacks(stopwatch).build();
      long built = System.nanoTime();
      trainer.train();
      trainer.close();
      ChildJvm.report("engine", engine.getEngineName() + " " + engine.getVersion());
      ChildJvm.report("jvm_before_main_ms", jvmBeforeMain);
      ChildJvm.report("engine_ready_ms", (engineReady - main) / 1e6);
      ChildJvm.report("trainer_built_ms", (built - main) / 1e6);
      ChildJvm.report("first_step_ms", (firstStep[0] - main) / 1e6);
    }
  }
}
